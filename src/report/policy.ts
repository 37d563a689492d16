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

export function parseFailOn(value: string): FailOn {
  if (value === "error" || value === "warning" || value === "never") return value;
  throw new Error(`--fail-on must be error, warning or never (got "${value}")`);
}

export function parseUnknownPolicy(value: string): UnknownPolicy {
  if (value === "pass" || value === "warn" || value === "fail") return value;
  throw new Error(`--unknown must be pass, warn or fail (got "${value}")`);
}

/** The gate's verdict: `fail` exactly when the run exits 1 (the CLI) or synth fails (the aspect). */
export type GateVerdict = "pass" | "fail";

export function gateVerdict(findings: readonly Finding[], policy: GatePolicy): GateVerdict {
  return gateFails(findings, policy) ? "fail" : "pass";
}

/** Findings counted by status (suppressed ones apart), as in the report's summary. */
export interface StatusCounts {
  fail: number;
  unknown: number;
  pass: number;
  suppressed: number;
}

/** The JSON report's summary: counts by status and by severity, the policy applied and the gate's verdict. */
export interface GateSummary extends StatusCounts {
  bySeverity: Record<Severity, StatusCounts>;
  policy: GatePolicy;
  gate: GateVerdict;
}

export function gateSummary(findings: readonly Finding[], policy: GatePolicy): GateSummary {
  const zero = (): StatusCounts => ({ fail: 0, unknown: 0, pass: 0, suppressed: 0 });
  const total = zero();
  const bySeverity: Record<Severity, StatusCounts> = { error: zero(), warning: zero(), info: zero() };
  for (const f of findings) {
    const key = f.suppressed ? "suppressed" : f.status;
    total[key]++;
    bySeverity[f.severity][key]++;
  }
  return { ...total, bySeverity, policy: { failOn: policy.failOn, unknown: policy.unknown }, gate: gateVerdict(findings, policy) };
}

/**
 * The aspect's options before it spoke the CLI's vocabulary, still accepted: `unknown: "ignore"`
 * is `pass` (shown, never failing) and `unknown: "error"` is `fail`. Deprecated.
 */
const LEGACY_UNKNOWN: Record<string, UnknownPolicy> = { ignore: "pass", error: "fail" };

/** A policy from the aspect's options (same names and defaults as the CLI's flags); throws on a bad value. */
export function policyFromOptions(options: { failOn?: string; unknown?: string }, who: string): GatePolicy {
  const failOn = options.failOn ?? defaultPolicy.failOn;
  const unknownValue = options.unknown ?? defaultPolicy.unknown;
  const unknown = Object.hasOwn(LEGACY_UNKNOWN, unknownValue) ? LEGACY_UNKNOWN[unknownValue] : unknownValue;
  if (failOn !== "error" && failOn !== "warning" && failOn !== "never") {
    throw new Error(`${who}: failOn must be "error", "warning" or "never", got ${JSON.stringify(failOn)}`);
  }
  if (unknown !== "pass" && unknown !== "warn" && unknown !== "fail") {
    throw new Error(`${who}: unknown must be "pass", "warn" or "fail", got ${JSON.stringify(unknownValue)}`);
  }
  return { failOn, unknown };
}
