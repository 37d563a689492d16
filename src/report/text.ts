import type { Finding } from "../rules/types";
import type { Report } from "./types";
import { outcomeOf, type GatePolicy, type Outcome } from "./policy";
import { terminalSafe } from "../text/terminal-text";

export interface TextOptions {
  policy: GatePolicy;
  color: boolean;
  /** Print the CDKTF and HCL fixes too (the gcloud fix is always printed). */
  verbose?: boolean;
}

const STYLE: Record<Outcome | "dim" | "bold", [string, string]> = {
  fail: ["\u001b[31m", "\u001b[39m"],
  warn: ["\u001b[33m", "\u001b[39m"],
  pass: ["\u001b[32m", "\u001b[39m"],
  suppressed: ["\u001b[90m", "\u001b[39m"],
  dim: ["\u001b[2m", "\u001b[22m"],
  bold: ["\u001b[1m", "\u001b[22m"],
};

/** Human output: findings grouped by input and resource, each with its fix. */
export function renderText(report: Report, options: TextOptions): string {
  return [...textChunks(report, options)].join("");
}

/** {@link renderText} in pieces, a resource's findings at a time (a large plan's report is tens of MB). */
export function* textChunks(report: Report, options: TextOptions): Generator<string> {
  const paint = (style: keyof typeof STYLE, text: string) => (options.color ? STYLE[style][0] + text + STYLE[style][1] : text);
  // Every line ends with a line break: the pieces join to lines.join("\n") + "\n".
  const piece = (lines: string[]) => `${lines.join("\n")}\n`;
  const shown = report.findings.filter((f) => !(f.status === "unknown" && options.policy.unknown === "pass"));
  for (const input of report.inputs) {
    const label = input.stack ? `${input.file} (stack ${input.stack})` : input.file;
    const findings = shown.filter((f) => f.file === input.file && f.stack === input.stack);
    const heading = paint("bold", `${terminalSafe(label)}: ${input.format === "plan" ? "plan" : "Terraform JSON"}, ${counted(input.resources, "resource")}`);
    if (findings.length === 0) {
      yield piece([heading, `  ${paint("pass", "no problems found")}`, ""]);
      continue;
    }
    yield piece([heading]);
    const byResource = new Map<string, Finding[]>();
    for (const f of findings) {
      const group = byResource.get(f.address);
      if (group) group.push(f);
      else byResource.set(f.address, [f]);
    }
    for (const [address, group] of byResource) {
      const path = group[0].constructPath ? ` [${group[0].constructPath}]` : "";
      const lines = ["", `  ${paint("bold", terminalSafe(address + path))}`];
      for (const f of group) lines.push(...findingLines(f, options, paint));
      yield piece(lines);
    }
    yield piece([""]);
  }
  yield piece([summaryLine(report.findings, options.policy)]);
}

function findingLines(f: Finding, options: TextOptions, paint: (s: keyof typeof STYLE, t: string) => string): string[] {
  const outcome = outcomeOf(f, options.policy);
  const label = f.suppressed ? "SUPPRESSED" : f.status === "fail" ? (outcome === "fail" ? "FAIL" : "WARN") : f.status === "unknown" ? "UNKNOWN" : "PASS";
  const out = [`    ${paint(outcome, label.padEnd(10))} ${f.ruleId} ${terminalSafe(f.message)}`];
  const indent = "               ";
  if (f.suppressed) {
    const by = f.suppressed.source === "waiver" ? `waived${f.suppressed.ticket ? ` (${terminalSafe(f.suppressed.ticket)})` : ""}` : "suppressed in the configuration";
    out.push(`${indent}${by}: ${terminalSafe(f.suppressed.reason)}${f.suppressed.expires ? ` (until ${terminalSafe(f.suppressed.expires)})` : ""}`);
  }
  if (f.expiredSuppression) out.push(`${indent}suppression expired on ${terminalSafe(f.expiredSuppression.expires)}: ${terminalSafe(f.expiredSuppression.reason)}`);
  if (f.status === "pass") return out;
  if (f.reason) out.push(`${indent}why unknown: ${terminalSafe(f.reason)}`);
  if (f.decideWith) out.push(`${indent}decide with: ${terminalSafe(f.decideWith)}`);
  if (f.remediation.summary) out.push(`${indent}fix: ${terminalSafe(f.remediation.summary)}`);
  for (const command of f.remediation.gcloud) out.push(`${indent}  ${paint("dim", "$")} ${terminalSafe(command)}`);
  if (options.verbose && f.remediation.cdktf) {
    out.push(`${indent}CDKTF:`, ...f.remediation.cdktf.split("\n").map((l) => `${indent}  ${terminalSafe(l)}`));
    out.push(`${indent}Terraform:`, ...f.remediation.hcl.split("\n").map((l) => `${indent}  ${terminalSafe(l)}`));
  }
  out.push(`${indent}${paint("dim", `docs: ${f.docUrl}`)}`);
  return out;
}

export function summaryLine(findings: readonly Finding[], policy: GatePolicy): string {
  const outcome = (f: Finding) => outcomeOf(f, policy);
  const failed = findings.filter((f) => outcome(f) === "fail").length;
  const warnings = findings.filter((f) => f.status === "fail" && outcome(f) === "warn").length;
  const unknown = findings.filter((f) => !f.suppressed && f.status === "unknown").length;
  const passed = findings.filter((f) => !f.suppressed && f.status === "pass").length;
  const suppressed = findings.filter((f) => f.suppressed).length;
  const parts = [`${failed} failed`, ...(warnings ? [counted(warnings, "warning")] : []), `${unknown} unknown`, ...(passed ? [`${passed} passed`] : []), `${suppressed} suppressed`];
  return `Summary: ${parts.join(", ")}. ${failed > 0 ? "The gate fails." : "The gate passes."}`;
}

/** "1 resource", "2 resources". */
export function counted(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
