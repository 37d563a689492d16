/**
 * The GitHub Action: action.yml is a composite action whose steps pass every input to
 * action/run.js, upload the SARIF report and fail the job last; run.js is run the way the runner
 * runs it (INPUT_* variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, RUNNER_TEMP).
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { sarifSchemaErrors } from "../report/sarif-validator";
import { MARKDOWN_MARKER } from "../../src/report/markdown";
import { allRules } from "../../src/rules/index";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
const root = join(__dirname, "..", "..");
const action = parse(readFileSync(join(root, "action.yml"), "utf8")) as Any;
const script = join(root, "action", "run.js");
const cli = join(root, "dist", "cli", "main.js");

/** A checkout after `cdktf synth` (stack gke, failing) with a plan beside it. */
function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), "preflight-action-"));
  mkdirSync(join(dir, "infra", "cdktf.out", "stacks", "gke"), { recursive: true });
  copyFileSync(join(root, "examples", "terraform-json", "bad-default-sa.cdk.tf.json"), join(dir, "infra", "cdktf.out", "stacks", "gke", "cdk.tf.json"));
  writeFileSync(join(dir, "infra", "cdktf.out", "manifest.json"), JSON.stringify({ version: "0.21.0", stacks: { gke: { name: "gke", synthesizedStackPath: "stacks/gke/cdk.tf.json" } } }));
  copyFileSync(join(root, "examples", "plans", "good-cluster.plan.json"), join(dir, "infra", "good.plan.json"));
  copyFileSync(join(root, "examples", "plans", "bad-minimal-roles.plan.json"), join(dir, "infra", "bad.plan.json"));
  return dir;
}

/** Runs the action's script as the runner would, with action.yml's defaults for inputs not given. */
function runAction(inputs: Record<string, string>, options: { cwd?: string; cli?: string | null } = {}) {
  const dir = options.cwd ?? workspace();
  const temp = mkdtempSync(join(tmpdir(), "preflight-runner-temp-"));
  const output = join(temp, "github_output");
  const summary = join(temp, "step_summary");
  writeFileSync(output, "");
  writeFileSync(summary, "");
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? "", HOME: "/nonexistent", GITHUB_WORKSPACE: dir, RUNNER_TEMP: temp, GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary, NO_COLOR: "1" };
  if (options.cli !== null) env.PREFLIGHT_ACTION_CLI = options.cli ?? cli;
  const step = action.runs.steps.find((s: Any) => s.id === "gate");
  for (const [name, definition] of Object.entries<Any>(action.inputs)) {
    if (!(`INPUT_${name.toUpperCase().replace(/-/g, "_")}` in step.env)) continue; // inputs of later steps
    env[`INPUT_${name.toUpperCase().replace(/-/g, "_")}`] = inputs[name] ?? definition.default ?? "";
  }
  const r = spawnSync(process.execPath, [script], { cwd: dir, env, encoding: "utf8", timeout: 120_000 });
  const outputs = Object.fromEntries(readFileSync(output, "utf8").trim().split("\n").filter(Boolean).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, outputs, summary: readFileSync(summary, "utf8"), dir };
}

describe("action.yml", () => {
  it("is a composite action that passes every input of the gate step to the script", () => {
    expect(action.runs.using).toBe("composite");
    const step = action.runs.steps.find((s: Any) => s.id === "gate");
    expect(step.run).toBe('node "$GITHUB_ACTION_PATH/action/run.js"');
    const passed = Object.keys(step.env);
    for (const name of ["input", "working-directory", "fail-on", "unknown", "waivers", "live", "project", "rules", "skip-rules", "version"]) {
      expect(passed).toContain(`INPUT_${name.toUpperCase().replace(/-/g, "_")}`);
      expect(step.env[`INPUT_${name.toUpperCase().replace(/-/g, "_")}`]).toBe(`\${{ inputs.${name} }}`);
    }
    expect(Object.keys(action.inputs)).toEqual(expect.arrayContaining(["input", "fail-on", "unknown", "waivers", "live", "rules", "skip-rules", "upload-sarif"]));
  });

  it("uploads the SARIF report even when the gate failed, and fails the job last", () => {
    const steps: Any[] = action.runs.steps;
    const upload = steps.find((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@"));
    expect(upload.if).toMatch(/^always\(\) && /);
    expect(upload.with.sarif_file).toBe("${{ steps.gate.outputs.sarif-file }}");
    const last = steps[steps.length - 1];
    expect(last.if).toBe("always() && steps.gate.outputs.exit-code != '0'");
    expect(last.run).toMatch(/exit 1\s*$/);
    for (const name of ["exit-code", "failed", "unknown", "sarif-file", "markdown-file"]) expect(action.outputs[name].value).toBe(`\${{ steps.gate.outputs.${name} }}`);
  });
});

describe("action/run.js as the runner runs it", () => {
  it("a failing cdktf.out: exit-code 1, valid SARIF, the Markdown report in the job summary", () => {
    const r = runAction({ input: "cdktf.out", "working-directory": "infra" });
    expect(r.status).toBe(0); // the step itself succeeds; the last step of action.yml fails the job
    expect(r.outputs["exit-code"]).toBe("1");
    expect(Number(r.outputs.failed)).toBeGreaterThan(0);
    expect(r.stdout).toContain("The gate fails.");
    const sarif = JSON.parse(readFileSync(r.outputs["sarif-file"]!, "utf8"));
    expect(sarifSchemaErrors(sarif)).toEqual([]);
    // Paths relative to the repository root, as code scanning maps them.
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe("infra/cdktf.out/stacks/gke/cdk.tf.json");
    expect(r.summary.startsWith(MARKDOWN_MARKER)).toBe(true);
    expect(r.summary).toContain("GKE003");
    expect(r.summary).toBe(readFileSync(r.outputs["markdown-file"]!, "utf8"));
  });

  it("fail-on never, rules and skip-rules, unknown reach the CLI", () => {
    expect(runAction({ input: "infra/bad.plan.json", "fail-on": "never" }).outputs["exit-code"]).toBe("0");
    const only = runAction({ input: "infra/bad.plan.json", rules: "GKE009" });
    expect(only.outputs["exit-code"]).toBe("0");
    expect(only.stderr).toContain(`checking 1 of ${allRules.length} rules: GKE009`);
    expect(runAction({ input: "infra/bad.plan.json", "skip-rules": "node-sa-permissions" }).outputs["exit-code"]).toBe("0");
    expect(runAction({ input: "infra/good.plan.json" }).outputs["exit-code"]).toBe("0");
    expect(runAction({ input: "infra/good.plan.json", unknown: "fail" }).outputs["exit-code"]).toBe("1");
  });

  it("several inputs on separate lines, and a waivers file from the working directory", () => {
    const dir = workspace();
    writeFileSync(join(dir, "infra", "waivers.yaml"), "waivers:\n  - rule: GKE001\n    address: '*'\n    reason: accepted in the test\n");
    const r = runAction({ input: "good.plan.json\nbad.plan.json", "working-directory": "infra", waivers: "waivers.yaml" }, { cwd: dir });
    expect(r.outputs["exit-code"]).toBe("0");
    expect(r.summary).toContain("waived");
  });

  it("bad input: exit-code 2, the error in the job summary, no SARIF to upload", () => {
    const r = runAction({ input: "missing.plan.json" });
    expect(r.outputs["exit-code"]).toBe("2");
    expect(r.outputs["sarif-file"]).toBe("");
    expect(r.summary).toMatch(/^### GKE preflight could not run \(exit 2\)\n\n    preflight: .*missing\.plan\.json: no such file or folder/);
    expect(runAction({ input: "infra/bad.plan.json", "fail-on": "sometimes" }).outputs["exit-code"]).toBe("2");
    const live = runAction({ input: "infra/bad.plan.json", live: "yes" });
    expect(live.outputs["exit-code"]).toBe("2");
    expect(live.summary).toContain('input live must be true or false (got "yes")');
  });

  it("live: true passes --live (without credentials it says so and exits 2)", () => {
    const r = runAction({ input: "infra/bad.plan.json", live: "true" });
    expect(r.outputs["exit-code"]).toBe("2");
    expect(r.summary).toMatch(/credentials/i);
  });

  it("without PREFLIGHT_ACTION_CLI it runs the project's installed copy", () => {
    const dir = workspace();
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(root, join(dir, "node_modules", "cdktf-gke-preflight"), "dir");
    const r = runAction({ input: "infra/bad.plan.json" }, { cwd: dir, cli: null });
    expect(r.stdout).toContain("cdktf-gke-preflight from the project's node_modules");
    expect(r.outputs["exit-code"]).toBe("1");
  });
});
