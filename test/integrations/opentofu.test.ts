/**
 * OpenTofu plans (`tofu show -json`) give the verdicts of the same plan from Terraform, through the
 * whole-file reader and the streaming reader alike, and through the CLI on the committed fixtures.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadInputs } from "../../src/inputs/load";
import { checkModel } from "../../src/engine/check";
import { asOpenTofuPlan, OPENTOFU_VERSIONS } from "../support/opentofu";

const root = join(__dirname, "..", "..");
const plans = join(root, "examples", "plans");
const fixtures = join(root, "test", "fixtures", "opentofu");
const dir = mkdtempSync(join(tmpdir(), "preflight-tofu-"));

type Verdicts = string[];
function verdicts(file: string, streamFrom?: string): Verdicts {
  const saved = process.env.PREFLIGHT_STREAMING_THRESHOLD_BYTES;
  process.env.PREFLIGHT_STREAMING_THRESHOLD_BYTES = streamFrom ?? "Infinity";
  try {
    return loadInputs(file).flatMap((m) => checkModel(m, { includePass: true, now: new Date("2026-12-01") })).map((f) => `${f.ruleId} ${f.status} ${f.address} ${f.message}`);
  } finally {
    if (saved === undefined) delete process.env.PREFLIGHT_STREAMING_THRESHOLD_BYTES;
    else process.env.PREFLIGHT_STREAMING_THRESHOLD_BYTES = saved;
  }
}

const examples = readdirSync(plans).filter((f) => f.endsWith(".plan.json"));

describe.each(OPENTOFU_VERSIONS)("OpenTofu %s", (version) => {
  it.each(examples)("%s: the same verdicts as from Terraform, whole and streamed", (example) => {
    const terraform = verdicts(join(plans, example));
    const tofuFile = join(dir, `${version}-${example}`);
    writeFileSync(tofuFile, JSON.stringify(asOpenTofuPlan(JSON.parse(readFileSync(join(plans, example), "utf8")), version), null, 2));
    expect(verdicts(tofuFile)).toEqual(terraform);
    expect(verdicts(tofuFile, "0")).toEqual(terraform);
    expect(terraform.length).toBeGreaterThan(0);
  });
});

describe("the committed OpenTofu fixtures through the CLI", () => {
  const files = readdirSync(fixtures).filter((f) => f.endsWith(".plan.json"));
  it.each(files)("%s", (file) => {
    const plan = JSON.parse(readFileSync(join(fixtures, file), "utf8"));
    expect(plan.resource_changes[0].provider_name).toBe("registry.opentofu.org/hashicorp/google");
    expect(plan.applyable).toBeUndefined();
    const run = (input: string) => spawnSync(process.execPath, [join(root, "dist", "cli", "main.js"), input, "--format", "json"], { encoding: "utf8", env: { PATH: process.env.PATH ?? "", NO_COLOR: "1" } });
    const tofu = run(join(fixtures, file));
    const terraform = run(join(plans, file.replace(/\.tofu-[\d.]+\.plan\.json$/, ".plan.json")));
    expect(tofu.stderr).toBe("");
    expect(tofu.status).toBe(terraform.status);
    const strip = (out: string) => JSON.parse(out).findings.map((f: { file?: string }) => ({ ...f, file: undefined }));
    expect(strip(tofu.stdout)).toEqual(strip(terraform.stdout));
  });
});
