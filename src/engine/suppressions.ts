import type { Model } from "../model/types";
import type { Finding } from "../rules/types";
import { hasExpired, namesRule } from "../findings/suppression";

/**
 * Applies suppressions written in the configuration (CDKTF `GkePreflight.suppress`, stored in
 * the resource's `"//"` metadata). A suppressed finding is still reported, marked with the
 * reason; an expired suppression stops applying and says so.
 */
export function applySuppressions(findings: Finding[], model: Model, now: Date): Finding[] {
  return findings.map((finding) => {
    const resource = model.byAddress.get(finding.address);
    const suppression = resource?.suppressions.find((s) => namesRule(s.ruleId, finding));
    if (!suppression) return finding;
    if (hasExpired(suppression.expires, now)) {
      return { ...finding, expiredSuppression: { reason: suppression.reason, expires: suppression.expires, source: "construct" } };
    }
    return { ...finding, suppressed: { reason: suppression.reason, ...(suppression.expires ? { expires: suppression.expires } : {}), source: "construct" } };
  });
}
