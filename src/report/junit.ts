import type { Finding } from "../rules/types";
import type { WaiverOutcome } from "../waivers/types";
import { describeWaiver } from "../waivers/types";
import { inlineText, xmlEscape, xmlText } from "../text/escape";
import { displayPath } from "./paths";
import { defaultPolicy, outcomeOf, type GatePolicy, type Outcome } from "./policy";
import type { Report } from "./types";

export interface JunitOptions {
  policy?: GatePolicy;
  waivers?: readonly WaiverOutcome[];
  /** `file` attributes are relative to this folder when the file is inside it. */
  baseDir?: string;
}

/** An attribute value: viewers show attributes as one line, so input text stays on one. */
function xmlAttr(text: string): string {
  return xmlEscape(inlineText(text));
}

/** One test case: one rule on one resource (several verdicts on it are folded together). */
interface Case {
  ruleId: string;
  slug: string;
  title: string;
  file: string;
  stack?: string;
  address: string;
  findings: Finding[];
}

/**
 * JUnit XML: a test suite per rule, a test case per rule × resource. Failing findings are
 * `<failure>` with message and fix; undecided ones are skipped (or failures with --unknown fail);
 * waived ones are skipped with the waiver's reason. Pass findings (--include-pass) are passing cases.
 */
export function renderJunit(report: Report, options: JunitOptions = {}): string {
  return [...junitChunks(report, options)].join("");
}

/** {@link renderJunit} in pieces: the counts first (they open the document), then case by case. */
export function* junitChunks(report: Report, options: JunitOptions = {}): Generator<string> {
  const policy = options.policy ?? defaultPolicy;
  const multipleInputs = new Set(report.inputs.map((i) => `${i.file}\u0000${i.stack ?? ""}`)).size > 1;
  const suites = new Map<string, Case[]>();
  const cases = new Map<string, Case>();
  for (const f of report.findings) {
    const key = [f.ruleId, f.file, f.stack ?? "", f.address].join("\u0000");
    let c = cases.get(key);
    if (!c) {
      c = { ruleId: f.ruleId, slug: f.slug, title: f.title, file: f.file, address: f.address, findings: [] };
      if (f.stack !== undefined) c.stack = f.stack;
      cases.set(key, c);
      const suite = suites.get(f.ruleId) ?? [];
      suite.push(c);
      suites.set(f.ruleId, suite);
    }
    c.findings.push(f);
  }

  const outcomes = new Map<Case, Outcome>();
  const suiteCounts = new Map<string, { tests: number; failures: number; skipped: number }>();
  let total = { tests: 0, failures: 0, skipped: 0 };
  for (const [ruleId, ruleCases] of suites) {
    const counts = { tests: 0, failures: 0, skipped: 0 };
    for (const c of ruleCases) {
      const outcome = caseOutcome(c.findings, policy);
      outcomes.set(c, outcome);
      counts.tests++;
      if (outcome === "fail") counts.failures++;
      if (outcome === "warn" || outcome === "suppressed") counts.skipped++;
    }
    suiteCounts.set(ruleId, counts);
    total = { tests: total.tests + counts.tests, failures: total.failures + counts.failures, skipped: total.skipped + counts.skipped };
  }
  const waiverCases = waiverSuite(options.waivers ?? [], options.baseDir);
  if (waiverCases) total = { tests: total.tests + waiverCases.tests, failures: total.failures, skipped: total.skipped + waiverCases.skipped };

  yield '<?xml version="1.0" encoding="UTF-8"?>\n';
  yield `<testsuites name="${xmlAttr(report.tool.name)}" tests="${total.tests}" failures="${total.failures}" errors="0" skipped="${total.skipped}">\n`;
  for (const [ruleId, ruleCases] of suites) {
    const first = ruleCases[0]!;
    const counts = suiteCounts.get(ruleId)!;
    yield `  <testsuite name="${xmlAttr(`${ruleId} ${first.slug}: ${first.title}`)}" tests="${counts.tests}" failures="${counts.failures}" errors="0" skipped="${counts.skipped}">\n`;
    for (const c of ruleCases) {
      const file = displayPath(c.file, options.baseDir);
      const name = multipleInputs ? `${c.stack ?? file}: ${c.address}` : c.address;
      const attrs = `name="${xmlAttr(name)}" classname="${xmlAttr(`${ruleId}.${first.slug}`)}" file="${xmlAttr(file)}"`;
      const inner = caseBody(c, outcomes.get(c)!, policy, options.baseDir);
      yield inner ? `    <testcase ${attrs}>\n${inner}    </testcase>\n` : `    <testcase ${attrs}/>\n`;
    }
    yield "  </testsuite>\n";
  }
  for (const line of waiverCases?.xml ?? []) yield `${line}\n`;
  yield "</testsuites>\n";
}

/** The worst outcome among the verdicts on one resource decides the case. */
function caseOutcome(findings: readonly Finding[], policy: GatePolicy): Outcome {
  const order: Outcome[] = ["fail", "warn", "suppressed", "pass"];
  const outcomes = findings.map((f) => outcomeOf(f, policy));
  return order.find((o) => outcomes.includes(o)) ?? "pass";
}

function caseBody(c: Case, outcome: Outcome, policy: GatePolicy, baseDir: string | undefined): string {
  const relevant = c.findings.filter((f) => outcomeOf(f, policy) === outcome);
  const first = relevant[0]!;
  if (outcome === "pass") {
    const text = c.findings.map((f) => `${f.status === "unknown" ? "UNDECIDED (counted as passing)" : "PASS"} ${inlineText(f.message)}`).join("\n");
    return `      <system-out>${xmlText(text)}</system-out>\n`;
  }
  if (outcome === "suppressed") {
    const s = first.suppressed!;
    const by = s.source === "waiver" ? "waiver" : "suppression on the resource";
    const message = inlineText(`waived by ${by}: ${s.reason}${s.expires ? ` (until ${s.expires})` : ""}${s.ticket ? ` [${s.ticket}]` : ""}`);
    return `      <skipped message="${xmlAttr(message)}"/>\n`;
  }
  const details = relevant.map((f) => findingText(f, baseDir)).join("\n\n");
  if (outcome === "warn") {
    const message = inlineText(first.status === "unknown" ? `undecided: ${first.message}` : `${first.severity}: ${first.message}`);
    return `      <skipped message="${xmlAttr(message)}"/>\n      <system-out>${xmlText(details)}</system-out>\n`;
  }
  const type = first.status === "unknown" ? `${first.ruleId} undecided` : first.ruleId;
  return `      <failure message="${xmlAttr(first.message)}" type="${xmlAttr(type)}">${xmlText(details)}</failure>\n`;
}

/** The readable body of a failure: what is wrong, why undecided, where, and the fix with real values. */
function findingText(f: Finding, baseDir: string | undefined): string {
  // Each field from the input stays on its line; only the fix code has lines of its own.
  const line = inlineText;
  const lines: string[] = [`${f.ruleId} ${f.slug} (${f.severity}, ${f.status}): ${line(f.message)}`];
  lines.push(`Resource: ${line(f.address)}${f.resourceType ? ` (${line(f.resourceType)})` : ""}`);
  if (f.constructPath) lines.push(`Construct: ${line(f.constructPath)}`);
  lines.push(`File: ${line(displayPath(f.file, baseDir))}${f.pointer ? ` at ${line(f.pointer)}` : ""}${f.stack ? ` (stack ${line(f.stack)})` : ""}`);
  if (f.reason) lines.push(`Why undecided: ${line(f.reason)}`);
  if (f.decideWith) lines.push(`Decide with: ${line(f.decideWith)}`);
  const missing = f.details?.["missingPermissions"];
  if (Array.isArray(missing) && missing.length) lines.push(`Missing permissions: ${line(missing.join(", "))}`);
  if (f.expiredSuppression) {
    const what = f.expiredSuppression.source === "waiver" ? "Waiver" : "Suppression on the resource";
    lines.push(`${what} expired on ${line(f.expiredSuppression.expires)}: ${line(f.expiredSuppression.reason)}`);
  }
  lines.push("", `Fix: ${line(f.remediation.summary)}`);
  if (f.remediation.gcloud.length) lines.push("", "gcloud:", ...f.remediation.gcloud.map((c) => `  ${line(c)}`));
  if (f.remediation.cdktf) lines.push("", "CDKTF:", indent(f.remediation.cdktf));
  if (f.remediation.hcl) lines.push("", "Terraform:", indent(f.remediation.hcl));
  lines.push("", `Docs: ${f.docUrl}`);
  return lines.join("\n");
}

function waiverSuite(outcomes: readonly WaiverOutcome[], baseDir: string | undefined): { xml: string[]; tests: number; skipped: number } | undefined {
  if (!outcomes.length) return undefined;
  let skipped = 0;
  const cases = outcomes.map((o) => {
    const name = xmlAttr(describeWaiver(o.waiver, (file) => displayPath(file, baseDir)));
    const attrs = `name="${name}" classname="preflight.waivers" file="${xmlAttr(displayPath(o.waiver.source.file, baseDir))}"`;
    if (o.state === "applied") {
      return `    <testcase ${attrs}>\n      <system-out>${xmlText(`waives ${o.matched} finding(s): ${inlineText(o.waiver.reason)}`)}</system-out>\n    </testcase>`;
    }
    skipped++;
    const message =
      o.state === "expired"
        ? `expired on ${o.waiver.expires}: no longer waives ${o.matched} finding(s)`
        : "stale: matches no failing or undecided finding";
    return `    <testcase ${attrs}>\n      <skipped message="${xmlAttr(message)}"/>\n    </testcase>`;
  });
  return {
    xml: [`  <testsuite name="waivers" tests="${outcomes.length}" failures="0" errors="0" skipped="${skipped}">`, ...cases, "  </testsuite>"],
    tests: outcomes.length,
    skipped,
  };
}

function indent(text: string): string {
  return text
    .replace(/\s+$/, "")
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");
}
