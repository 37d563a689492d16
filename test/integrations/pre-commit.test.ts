/**
 * The pre-commit hook definitions: they parse as pre-commit reads them, their file patterns pick
 * the files meant, and their entry runs as pre-commit runs it (entry, then args, then the matched
 * files) in a project that has the package as a devDependency.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parse } from "yaml";

const root = join(__dirname, "..", "..");
interface Hook {
  id: string;
  name: string;
  entry: string;
  language: string;
  files: string;
  pass_filenames?: boolean;
  args?: string[];
}
const hooks = parse(readFileSync(join(root, ".pre-commit-hooks.yaml"), "utf8")) as Hook[];
const hook = (id: string) => hooks.find((h) => h.id === id)!;

/** A project checkout with the package installed as npm would lay it out (node_modules/.bin). */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), "preflight-pre-commit-"));
  mkdirSync(join(dir, "node_modules", ".bin"), { recursive: true });
  symlinkSync(root, join(dir, "node_modules", "cdktf-gke-preflight"), "dir");
  // npm links the bin and makes it executable; the build in this checkout is not, so a shim stands in.
  writeFileSync(join(dir, "node_modules", ".bin", "cdktf-gke-preflight"), `#!/bin/sh\nexec "${process.execPath}" "${join(dir, "node_modules", "cdktf-gke-preflight", "dist", "cli", "main.js")}" "$@"\n`, { mode: 0o755 });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "infra", private: true, devDependencies: { "cdktf-gke-preflight": "*" } }));
  const place = (from: string, to: string) => {
    mkdirSync(dirname(join(dir, to)), { recursive: true });
    copyFileSync(join(root, from), join(dir, to));
  };
  place("examples/terraform-json/good.cdk.tf.json", "envs/prod/cdk.tf.json");
  place("examples/terraform-json/bad-default-sa.cdk.tf.json", "envs/dev/cdk.tf.json");
  place("examples/terraform-json/good.cdk.tf.json", "cdktf.out/stacks/gke/cdk.tf.json");
  writeFileSync(join(dir, "cdktf.out", "manifest.json"), JSON.stringify({ version: "0.21.0", stacks: { gke: { name: "gke", synthesizedStackPath: "stacks/gke/cdk.tf.json" } } }));
  return dir;
}

/** What pre-commit runs: the entry split as a shell would, the hook's args, then the files. */
function runHook(h: Hook, cwd: string, files: string[]) {
  const [command, ...entryArgs] = h.entry.split(/\s+/);
  const env = { ...process.env, NO_COLOR: "1", npm_config_update_notifier: "false" };
  return spawnSync(command!, [...entryArgs, ...(h.args ?? []), ...(h.pass_filenames === false ? [] : files)], { cwd, env, encoding: "utf8", timeout: 120_000 });
}

describe(".pre-commit-hooks.yaml", () => {
  it("has the keys pre-commit requires, and runs the project's installed copy", () => {
    expect(hooks.map((h) => h.id)).toEqual(["cdktf-gke-preflight", "cdktf-gke-preflight-cdktf-out"]);
    for (const h of hooks) {
      for (const key of ["id", "name", "entry", "language"] as const) expect(typeof h[key]).toBe("string");
      expect(h.language).toBe("system");
      expect(h.entry).toBe("npx --no-install cdktf-gke-preflight");
    }
  });

  it("file patterns pick cdk.tf.json files and cdktf.out folders", () => {
    const json = new RegExp(hook("cdktf-gke-preflight").files);
    expect(["cdk.tf.json", "envs/prod/cdk.tf.json", "cdktf.out/stacks/gke/cdk.tf.json"].every((f) => json.test(f))).toBe(true);
    expect(["cdk.tf.json.bak", "my-cdk.tf.json", "cdk.tf"].some((f) => json.test(f))).toBe(false);
    const out = new RegExp(hook("cdktf-gke-preflight-cdktf-out").files);
    expect(out.test("cdktf.out/manifest.json")).toBe(true);
    expect(out.test("apps/a/cdktf.out/stacks/x/cdk.tf.json")).toBe(true);
    expect(out.test("src/cdktf.outline.ts")).toBe(false);
  });

  it("the cdk.tf.json hook fails the commit on a failing file among the matched ones, and passes good ones", () => {
    const dir = project();
    const h = hook("cdktf-gke-preflight");
    const both = runHook(h, dir, ["envs/prod/cdk.tf.json", "envs/dev/cdk.tf.json"]);
    expect(both.stderr).toBe("");
    expect(both.status).toBe(1);
    expect(both.stdout).toMatch(/envs\/dev\/cdk.tf.json.*: Terraform JSON/);
    expect(both.stdout).toMatch(/envs\/prod\/cdk.tf.json.*: Terraform JSON/);
    expect(runHook(h, dir, ["envs/prod/cdk.tf.json"]).status).toBe(0);
  });

  it("the cdktf.out hook checks the folder", () => {
    const r = runHook(hook("cdktf-gke-preflight-cdktf-out"), project(), ["cdktf.out/manifest.json"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("(stack gke)");
  });
});
