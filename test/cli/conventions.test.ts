/**
 * The command-line conventions users of other scanners expect: `-` for standard input, FORCE_COLOR /
 * NO_COLOR, `help` as a command, `--soft-fail`, `--rules` / `--skip-rules`, and counted nouns.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { useColor } from "../../src/cli/main";
import { selectRules, RuleSelectionError } from "../../src/rules/select";
import { allRules } from "../../src/rules";

const root = join(__dirname, "..", "..");
const cli = join(root, "dist", "cli", "main.js");
const BAD = join(root, "examples", "plans", "bad-minimal-roles.plan.json");
const GOOD = join(root, "examples", "plans", "good-cluster.plan.json");
const ESC = "\u001b[";

/** The environment without any colour setting of the machine running the tests. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.FORCE_COLOR;
  delete env.NO_COLOR;
  return { ...env, ...extra };
}

function run(args: string[], options: { env?: Record<string, string>; input?: string } = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: "utf8", env: cleanEnv(options.env), input: options.input });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("standard input", () => {
  it("reads the plan from - and gives the same verdict as from the file", () => {
    const fromFile = run([BAD, "--format", "json"]);
    const fromStdin = run(["-", "--format", "json"], { input: readFileSync(BAD, "utf8") });
    expect(fromStdin.code).toBe(1);
    expect(fromStdin.code).toBe(fromFile.code);
    const findings = (out: string) => JSON.parse(out).findings.map((f: { ruleId: string; status: string; address: string }) => `${f.ruleId} ${f.status} ${f.address}`);
    expect(findings(fromStdin.stdout)).toEqual(findings(fromFile.stdout));
    expect(JSON.parse(fromStdin.stdout).inputs[0].file).toBe("stdin");
  });

  it("bad JSON on standard input is one line and exit 2", () => {
    const r = run(["-"], { input: "{ not json" });
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^preflight: stdin: is not valid JSON/);
  });
});

describe("colour", () => {
  it("FORCE_COLOR colours a pipe, FORCE_COLOR=0 and --no-color do not, NO_COLOR turns it off", () => {
    expect(run([GOOD]).stdout).not.toContain(ESC); // a pipe: no colour by default
    expect(run([GOOD], { env: { FORCE_COLOR: "1" } }).stdout).toContain(ESC);
    expect(run([GOOD], { env: { FORCE_COLOR: "0" } }).stdout).not.toContain(ESC);
    expect(run([GOOD, "--no-color"], { env: { FORCE_COLOR: "1" } }).stdout).not.toContain(ESC);
    expect(run([GOOD], { env: { NO_COLOR: "1", FORCE_COLOR: "0" } }).stdout).not.toContain(ESC);
  });

  it("useColor: flag, then FORCE_COLOR, then NO_COLOR, then the terminal", () => {
    expect(useColor(undefined, {}, true)).toBe(true);
    expect(useColor(undefined, {}, false)).toBe(false);
    expect(useColor(undefined, { NO_COLOR: "1" }, true)).toBe(false);
    expect(useColor(undefined, { NO_COLOR: "" }, true)).toBe(true); // empty means unset (no-color.org)
    expect(useColor(undefined, { FORCE_COLOR: "" }, false)).toBe(true);
    expect(useColor(undefined, { FORCE_COLOR: "3" }, false)).toBe(true);
    expect(useColor(undefined, { FORCE_COLOR: "false" }, true)).toBe(false);
    expect(useColor(undefined, { FORCE_COLOR: "1", NO_COLOR: "1" }, false)).toBe(true);
    expect(useColor(false, { FORCE_COLOR: "1" }, true)).toBe(false);
  });
});

describe("help", () => {
  it("`help` is a command, not an input file", () => {
    const r = run(["help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: preflight/);
    expect(r.stdout).toContain("--soft-fail");
    expect(r.stderr).toBe("");
    const explain = run(["help", "explain"]);
    expect(explain.code).toBe(0);
    expect(explain.stdout).toMatch(/Usage: preflight explain/);
  });
});

describe("--soft-fail", () => {
  it("reports the failures and exits 0, like --fail-on never", () => {
    const r = run([BAD, "--soft-fail"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("GKE001");
    expect(r.stdout).toBe(run([BAD, "--fail-on", "never"]).stdout);
    expect(run([BAD]).code).toBe(1);
  });

  it("cannot be combined with --fail-on", () => {
    expect(run([BAD, "--soft-fail", "--fail-on", "error"]).code).toBe(2);
  });
});

describe("--rules and --skip-rules", () => {
  const ruleIds = (out: string) => [...new Set(JSON.parse(out).findings.map((f: { ruleId: string }) => f.ruleId))].sort();

  it("by id or slug, comma-separated or repeated", () => {
    expect(ruleIds(run([BAD, "--format", "json"]).stdout)).toEqual(["GKE001", "GKE009"]);
    const only = run([BAD, "--format", "json", "--rules", "deployer-act-as"]);
    expect(ruleIds(only.stdout)).toEqual(["GKE009"]);
    expect(only.code).toBe(0); // GKE001's failure is not checked
    expect(only.stderr).toBe(`preflight: checking 1 of ${allRules.length} rules: GKE009\n`);
    const skipped = run([BAD, "--format", "json", "--skip-rules", "gke009", "--skip-rules", "GKE003,node-sa-exists"]);
    expect(ruleIds(skipped.stdout)).toEqual(["GKE001"]);
    expect(skipped.code).toBe(1);
    expect(ruleIds(run([BAD, "--format", "json", "--rules", "GKE001,GKE009", "--skip-rules", "GKE009"]).stdout)).toEqual(["GKE001"]);
  });

  it("an unknown rule name is a usage error", () => {
    const r = run([BAD, "--rules", "GKE01"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('preflight: --rules: no rule "GKE01"; give rule ids or slugs (preflight rules lists them)\n');
    expect(run([BAD, "--skip-rules", "nope"]).code).toBe(2);
  });

  it("a waiver of a rule the run does not check is left out, not reported stale", () => {
    const dir = mkdtempSync(join(tmpdir(), "preflight-rules-"));
    const waivers = join(dir, "waivers.yaml");
    writeFileSync(waivers, "waivers:\n  - rule: GKE001\n    address: '*'\n    reason: accepted for the test\n");
    const r = run([BAD, "--waivers", waivers, "--rules", "GKE009"]);
    expect(r.stderr).not.toMatch(/stale/);
    expect(run([BAD, "--waivers", waivers, "--rules", "GKE009", "--format", "json"]).stdout).toMatch(/"waivers": ?\[\]/);
  });

  it("selectRules", () => {
    expect(selectRules([], [])).toBeUndefined();
    expect(selectRules(["GKE002", "gke001"])).toEqual(["GKE001", "GKE002"]);
    expect(selectRules([], ["registry-pull"])).toEqual(allRules.map((r) => r.meta.id).filter((id) => id !== "GKE011").sort());
    expect(() => selectRules(["x"])).toThrow(RuleSelectionError);
  });
});

describe("counted nouns", () => {
  it('"1 resource" and "1 warning"', () => {
    const dir = mkdtempSync(join(tmpdir(), "preflight-plural-"));
    const plan = join(dir, "plan.json");
    // One project service destroyed with disable_on_destroy: GKE003 fails, GKE008 warns.
    const json = JSON.parse(readFileSync(join(root, "examples", "plans", "bad-api-destroyed.plan.json"), "utf8"));
    json.resource_changes = json.resource_changes.filter((c: { address: string }) => c.address === "google_project_service.container_api");
    delete json.configuration;
    delete json.planned_values;
    delete json.prior_state;
    writeFileSync(plan, JSON.stringify(json));
    const r = run([plan, "--fail-on", "error"]);
    expect(r.stdout).toMatch(/: plan, 1 resource\n/);
    expect(r.stdout).toMatch(/, 1 warning, /);
  });
});

describe("several inputs (as pre-commit passes the files it matched)", () => {
  it("checks them together, each with the waivers file beside it", () => {
    const dir = mkdtempSync(join(tmpdir(), "preflight-many-"));
    const a = join(dir, "a");
    const b = join(dir, "b");
    for (const d of [a, b]) {
      mkdirSync(d);
      writeFileSync(join(d, "plan.json"), readFileSync(BAD));
    }
    writeFileSync(join(a, "preflight.waivers.yaml"), "waivers:\n  - rule: GKE001\n    address: '*'\n    reason: accepted in a only\n");
    const r = run([join(a, "plan.json"), join(b, "plan.json"), "--format", "json"]);
    expect(r.code).toBe(1); // b's GKE001 failures are not waived by a's file
    const report = JSON.parse(r.stdout);
    expect(report.inputs.map((i: { file: string }) => i.file)).toEqual([join(a, "plan.json"), join(b, "plan.json")]);
    const gke001 = report.findings.filter((f: { ruleId: string }) => f.ruleId === "GKE001");
    expect(gke001.filter((f: { file: string; suppressed?: unknown }) => f.file === join(a, "plan.json") && f.suppressed)).toHaveLength(2);
    expect(gke001.filter((f: { file: string; suppressed?: unknown }) => f.file === join(b, "plan.json") && !f.suppressed)).toHaveLength(2);
    expect(report.waivers.map((w: { state: string }) => w.state)).toEqual(["applied"]);
    expect(run([join(a, "plan.json")]).code).toBe(0);
  });

  it("- can be given once", () => {
    expect(run(["-", "-"], { input: "{}" }).code).toBe(2);
  });
});
