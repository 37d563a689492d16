import type { Finding } from "../rules/types";

/**
 * What construct suppressions and waivers share: both name a rule by id or by slug, and both
 * apply through their `expires` day (UTC, `YYYY-MM-DD`) and stop on the day after.
 */
export function namesRule(rule: string, finding: Pick<Finding, "ruleId" | "slug">): boolean {
  return rule === finding.ruleId || rule === finding.slug;
}

export function hasExpired(expires: string | undefined, now: Date): expires is string {
  return expires !== undefined && expires < now.toISOString().slice(0, 10);
}
