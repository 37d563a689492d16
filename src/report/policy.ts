import type { Finding, Severity } from "../rules/types";

/** `--fail-on`: the lowest severity of a failing finding that fails the gate; `never` is report-only. */
export type FailOn = "error" | "warning" | "never";
/** `--unknown`: how an undecided finding counts. */
export type UnknownPolicy = "pass" | "warn" | "fail";

export interface GatePolicy {
  failOn: FailOn;
  unknown: UnknownPolicy;
}

export const defaultPolicy: GatePolicy = { failOn: "error", unknown: "warn" };

/**
 * What the gate makes of one finding under a policy:
 * `fail` fails the run, `warn` is shown but does not, `pass` is fine, `suppressed` is waived.
 */
export type Outcome = "fail" | "warn" | "pass" | "suppressed";

const rank: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** What the gate reads of a finding; `preflight doctor` gates its steps through the same rules. */
export type Gated = Pick<Finding, "status" | "severity"> & { suppressed?: unknown };

export function outcomeOf(finding: Gated, policy: GatePolicy): Outcome {
  if (finding.suppressed) return "suppressed";
  if (finding.status === "pass") return "pass";
  if (finding.status === "unknown" && policy.unknown !== "fail") return policy.unknown;
  // A decided failure, or an undecided one the policy treats as failing.
  if (policy.failOn === "never" || finding.severity === "info") return "warn";
  return rank[finding.severity] >= rank[policy.failOn] ? "fail" : "warn";
}

/** True when the run must exit 1. */
export function gateFails(findings: readonly Gated[], policy: GatePolicy): boolean {
  return findings.some((f) => outcomeOf(f, policy) === "fail");
}

export function countOutcomes(findings: readonly Finding[], policy: GatePolicy): Record<Outcome, number> {
  const counts: Record<Outcome, number> = { fail: 0, warn: 0, pass: 0, suppressed: 0 };
  for (const f of findings) counts[outcomeOf(f, policy)]++;
  return counts;
}

export function parseFailOn(value: string): FailOn {
  if (value === "error" || value === "warning" || value === "never") return value;
  throw new Error(`--fail-on must be error, warning or never (got "${value}")`);
}

export function parseUnknownPolicy(value: string): UnknownPolicy {
  if (value === "pass" || value === "warn" || value === "fail") return value;
  throw new Error(`--unknown must be pass, warn or fail (got "${value}")`);
}
