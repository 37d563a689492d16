import type { Model } from "../model/types";
import type { Finding } from "../rules/types";

/**
 * Applies suppressions written in the configuration (CDKTF `GkePreflight.suppress`, stored in
 * the resource's `"//"` metadata). A suppressed finding is still reported, marked with the
 * reason; an expired suppression stops applying and says so.
 */
export function applySuppressions(findings: Finding[], model: Model, now: Date): Finding[] {
  const today = now.toISOString().slice(0, 10);
  return findings.map((finding) => {
    const resource = model.byAddress.get(finding.address);
    const suppression = resource?.suppressions.find((s) => s.ruleId === finding.ruleId || s.ruleId === finding.slug);
    if (!suppression) return finding;
    if (suppression.expires && suppression.expires < today) {
      return { ...finding, expiredSuppression: { reason: suppression.reason, expires: suppression.expires, source: "construct" } };
    }
    return { ...finding, suppressed: { reason: suppression.reason, ...(suppression.expires ? { expires: suppression.expires } : {}), source: "construct" } };
  });
}
