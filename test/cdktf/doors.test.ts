/**
 * One gate for every door: each app is synthesized through its real entry with the aspect (as
 * `cdktf synth` runs it: annotations go to the manifest), then the CLI checks the cdktf.out it
 * wrote with the same policy. Both must fail the same findings, warn on the same findings and
 * reach the same gate.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { outcomeOf, type GatePolicy } from "../../src/report/policy";
import type { Finding } from "../../src/rules/types";
import { readManifest, REPO } from "./helpers";

const TSX = path.join(REPO, "node_modules/.bin/tsx");
const CLI = path.join(REPO, "dist/cli/main.js");

interface Door {
  /** `GKE00x construct/path` per finding the door fails (ERROR) or shows without failing (WARN). */
  fail: string[];
  warn: string[];
  gate: "pass" | "fail";
}

function synth(entry: string, env: Record<string, string>) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "preflight-doors-"));
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env, CDKTF_OUTDIR: outdir, CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: "true" };
  delete childEnv.JEST_WORKER_ID;
  const r = spawnSync(TSX, [entry], { cwd: path.dirname(entry), env: childEnv, encoding: "utf8", timeout: 180_000 });
  return { status: r.status, stderr: r.stderr, outdir };
}

/** What the aspect said, read from the manifest as the cdktf CLI reads it (any ERROR fails synth). */
function aspectDoor(outdir: string): Door {
  const manifest = readManifest(outdir);
  const ours = Object.values<any>(manifest.stacks).flatMap((s) => s.annotations.filter((a: any) => /^GKE\d{3} /.test(a.message)));
  const line = (a: any) => `${a.message.split(" ")[0]} ${a.constructPath}`;
  const fail = ours.filter((a: any) => a.level === "@cdktf/error").map(line).sort();
  return { fail, warn: ours.filter((a: any) => a.level === "@cdktf/warn").map(line).sort(), gate: fail.length > 0 ? "fail" : "pass" };
}

function cliDoor(outdir: string, policy: GatePolicy): Door & { summaryGate: string } {
  const r = spawnSync(process.execPath, [CLI, outdir, "--format", "json", "--fail-on", policy.failOn, "--unknown", policy.unknown], {
    encoding: "utf8",
    env: { PATH: "/nonexistent", NO_COLOR: "1" },
    timeout: 120_000,
  });
  if (r.status !== 0 && r.status !== 1) throw new Error(`preflight exited ${r.status}: ${r.stderr}`);
  const report = JSON.parse(r.stdout);
  const line = (f: Finding) => `${f.ruleId} ${f.constructPath}`;
  const by = (outcome: string) => (report.findings as Finding[]).filter((f) => outcomeOf(f, policy) === outcome).map(line).sort();
  return { fail: by("fail"), warn: by("warn"), gate: r.status === 1 ? "fail" : "pass", summaryGate: report.summary.gate };
}

const DEFAULT: GatePolicy = { failOn: "error", unknown: "warn" };
const POLICY_APP = path.join(__dirname, "apps/policy-app.ts");

const cases: Array<{ name: string; entry: string; policy: GatePolicy; gate: "pass" | "fail" }> = [
  { name: "examples/cdktf-app/main.ts", entry: path.join(REPO, "examples/cdktf-app/main.ts"), policy: DEFAULT, gate: "pass" },
  { name: "examples/cdktf-app/bad.ts", entry: path.join(REPO, "examples/cdktf-app/bad.ts"), policy: DEFAULT, gate: "fail" },
  { name: "stacks/main.ts", entry: path.join(REPO, "stacks/main.ts"), policy: DEFAULT, gate: "pass" },
  { name: "apps/cdktn-app.ts", entry: path.join(__dirname, "apps/cdktn-app.ts"), policy: DEFAULT, gate: "fail" },
  // a failing warning (GKE004) passes both doors by default, fails both with failOn warning
  { name: "apps/policy-app.ts", entry: POLICY_APP, policy: DEFAULT, gate: "pass" },
  { name: "apps/policy-app.ts", entry: POLICY_APP, policy: { failOn: "warning", unknown: "pass" }, gate: "fail" },
  // unknowns counted as failing: the error-severity GKE002/GKE003 unknowns fail, GKE004 only warns
  { name: "apps/policy-app.ts", entry: POLICY_APP, policy: { failOn: "error", unknown: "fail" }, gate: "fail" },
  { name: "apps/policy-app.ts", entry: POLICY_APP, policy: { failOn: "never", unknown: "fail" }, gate: "pass" },
];

describe("the aspect and the CLI on the cdktf.out it wrote: same failing findings, same gate", () => {
  beforeAll(() => {
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  });

  it.each(cases)("$name under $policy", ({ entry, policy, gate }) => {
    const env: Record<string, string> = entry === POLICY_APP && policy !== DEFAULT ? { PREFLIGHT_FAIL_ON: policy.failOn, PREFLIGHT_UNKNOWN: policy.unknown } : {};
    const app = synth(entry, env);
    expect(app.stderr).not.toMatch(/Error/);
    const aspect = aspectDoor(app.outdir);
    const cli = cliDoor(app.outdir, policy);
    expect(aspect).toEqual({ fail: cli.fail, warn: cli.warn, gate: cli.gate });
    expect(cli.summaryGate).toBe(cli.gate);
    expect(cli.gate).toBe(gate);
  });

  it("an aspect added to the App is never attached: the process fails, as the CLI does on its output", () => {
    const app = synth(path.join(__dirname, "apps/aspect-on-app.ts"), {});
    expect(app.stderr).toContain("GkePreflight was created but never attached to a stack");
    expect(app.status).toBe(1);
    expect(cliDoor(app.outdir, DEFAULT).gate).toBe("fail");
  });
});
