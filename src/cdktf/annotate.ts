/**
 * Turns findings into construct annotations: one line per finding, which `cdktf synth` prints
 * as `ERROR [stack/path]: GKE001 …` and `app.synth()` lists in the error it throws.
 */
import type { IConstruct } from "constructs";
import type { Finding } from "../rules/types";
import { inlineText } from "../text/escape";
import { outcomeOf, type GatePolicy, type UnknownPolicy } from "../report/policy";

export type AnnotationLevel = "@cdktf/error" | "@cdktf/warn" | "@cdktf/info";
/**
 * How `unknown` findings (undecidable before apply) count: the CLI's `--unknown` values.
 * `"ignore"` (= `pass`) and `"error"` (= `fail`) are the deprecated names, still accepted.
 */
export type UnknownHandling = UnknownPolicy | "ignore" | "error";

/** The gate's outcome as cdktf's level: only what fails the gate is an ERROR, which fails synth. */
const LEVEL = { fail: "@cdktf/error", warn: "@cdktf/warn", pass: "@cdktf/info", suppressed: "@cdktf/info" } as const;

export interface Annotation {
  level: AnnotationLevel;
  message: string;
}

/**
 * Multi-line remediation code as one line, so each finding stays one line in the synth output.
 * Line comments become block comments: on one line a `//` would swallow the code after it.
 */
export function oneLine(text: string): string {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .map((l) => (l.startsWith("//") ? `/* ${l.replace(/^\/\/\s*/, "").replace(/\*\//g, "* /")} */` : l))
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
}

function fixText(f: Finding): string {
  const parts: string[] = [];
  if (f.remediation.summary) parts.push(`Fix: ${f.remediation.summary.replace(/\.$/, "")}.`);
  const code = oneLine(f.remediation.cdktf ?? "");
  if (code) parts.push(`CDKTF: ${code}`);
  return parts.join(" ");
}

function trimPeriod(text: string): string {
  return text.trim().replace(/\.$/, "");
}

/**
 * The annotation for a finding under the gate's policy, or undefined for a pass. The level is the
 * finding's outcome, as the CLI's exit code sees it: ERROR when it fails the gate, WARN when it is
 * shown without failing (a failing warning under `failOn: "error"`, anything under `"never"`, an
 * unknown under `"warn"`), INFO for an unknown under `unknown: "pass"` and a suppressed finding.
 */
export function annotationFor(f: Finding, policy: GatePolicy): Annotation | undefined {
  if (f.suppressed) {
    const until = f.suppressed.expires ? ` until ${f.suppressed.expires}` : "";
    return {
      level: "@cdktf/info",
      message: `${f.ruleId} suppressed${until} (reason: ${trimPeriod(f.suppressed.reason)}): ${trimPeriod(f.message)}.`,
    };
  }
  const expired = f.expiredSuppression
    ? ` The suppression of ${f.ruleId} expired on ${f.expiredSuppression.expires} and no longer applies (reason was: ${trimPeriod(f.expiredSuppression.reason)}).`
    : "";
  const level = LEVEL[outcomeOf(f, policy)];
  if (f.status === "fail") {
    return { level, message: join(`${f.ruleId} ${trimPeriod(f.message)}.${expired}`, fixText(f)) };
  }
  if (f.status === "unknown") {
    const why = f.reason ? ` (${trimPeriod(f.reason)}).` : ".";
    const decide = f.decideWith ? ` Decide with: ${trimPeriod(f.decideWith)}.` : "";
    return {
      level,
      message: join(`${f.ruleId} cannot be decided before apply: ${trimPeriod(f.message)}${why}${decide}${expired}`, fixText(f)),
    };
  }
  return undefined;
}

function join(head: string, tail: string): string {
  return tail ? `${head} ${tail}` : head;
}

/** Adds an annotation unless the same one is already there (synth may run more than once). */
export function annotate(construct: IConstruct, a: Annotation): void {
  // `cdktf synth` prints each annotation as one `ERROR [path]: …` line: input text in it (a resource
  // key with a line break, an escape sequence) must not start a line of its own.
  const message = inlineText(a.message);
  const already = construct.node.metadata.some((m) => m.type === a.level && m.data === message);
  if (!already) construct.node.addMetadata(a.level, message, { stackTrace: false });
}
