/**
 * Offline, Google's client libraries are never loaded: they are most of the production install
 * (gax, gRPC, protobufjs) and cost start-up time, and only --live needs them. Every offline path
 * of the CLI runs with a preload that records each module loaded; --live on the emulator is the
 * control that the recording sees them when they are loaded.
 */
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadFixture } from "../live/emulator";
import { FAKE_TOKEN, withEmulator } from "../live/harness";

const root = join(__dirname, "..", "..");
const cli = join(root, "dist", "cli", "main.js");
const plans = join(root, "examples", "plans");
const dir = mkdtempSync(join(tmpdir(), "preflight-loads-"));

/** Packages only --live needs (and what they bring with them). */
const LIVE_ONLY = /[\\/]node_modules[\\/](@google-cloud|@googleapis|googleapis-common|google-auth-library|google-gax|@grpc|protobufjs|gaxios|gcp-metadata|gtoken)[\\/]/;

// Records the file of every module loaded, written when the process exits.
const preload = join(dir, "record-loads.js");
writeFileSync(
  preload,
  `const Module = require("module"); const fs = require("fs"); const seen = new Set();
   const load = Module._load;
   Module._load = function (request, parent, isMain) {
     try { seen.add(Module._resolveFilename(request, parent, isMain)); } catch {}
     return load.apply(this, arguments);
   };
   process.on("exit", () => fs.writeFileSync(process.env.RECORD_LOADS, JSON.stringify([...seen])));`,
);

let n = 0;
function runRecorded(args: string[], options: { input?: string; env?: Record<string, string>; script?: string[] } = {}): Promise<{ code: number | null; loaded: string[]; stderr: string }> {
  const record = join(dir, `loads-${n++}.json`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--require", preload, ...(options.script ?? [cli]), ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "", HOME: "/nonexistent", NO_COLOR: "1", RECORD_LOADS: record, ...options.env },
    });
    let stderr = "";
    child.stdout.resume();
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr, loaded: JSON.parse(readFileSync(record, "utf8")) as string[] }));
    child.stdin.end(options.input ?? "");
  });
}

const cdktfOut = join(dir, "cdktf.out");
mkdirSync(join(cdktfOut, "stacks", "gke"), { recursive: true });
copyFileSync(join(root, "examples", "terraform-json", "bad-default-sa.cdk.tf.json"), join(cdktfOut, "stacks", "gke", "cdk.tf.json"));
writeFileSync(join(cdktfOut, "manifest.json"), JSON.stringify({ version: "0.21.0", stacks: { gke: { name: "gke", synthesizedStackPath: "stacks/gke/cdk.tf.json" } } }));
const waivers = join(dir, "waivers.yaml");
writeFileSync(waivers, "waivers:\n  - rule: GKE001\n    address: google_container_node_pool.*\n    reason: accepted while the role is rolled out\n");

const offline: Array<[string, string[], string | undefined]> = [
  ["a plan, every format to files", [join(plans, "bad-minimal-roles.plan.json"), "--format", "text", "--format", "json=r.json", "--format", "sarif=r.sarif", "--format", "junit=r.xml", "--format", "markdown=r.md"], undefined],
  ["a cdk.tf.json with a waivers file", [join(root, "examples", "terraform-json", "good.cdk.tf.json"), "--waivers", waivers], undefined],
  ["a cdktf.out folder", [cdktfOut, "--project", "acme-prod", "-v"], undefined],
  ["standard input", ["-"], readFileSync(join(plans, "unknown-existing-account.plan.json"), "utf8")],
  ["rules and explain", ["explain", "GKE009"], undefined],
];

test.each(offline)("offline, %s: no Google client library is loaded", async (_name, args, input) => {
  const r = await runRecorded(args, { input });
  expect(r.stderr).not.toMatch(/internal error/);
  expect([0, 1]).toContain(r.code);
  expect(r.loaded.length).toBeGreaterThan(10); // the recording works: our own modules are in it
  expect(r.loaded.filter((file) => LIVE_ONLY.test(file))).toEqual([]);
});

test("the library's entry (the aspect's import) loads none of them either", async () => {
  const r = await runRecorded([], { script: ["-e", `require(${JSON.stringify(join(root, "dist", "index.js"))})`] });
  expect(r.code).toBe(0);
  expect(r.loaded.some((file) => file.endsWith(join("dist", "index.js")))).toBe(true);
  expect(r.loaded.filter((file) => LIVE_ONLY.test(file))).toEqual([]);
});

test("--live loads them (the control: the recording sees them)", async () => {
  const r = await withEmulator(loadFixture("acme-good"), (emulator) =>
    runRecorded([join(plans, "unknown-existing-account.plan.json"), "--format", "json", "--live", "--api-endpoint", emulator.url], { env: { GOOGLE_OAUTH_ACCESS_TOKEN: FAKE_TOKEN } }),
  );
  expect(r.loaded.some((file) => /[\\/]node_modules[\\/]@googleapis[\\/]cloudresourcemanager[\\/]/.test(file))).toBe(true);
  expect(r.loaded.some((file) => /[\\/]node_modules[\\/]google-auth-library[\\/]/.test(file))).toBe(true);
});

test("--version and --help load neither the engine nor a rule (the check's modules load when a check runs)", async () => {
  const engine = /[\\/]dist[\\/](engine|rules|facts|inputs|model)[\\/]/;
  for (const args of [["--version"], ["--help"]]) {
    const r = await runRecorded(args);
    expect(r.code).toBe(0);
    expect(r.loaded.some((file) => file.endsWith(join("dist", "cli", "main.js")))).toBe(true);
    expect(r.loaded.filter((file) => engine.test(file))).toEqual([]);
  }
  // The control: a check loads them.
  const check = await runRecorded([join(plans, "bad-minimal-roles.plan.json")]);
  expect(check.loaded.some((file) => engine.test(file))).toBe(true);
});
