/**
 * The CI gate through the real CLI process (`node dist/cli/main.js`, built by `npm test`'s pretest):
 * every exit code path, reports written to files, waivers found beside the input or given.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XMLValidator } from "fast-xml-parser";
import { allRules } from "../../src/rules";
import { sarifSchemaErrors } from "./sarif-validator";

const root = join(__dirname, "..", "..");
const cli = join(root, "dist", "cli", "main.js");
const plans = join(root, "examples", "plans");
const BAD = join(plans, "bad-minimal-roles.plan.json");
const GOOD = join(plans, "good-cluster.plan.json");
const UNKNOWN = join(plans, "unknown-existing-account.plan.json");
const CDK_BAD = join(root, "examples", "terraform-json", "bad-default-sa.cdk.tf.json");

const tmp = mkdtempSync(join(tmpdir(), "preflight-gate-"));
let n = 0;
/** A fresh folder holding a copy of an example, so a waivers file can sit beside it. */
function workdir(example: string, waivers?: string, name = "preflight.waivers.yaml"): { dir: string; input: string } {
  const dir = join(tmp, `w${n++}`);
  mkdirSync(dir);
  const input = join(dir, "plan.json");
  copyFileSync(example, input);
  if (waivers !== undefined) writeFileSync(join(dir, name), waivers);
  return { dir, input };
}

function run(args: string[], cwd = root): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npx tsc -p tsconfig.json\` (npm test does) first`);
});

describe("exit codes", () => {
  it("0 when nothing fails, 1 when a finding fails", () => {
    expect(run([GOOD]).code).toBe(0);
    const bad = run([BAD]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain("The gate fails.");
  });

  it("--fail-on never (report-only) exits 0 and still writes every report", () => {
    const dir = join(tmp, "report-only");
    const r = run([BAD, "--fail-on", "never", "--format", "text", "--format", `sarif=${dir}/out.sarif`, "--format", `junit=${dir}/junit.xml`, "--format", `markdown=${dir}/comment.md`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("GKE001");
    expect(sarifSchemaErrors(JSON.parse(readFileSync(join(dir, "out.sarif"), "utf8")))).toEqual([]);
    expect(XMLValidator.validate(readFileSync(join(dir, "junit.xml"), "utf8"))).toBe(true);
    expect(readFileSync(join(dir, "comment.md"), "utf8")).toContain("Gate: report only (never fails)");
  });

  it("--fail-on warning fails on errors too; --fail-on error is the default", () => {
    expect(run([BAD, "--fail-on", "warning"]).code).toBe(1);
    expect(run([BAD, "--fail-on", "error"]).code).toBe(1);
  });

  it("--fail-on warning fails on a warning-severity failure that --fail-on error lets through", () => {
    // Take the first bundled example with a warning-severity failure and waive its error-severity
    // failures (by rule and exact address), so warnings are all that fail.
    type F = { ruleId: string; status: string; severity: string; address: string; suppressed?: unknown };
    const examples = [CDK_BAD, ...readdirSync(plans).map((f) => join(plans, f))];
    const picked = examples
      .map((file) => ({ file, findings: JSON.parse(run([file, "--format", "json"]).stdout).findings as F[] }))
      .find((e) => e.findings.some((f) => f.status === "fail" && f.severity === "warning"));
    if (!picked) throw new Error("no bundled example has a warning-severity failure any more: add one to keep this path tested");
    const errors = picked.findings.filter((f) => f.status === "fail" && f.severity === "error");
    const waivers = { waivers: errors.map((f) => ({ ruleId: f.ruleId, address: f.address, reason: "handled elsewhere" })) };
    const dir = join(tmp, `warn${n++}`);
    mkdirSync(dir);
    const input = join(dir, picked.file.endsWith(".cdk.tf.json") ? "cdk.tf.json" : "plan.json");
    copyFileSync(picked.file, input);
    writeFileSync(join(dir, "preflight.waivers.json"), JSON.stringify(waivers));
    const failing = (JSON.parse(run([input, "--format", "json"]).stdout).findings as F[]).filter((f) => f.status === "fail" && !f.suppressed);
    expect(failing.length).toBeGreaterThan(0);
    expect(failing.every((f) => f.severity === "warning")).toBe(true);
    expect(run([input]).code).toBe(0);
    expect(run([input, "--fail-on", "warning"]).code).toBe(1);
    expect(run([input, "--fail-on", "never"]).code).toBe(0);
  });

  it("--unknown decides what undecided findings do", () => {
    expect(run([UNKNOWN]).code).toBe(0);
    expect(run([UNKNOWN, "--unknown", "warn"]).code).toBe(0);
    expect(run([UNKNOWN, "--unknown", "pass"]).code).toBe(0);
    expect(run([UNKNOWN, "--unknown", "fail"]).code).toBe(1);
    expect(run([UNKNOWN, "--unknown", "fail", "--fail-on", "never"]).code).toBe(0);
  });

  it.each([
    [["--format", "yaml"], /--format "yaml": the format must be one of text, json, sarif, junit, markdown/],
    [["--format", "sarif", "--format", "junit"], /--format sarif and junit would both go to standard output/],
    [["--format", "sarif=a.sarif", "--output", "b.txt"], /--output names no format to write/],
    [["--format", "sarif="], /give a file after =/],
    [["--format", "sarif=x.out", "--format", "junit=x.out"], /two reports would be written to x\.out/],
    [["--fail-on", "errors"], /--fail-on must be error, warning or never/],
    [["--unknown", "maybe"], /--unknown must be pass, warn or fail/],
  ])("2 for a usage error: %j", (args, message) => {
    const r = run([BAD, ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stdout).toBe("");
  });

  it("2 when a report cannot be written, naming the file", () => {
    const blocker = join(tmp, "blocker");
    writeFileSync(blocker, "a file, not a folder");
    const r = run([BAD, "--format", `sarif=${blocker}/out.sarif`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/blocker\/out\.sarif: cannot write the sarif report \(E(NOTDIR|EXIST)\)/);
  });

  it("2 for bad input, whatever the policy", () => {
    const r = run([join(tmp, "missing.json"), "--fail-on", "never"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing\.json: no such file or folder/);
  });
});

describe("outputs", () => {
  it("--output sends the one format without =FILE to a file instead of stdout", () => {
    const out = join(tmp, "out", "report.json");
    const r = run([BAD, "--format", "json", "--output", out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(JSON.parse(readFileSync(out, "utf8")).summary.fail).toBeGreaterThan(0);
  });

  it("SARIF from a cdk.tf.json points at the resource's line with paths relative to the working folder", () => {
    const r = run([CDK_BAD, "--format", "sarif"]);
    expect(r.code).toBe(1);
    const log = JSON.parse(r.stdout);
    expect(sarifSchemaErrors(log)).toEqual([]);
    const lines = readFileSync(CDK_BAD, "utf8").split("\n");
    for (const result of log.runs[0].results) {
      const loc = result.locations[0].physicalLocation;
      expect(loc.artifactLocation.uri).toBe("examples/terraform-json/bad-default-sa.cdk.tf.json");
      // The region starts at the resource's name in the file.
      const name = result.properties.address.split(".").pop();
      expect(lines[loc.region.startLine - 1].slice(loc.region.startColumn - 1)).toMatch(new RegExp(`^"${name}"`));
    }
    expect(log.runs[0].tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(allRules.map((r) => r.meta.id));
  });

  it("JUnit lists passing resources as passing cases without --include-pass; text does not show them", () => {
    const r = run([GOOD, "--format", "junit", "--format", `json=${join(tmp, "good.json")}`]);
    expect(r.code).toBe(0);
    // The file is shown relative to the working folder, as in SARIF.
    expect(r.stdout).toMatch(/<testcase name="google_container_node_pool\.primary_nodes" classname="GKE001\.node-sa-permissions" file="examples\/plans\/good-cluster\.plan\.json">\s*<system-out>PASS /);
    expect(r.stdout).toContain('failures="0"');
    const json = JSON.parse(readFileSync(join(tmp, "good.json"), "utf8"));
    expect(json.findings.filter((f: { status: string }) => f.status === "pass")).toEqual([]);
  });
});

describe("start-up", () => {
  it("loads the YAML parser only when a YAML waivers file is read", () => {
    const probe = (args: string[]) => {
      const script = `const { main } = require(${JSON.stringify(cli)});
        const io = { stdout() {}, stderr() {}, isTty: false, stderrIsTty: false, env: {} };
        main(${JSON.stringify(args)}, io).then(() => process.stdout.write(String(Object.keys(require.cache).some((k) => /node_modules[\\/]yaml[\\/]/.test(k)))));`;
      return spawnSync(process.execPath, ["-e", script], { encoding: "utf8" }).stdout;
    };
    expect(probe([GOOD, "--format", "sarif"])).toBe("false");
    const { input } = workdir(GOOD, "waivers: []\n");
    expect(probe([input])).toBe("true");
  });
});

describe("waivers through the CLI", () => {
  const allGke001 = (extra: string) => `waivers:\n  - ruleId: GKE001\n    address: "google_container_*"\n    reason: Node SA grants are moving to the org module\n${extra}`;

  it("a valid waiver found beside the input waives the failures: exit 0, shown as waived everywhere", () => {
    const { dir, input } = workdir(BAD, allGke001("    expires: 2999-12-31\n    ticket: PLAT-7\n"));
    const r = run([input, "--format", "text", "--format", `sarif=${dir}/o.sarif`, "--format", `markdown=${dir}/c.md`, "--format", `json=${dir}/o.json`]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("SUPPRESSED");
    const sarif = JSON.parse(readFileSync(join(dir, "o.sarif"), "utf8"));
    expect(sarifSchemaErrors(sarif)).toEqual([]);
    const gke001 = sarif.runs[0].results.filter((x: { ruleId: string }) => x.ruleId === "GKE001");
    expect(gke001).toHaveLength(2);
    for (const x of gke001) expect(x.suppressions).toEqual([expect.objectContaining({ kind: "external", status: "accepted" })]);
    expect(readFileSync(join(dir, "c.md"), "utf8")).toContain("Waived: Node SA grants are moving to the org module (until 2999-12-31) PLAT-7");
    const json = JSON.parse(readFileSync(join(dir, "o.json"), "utf8"));
    expect(json.waivers).toEqual([expect.objectContaining({ state: "applied", matched: 2 })]);
    expect(json.summary.suppressed).toBe(2);
    expect(json.findings.filter((f: { status: string; severity: string; suppressed?: unknown }) => f.status === "fail" && f.severity === "error" && !f.suppressed)).toEqual([]);
  });

  it("a construct-path waiver waives findings of a cdktf stack by their construct path", () => {
    const dir = join(tmp, `cp${n++}`);
    mkdirSync(dir);
    const input = join(dir, "cdk.tf.json");
    copyFileSync(CDK_BAD, input);
    expect(run([input]).code).toBe(1); // GKE003 fails on the cluster
    writeFileSync(join(dir, "preflight.waivers.json"), JSON.stringify({ waivers: [{ ruleId: "GKE003", constructPath: "gke/*", reason: "APIs enabled by the org bootstrap", ticket: "PLAT-9" }] }));
    const r = run([input, "--format", "json"]);
    expect(r.code).toBe(0);
    const gke003 = JSON.parse(r.stdout).findings.filter((f: { ruleId: string }) => f.ruleId === "GKE003");
    expect(gke003.length).toBeGreaterThan(0);
    for (const f of gke003) {
      expect(f.constructPath).toBe("gke/cluster");
      expect(f.suppressed).toEqual({ reason: "APIs enabled by the org bootstrap", source: "waiver", ticket: "PLAT-9" });
    }
  });

  it("an expired waiver stops waiving and says so on stderr: exit 1", () => {
    const { input } = workdir(BAD, allGke001("    expires: 2020-01-31\n"));
    const r = run([input]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/preflight\.waivers\.yaml:2 waiver 1 \(GKE001 google_container_\*\) expired on 2020-01-31 and no longer waives \(2 findings count again\)/);
    expect(r.stdout).toContain("suppression expired on 2020-01-31");
  });

  it("a stale waiver is reported and does not change the exit code", () => {
    const { input } = workdir(GOOD, "waivers:\n  - ruleId: GKE002\n    address: google_project_iam_policy.*\n    reason: old policy\n", "preflight.waivers.yml");
    const r = run([input]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^preflight: \/.*\/preflight\.waivers\.yml:2 waiver 1 \(GKE002 google_project_iam_policy\.\*\) matches no failing or undecided finding/);
  });

  it("--waivers names a JSON file anywhere; a missing reason is an input error naming file and waiver", () => {
    const file = join(tmp, "team-waivers.json");
    writeFileSync(file, JSON.stringify({ waivers: [{ ruleId: "GKE001", address: "*", reason: "ok" }, { ruleId: "GKE003", address: "*" }] }, null, 2));
    const r = run([BAD, "--waivers", file]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`preflight: ${file}: line 8, waiver 2: (GKE003) has no reason; every waiver must say why the risk is accepted`);
    expect(r.stdout).toBe("");
  });

  it("a waivers file found beside the input is checked too; --waivers to a missing file is exit 2", () => {
    const { input } = workdir(BAD, "waivers:\n  - ruleId: GKE001\n    address: x\n");
    const r = run([input]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/preflight\.waivers\.yaml: line 2, waiver 1: \(GKE001\) has no reason/);
    const missing = run([BAD, "--waivers", join(tmp, "nope.yaml")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.yaml: waivers file not found/);
  });
});

describe("the JSON summary carries the gate", () => {
  it("counts by status and severity; summary.gate equals the exit code under every policy", () => {
    for (const input of [GOOD, BAD, UNKNOWN, CDK_BAD]) {
      for (const failOn of ["error", "warning", "never"]) {
        for (const unknown of ["pass", "warn", "fail"]) {
          const r = run([input, "--format", "json", "--fail-on", failOn, "--unknown", unknown]);
          const summary = JSON.parse(r.stdout).summary;
          expect({ input, failOn, unknown, gate: summary.gate }).toEqual({ input, failOn, unknown, gate: r.code === 1 ? "fail" : "pass" });
          expect(summary.policy).toEqual({ failOn, unknown });
          for (const status of ["fail", "unknown", "pass", "suppressed"]) {
            const bySeverity = summary.bySeverity.error[status] + summary.bySeverity.warning[status] + summary.bySeverity.info[status];
            expect(bySeverity).toBe(summary[status]);
          }
        }
      }
    }
    // the failing warning of the cdk.tf.json (GKE004) is counted as such
    const cdk = JSON.parse(run([CDK_BAD, "--format", "json"]).stdout).summary;
    expect(cdk.bySeverity.warning.fail).toBeGreaterThan(0);
  });
});
