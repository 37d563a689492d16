import type { Finding } from "../rules/types";
import type { WaiverOutcome } from "../waivers/types";
import { waiverNotices } from "../waivers/apply";
import { mdCode, mdFence, mdText, mermaidLabel, htmlText } from "../text/escape";
import { displayPath } from "./paths";
import { defaultPolicy, outcomeOf, type GatePolicy, type Outcome } from "./policy";
import type { Report } from "./types";

export interface MarkdownOptions {
  policy?: GatePolicy;
  waivers?: readonly WaiverOutcome[];
  /** GitHub refuses comments over 65,536 characters: fix sections are dropped past this. */
  maxChars?: number;
  /** Paths are shown relative to this folder when inside it. */
  baseDir?: string;
}

/** First line of every comment: CI recipes find and update their previous comment by it. */
export const MARKDOWN_MARKER = "<!-- cdktf-gke-preflight -->";

const icon: Record<Outcome, string> = { fail: "❌", warn: "⚠️", suppressed: "🔕", pass: "✅" };
const label: Record<Outcome, string> = { fail: "fails", warn: "warns", suppressed: "waived", pass: "passes" };
const MAX_TABLE_ROWS = 200;

/** A PR comment: a summary line, a table of findings, then the fixes as code blocks. */
export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const policy = options.policy ?? defaultPolicy;
  const maxChars = options.maxChars ?? 60000;
  const ordered = [...report.findings].sort((a, b) => rank(a, policy) - rank(b, policy));
  const head: string[] = [MARKDOWN_MARKER, `### ${summaryLine(ordered, policy)}`, "", inputsLine(report, policy, options.baseDir), ""];

  if (ordered.length) {
    head.push("| | Rule | Resource | Finding |", "| --- | --- | --- | --- |");
    // The table may use most of the room; fixes get what is left.
    let room = maxChars * 0.7 - head.join("\n").length;
    let shown = 0;
    for (const f of ordered) {
      const row = tableRow(f, policy);
      if (shown >= MAX_TABLE_ROWS || row.length + 1 > room) break;
      head.push(row);
      room -= row.length + 1;
      shown++;
    }
    if (shown < ordered.length) head.push("", `… and ${ordered.length - shown} more findings in the JSON or SARIF report.`);
    head.push("");
  }

  const notices = waiverNotices(options.waivers ?? [], (file) => displayPath(file, options.baseDir));
  if (notices.length) {
    head.push("#### Waivers that need attention", "", ...notices.map((n) => `- ${mdText(n, true)}`), "");
  }

  const needFix = ordered.filter((f) => outcomeOf(f, policy) === "fail" || outcomeOf(f, policy) === "warn");
  const out = [head.join("\n")];
  let length = out[0]!.length;
  let omitted = 0;
  if (needFix.length) {
    const title = "#### How to fix\n";
    out.push(title);
    length += title.length;
    // Fixes in table order until the comment is full; the rest are counted, not rendered.
    for (const [i, f] of needFix.entries()) {
      const s = fixSection(f, options.baseDir);
      if (length + s.length + 200 > maxChars) {
        omitted = needFix.length - i;
        break;
      }
      out.push(s);
      length += s.length;
    }
  }
  if (omitted) out.push(`_${omitted} more fix${omitted === 1 ? "" : "es"} left out to fit a comment: run \`preflight\` locally or read the SARIF report._\n`);
  return `${out.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd()}\n`;
}

function rank(f: Finding, policy: GatePolicy): number {
  return ["fail", "warn", "suppressed", "pass"].indexOf(outcomeOf(f, policy));
}

/** Disjoint counts: blocking (fails the gate), warnings (decided, below the threshold), undecided, waived. */
function summaryLine(findings: readonly Finding[], policy: GatePolicy): string {
  let blocking = 0;
  let warnings = 0;
  let undecided = 0;
  let waived = 0;
  for (const f of findings) {
    const outcome = outcomeOf(f, policy);
    if (outcome === "suppressed") waived++;
    else if (outcome === "fail") blocking++;
    else if (f.status === "unknown") undecided++;
    else if (outcome === "warn") warnings++;
  }
  const verdict = blocking ? `${icon.fail} GKE preflight failed` : `${icon.pass} GKE preflight passed`;
  const parts = [`${blocking} blocking`];
  if (warnings) parts.push(`${warnings} warning${warnings === 1 ? "" : "s"}`);
  if (undecided) parts.push(`${undecided} undecided`);
  if (waived) parts.push(`${waived} waived`);
  return `${verdict}: ${parts.join(" · ")}`;
}

function inputsLine(report: Report, policy: GatePolicy, baseDir: string | undefined): string {
  const inputs = report.inputs.map((i) => `${mdCode(displayPath(i.file, baseDir))}${i.stack ? ` (stack ${mdText(i.stack)})` : ""}`);
  const resources = report.inputs.reduce((n, i) => n + i.resources, 0);
  const gate =
    policy.failOn === "never"
      ? "report only (never fails)"
      : `fails on ${policy.failOn === "error" ? "errors" : "errors and warnings"}`;
  const unknown = { pass: "pass", warn: "warn", fail: "fail" }[policy.unknown];
  const shown = inputs.length > 5 ? `${inputs.slice(0, 5).join(", ")} and ${inputs.length - 5} more` : inputs.join(", ");
  return `Checked ${resources} resource${resources === 1 ? "" : "s"} in ${shown || "no input"}. Gate: ${gate}; undecided findings ${unknown}. ${mdText(report.tool.name)} ${mdText(report.tool.version)}.`;
}

function tableRow(f: Finding, policy: GatePolicy): string {
  const outcome = outcomeOf(f, policy);
  const status = `${icon[outcome]} ${label[outcome]}`;
  const rule = `${mdText(f.ruleId)} ${mdText(f.slug)}`;
  const where = [mdCode(f.address, true), f.stack ? `stack ${mdText(f.stack)}` : undefined].filter(Boolean).join("<br>");
  let text = mdText(f.message);
  if (f.status === "unknown") text = `Undecided: ${text}${f.reason ? `<br>${mdText(f.reason)}` : ""}`;
  if (f.suppressed) {
    const s = f.suppressed;
    text += `<br>Waived${s.source === "construct" ? " on the resource" : ""}: ${mdText(s.reason)}${s.expires ? ` (until ${mdText(s.expires)})` : ""}${s.ticket ? ` ${mdText(s.ticket)}` : ""}`;
  }
  if (f.expiredSuppression) {
    const what = f.expiredSuppression.source === "waiver" ? "Waiver" : "Suppression on the resource";
    text += `<br>${what} expired on ${mdText(f.expiredSuppression.expires)}: ${mdText(f.expiredSuppression.reason)}`;
  }
  return `| ${status} | ${rule} | ${where} | ${text} |`;
}

function fixSection(f: Finding, baseDir: string | undefined): string {
  const out: string[] = [];
  out.push(`<details><summary><b>${htmlText(f.ruleId)}</b> on <code>${htmlText(f.address)}</code>${f.stack ? ` (stack ${htmlText(f.stack)})` : ""}: ${htmlText(f.remediation.summary || f.title)}</summary>`, "");
  if (f.status === "unknown" && f.decideWith) out.push(`To decide: ${mdText(f.decideWith)}`, "");
  const diagram = permissionsDiagram(f);
  if (diagram) out.push(diagram);
  if (f.remediation.gcloud.length) out.push("gcloud:", "", mdFence(f.remediation.gcloud.join("\n"), "sh"));
  if (f.remediation.cdktf) out.push("CDKTF (TypeScript):", "", mdFence(f.remediation.cdktf, "ts"));
  if (f.remediation.hcl) out.push("Terraform (HCL):", "", mdFence(f.remediation.hcl, "hcl"));
  out.push(`Where: ${mdCode(displayPath(f.file, baseDir))}${f.pointer ? ` at ${mdCode(f.pointer)}` : ""}${f.constructPath ? `, construct ${mdCode(f.constructPath)}` : ""}. Docs: ${link(f.docUrl)}`, "", "</details>", "");
  return out.join("\n");
}

/** GKE001: node account → the roles it holds → the permissions it still lacks. */
function permissionsDiagram(f: Finding): string | undefined {
  const d = f.details ?? {};
  // Missing when decided; when undecided, the permissions nobody can vouch for yet.
  const missing = stringList(d["missingPermissions"]);
  const undetermined = stringList(d["undeterminedPermissions"]);
  const lacking = missing.length ? missing : undetermined;
  if (!lacking.length) return undefined;
  const verb = missing.length ? "lacks" : "may lack";
  const account = firstString(d, ["identity", "serviceAccount", "account", "member"]) ?? "node service account";
  // GKE001 lists grants as "role (granted by address)".
  const roles = stringList(d["grantedBy"] ?? d["grantedRoles"] ?? d["roles"]);
  const shown = lacking.slice(0, 12);
  const lines = ["flowchart LR", `  sa["${mermaidLabel(account)}"]`];
  roles.slice(0, 8).forEach((r, i) => lines.push(`  sa -->|holds| r${i}["${mermaidLabel(r)}"]`));
  if (roles.length > 8) lines.push(`  sa -->|holds| rmore["${roles.length - 8} more roles"]`);
  const what = missing.length ? "missing" : "undetermined";
  lines.push(`  sa -.->|${verb}| missing["${lacking.length} ${what} permission${lacking.length === 1 ? "" : "s"}"]`);
  shown.forEach((p, i) => lines.push(`  missing --- p${i}["${mermaidLabel(p)}"]`));
  if (lacking.length > shown.length) lines.push(`  missing --- pmore["${lacking.length - shown.length} more"]`);
  lines.push("  classDef lack fill:#fdd,stroke:#c00", `  class missing${shown.map((_, i) => `,p${i}`).join("")} lack`);
  return mdFence(lines.join("\n"), "mermaid");
}

function link(url: string): string {
  return /^https?:\/\/[^\s<>()]+$/.test(url) ? `<${url}>` : mdCode(url);
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function firstString(d: Record<string, unknown>, keys: string[]): string | undefined {
  for (const k of keys) if (typeof d[k] === "string") return d[k] as string;
  return undefined;
}
