import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

/** Bad input ends with one line on stderr naming the file, exit code 2, and no stack trace. */
const cli = join(__dirname, "..", "..", "dist", "cli", "main.js");
const dir = mkdtempSync(join(tmpdir(), "preflight-bad-"));
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8" });

const cases: Array<[string, () => string, RegExp]> = [
  ["a missing path", () => join(dir, "nope.json"), /nope\.json: no such file or folder/],
  ["an empty file", () => file("empty.json", ""), /empty\.json: is empty; expected a Terraform plan/],
  ["truncated JSON", () => file("truncated.json", '{"format_version": "1.2", "resource_changes": ['), /truncated\.json: is not valid JSON/],
  ["a JSON array", () => file("array.json", "[1,2]"), /array\.json: is a JSON array; expected/],
  ["a JSON string", () => file("string.json", '"plan"'), /string\.json: is a JSON string; expected/],
  ["JSON of another kind", () => file("other.json", '{"name": "x"}'), /other\.json: is a JSON object of another kind/],
  ["binary", () => file("plan.out", Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x01])), /plan\.out: is a binary file/],
  ["UTF-16", () => file("utf16.json", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("{}", "utf16le")])), /utf16\.json: is UTF-16 encoded/],
  ["an unknown plan format", () => file("future.json", '{"format_version": "2.0", "resource_changes": []}'), /future\.json: has plan format_version 2\.0/],
  ["Terraform state instead of a plan", () => file("state.json", '{"format_version": "1.0", "values": {}}'), /state\.json: is Terraform state/],
  ["a folder with nothing to read", () => (mkdirSync(join(dir, "emptydir"), { recursive: true }), join(dir, "emptydir")), /emptydir: is a folder without manifest\.json or cdk\.tf\.json/],
  [
    "a cdktf.out whose manifest points outside it",
    () => {
      const out = join(dir, "evil.out");
      mkdirSync(out, { recursive: true });
      writeFileSync(join(out, "manifest.json"), JSON.stringify({ stacks: { a: { name: "a", synthesizedStackPath: "../../etc/passwd" } } }));
      return out;
    },
    /manifest\.json: stack "a" points outside the folder/,
  ],
  [
    "a cdktf.out synthesized as HCL",
    () => {
      const out = join(dir, "hcl.out");
      mkdirSync(out, { recursive: true });
      writeFileSync(join(out, "manifest.json"), JSON.stringify({ stacks: { gke: { name: "gke", synthesizedStackPath: "stacks/gke/cdk.tf" } } }));
      return out;
    },
    /stack "gke" was synthesized as HCL/,
  ],
];

test.each(cases)("%s: exit 2 with one clear line", (_name, make, message) => {
  const result = run(make());
  expect(result.status).toBe(2);
  expect(result.stdout).toBe("");
  const lines = result.stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^preflight: /);
  expect(lines[0]).toMatch(message);
  expect(result.stderr).not.toMatch(/\bat .*\.js:\d+/);
});

test("usage errors exit 2", () => {
  expect(run().status).toBe(2);
  expect(run("--format", "yaml", "x.json").status).toBe(2);
  expect(run("--unknown", "maybe", join(__dirname, "..", "..", "examples", "plans", "good-cluster.plan.json")).status).toBe(2);
  expect(run("explain", "GKE999").status).toBe(2);
});

test("--version, rules and explain", () => {
  expect(run("--version").stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  const rules = run("rules");
  expect(rules.status).toBe(0);
  expect(rules.stdout).toMatch(/GKE001\s+node-sa-permissions/);
  expect(rules.stdout).toMatch(/GKE003\s+required-apis/);
  const page = run("explain", "node-sa-permissions");
  expect(page.status).toBe(0);
  expect(page.stdout).toMatch(/GKE001/);
});

test("the version matches package.json", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  expect(run("--version").stdout.trim()).toBe(require("../../package.json").version);
});
