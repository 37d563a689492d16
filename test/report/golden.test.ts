/**
 * SARIF, JUnit and Markdown reports of the bundled examples, compared with reviewed golden files
 * in test/report/golden/. After an intended change: `UPDATE_GOLDEN=1 npx jest test/report/golden`,
 * then read the diff before committing it.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { XMLValidator } from "fast-xml-parser";
import { runPreflight } from "../../src/library";
import { type FormatName, type RenderContext } from "../../src/report/outputs";
import { renderOutput } from "../support/render-output";
import type { Report } from "../../src/report/types";
import { allRules } from "../../src/rules";
import { applyWaivers, parseWaivers } from "../../src/waivers";
import { sarifSchemaErrors } from "./sarif-validator";

const root = join(__dirname, "..", "..");
const goldenDir = join(__dirname, "golden");
const update = process.env.UPDATE_GOLDEN === "1";
const now = new Date("2026-11-28T00:00:00Z");

// Few examples on purpose: every change of a rule's wording shows up here and is reviewed once.
const examples = [
  "examples/plans/bad-minimal-roles.plan.json",
  "examples/plans/unknown-existing-account.plan.json",
  "examples/terraform-json/bad-default-sa.cdk.tf.json",
];

/** A waiver file exercising every state on the first example. */
const waiverText = [
  "waivers:",
  "  - ruleId: GKE001",
  "    address: google_container_node_pool.*",
  "    reason: Pool is replaced next sprint by the org module",
  "    expires: 2027-01-31",
  "    ticket: PLAT-101",
  "  - ruleId: GKE001",
  "    address: google_container_cluster.*",
  "    reason: Accepted until the migration",
  "    expires: 2026-06-30",
  "  - ruleId: GKE002",
  "    address: google_project_iam_policy.*",
  "    reason: Old policy resource, removed",
  "",
].join("\n");

const ext: Record<Exclude<FormatName, "text" | "json">, string> = { sarif: "sarif", junit: "junit.xml", markdown: "md" };

/** Runs an example with paths relative to the repository and a fixed version, so goldens are stable. */
function reportOf(example: string, withWaivers: boolean): { report: Report; ctx: RenderContext } {
  const checked = runPreflight(join(root, example), { includePass: true, now });
  const rel = (file: string) => relative(root, file).split("\\").join("/");
  let findings = checked.findings.map((f) => ({ ...f, file: rel(f.file) }));
  let waivers;
  if (withWaivers) {
    const result = applyWaivers(findings, parseWaivers(waiverText, "preflight.waivers.yaml"), now);
    findings = result.findings;
    waivers = result.outcomes;
  }
  const report: Report = {
    ...checked,
    tool: { ...checked.tool, version: "0.0.0-golden" },
    inputs: checked.inputs.map((i) => ({ ...i, file: rel(i.file) })),
    findings,
  };
  const ctx: RenderContext = {
    policy: { failOn: "error", unknown: "warn" },
    includePass: false,
    color: false,
    waivers,
    rules: allRules.map((r) => r.meta),
    baseDir: root,
    readText: (file) => readFileSync(join(root, file), "utf8"),
  };
  return { report, ctx };
}

const cases: [string, boolean][] = [...examples.map((e): [string, boolean] => [e, false]), [examples[0]!, true]];

describe.each(cases)("golden reports of %s (waivers: %s)", (example, withWaivers) => {
  const { report, ctx } = reportOf(example, withWaivers);
  const base = example.split("/").pop()!.replace(/\.json$/, "") + (withWaivers ? ".waived" : "");

  it.each(Object.entries(ext))("%s", (format, extension) => {
    const text = renderOutput(format as FormatName, report, ctx);
    if (format === "sarif") expect(sarifSchemaErrors(JSON.parse(text))).toEqual([]);
    if (format === "junit") expect(XMLValidator.validate(text)).toBe(true);
    const file = join(goldenDir, `${base}.${extension}`);
    if (update || !existsSync(file)) {
      mkdirSync(goldenDir, { recursive: true });
      writeFileSync(file, text);
      if (!update) throw new Error(`wrote missing golden ${relative(root, file)}: review it, then run again`);
    }
    expect(text).toBe(readFileSync(file, "utf8"));
  });
});
