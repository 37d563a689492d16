/**
 * Turns findings into construct annotations: one line per finding, which `cdktf synth` prints
 * as `ERROR [stack/path]: GKE001 …` and `app.synth()` lists in the error it throws.
 */
import type { IConstruct } from "constructs";
import type { Finding } from "../rules/types";

export type AnnotationLevel = "@cdktf/error" | "@cdktf/warn" | "@cdktf/info";
/** How `unknown` findings (undecidable before apply) are reported. */
export type UnknownHandling = "ignore" | "warn" | "error";

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

/** The annotation for a finding, or undefined when nothing should be said. */
export function annotationFor(f: Finding, unknown: UnknownHandling): Annotation | undefined {
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
  if (f.status === "fail") {
    return { level: "@cdktf/error", message: join(`${f.ruleId} ${trimPeriod(f.message)}.${expired}`, fixText(f)) };
  }
  if (f.status === "unknown") {
    if (unknown === "ignore") return undefined;
    const why = f.reason ? ` (${trimPeriod(f.reason)}).` : ".";
    const decide = f.decideWith ? ` Decide with: ${trimPeriod(f.decideWith)}.` : "";
    return {
      level: unknown === "error" ? "@cdktf/error" : "@cdktf/warn",
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
  const already = construct.node.metadata.some((m) => m.type === a.level && m.data === a.message);
  if (!already) construct.node.addMetadata(a.level, a.message, { stackTrace: false });
}
