import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { modelFromPlan, modelFromTerraformJson } from "../../src/inputs/load";

/**
 * `--project` is the google provider's default project, with or without `--live`: it must reach
 * model building before references are resolved, so that what is derived from the provider's
 * project (`${google_service_account.x.project}`, the account's email) is known.
 */
const ROOT = join(__dirname, "..", "..");
const cli = join(ROOT, "dist", "cli", "main.js");
const dir = mkdtempSync(join(tmpdir(), "preflight-project-"));
const readExample = (path: string) => JSON.parse(readFileSync(join(ROOT, "examples", path), "utf8")) as Record<string, unknown>;

/** Drops every `project: "acme-prod"` (a value or a plan's `constant_value`): the project comes from the environment. */
function withoutProject(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutProject);
  if (typeof value !== "object" || value === null) return value;
  const kept = Object.entries(value).filter(([key, v]) => !(key === "project" && (v === "acme-prod" || (v as { constant_value?: unknown })?.constant_value === "acme-prod")));
  return Object.fromEntries(kept.map(([key, v]) => [key, withoutProject(v)]));
}

function write(name: string, json: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(json));
  return path;
}

function verdicts(file: string, ...args: string[]): { stderr: string; byRule: Record<string, string[]> } {
  return verdictsWith({}, file, ...args);
}

function verdictsWith(env: Record<string, string>, file: string, ...args: string[]): { stderr: string; byRule: Record<string, string[]> } {
  const run = spawnSync(process.execPath, [cli, file, "--format", "json", "--include-pass", ...args], { encoding: "utf8", env: { ...process.env, ...env } });
  expect(run.status === 0 || run.status === 1).toBe(true);
  const findings = (JSON.parse(run.stdout) as { findings: Array<{ ruleId: string; status: string; address: string }> }).findings;
  const byRule: Record<string, string[]> = {};
  for (const finding of findings) (byRule[finding.ruleId] ??= []).push(`${finding.status} ${finding.address}`);
  for (const list of Object.values(byRule)) list.sort();
  return { stderr: run.stderr, byRule };
}

const NODE_RULES = ["GKE001", "GKE004", "GKE006"];
const pick = (byRule: Record<string, string[]>) => Object.fromEntries(NODE_RULES.map((rule) => [rule, byRule[rule]]));

describe("--project without --live", () => {
  const stack = readExample("terraform-json/good.cdk.tf.json");
  const bare = write("cdk.tf.json", withoutProject(stack));

  test("the example without any project really names none", () => {
    expect(readFileSync(bare, "utf8")).not.toMatch(/"project":\s*"acme-prod"/);
  });

  test("cdk.tf.json without a provider project: GKE001 is unknown without --project, decided with it; GKE004/GKE006 need no project", () => {
    const without = verdicts(bare);
    expect(without.byRule.GKE001!.every((line) => line.startsWith("unknown "))).toBe(true);
    // An account created here is never the Compute Engine default account, and is created enabled, whatever its project.
    expect(pick(without.byRule)).toMatchObject({
      GKE004: ["pass google_container_cluster.cluster", "pass google_container_node_pool.pool"],
      GKE006: ["pass google_container_cluster.cluster", "pass google_container_node_pool.pool"],
    });

    const withFlag = verdicts(bare, "--project", "acme-prod");
    expect(pick(withFlag.byRule)).toEqual({
      GKE001: ["pass google_container_cluster.cluster", "pass google_container_node_pool.pool"],
      GKE004: ["pass google_container_cluster.cluster", "pass google_container_node_pool.pool"],
      GKE006: ["pass google_container_cluster.cluster", "pass google_container_node_pool.pool"],
    });
    expect(withFlag.stderr).toBe("");
    // The same verdicts as the configuration that sets the project on its provider, for every rule.
    expect(withFlag.byRule).toEqual(verdicts(join(ROOT, "examples", "terraform-json", "good.cdk.tf.json")).byRule);
  });

  test("a plan without a provider project: decided with --project, like the plan that sets it", () => {
    const plan = readExample("plans/good-cluster.plan.json");
    const bare = write("plan.json", withoutProject(plan));
    expect(verdicts(bare).byRule.GKE001!.every((line) => line.startsWith("unknown "))).toBe(true);
    const expected = verdicts(join(ROOT, "examples", "plans", "good-cluster.plan.json")).byRule.GKE001;
    expect(verdicts(bare, "--project", "acme-prod").byRule.GKE001).toEqual(expected);
    // The streaming plan reader takes it too.
    expect(verdictsWith({ PREFLIGHT_STREAMING_THRESHOLD_BYTES: "0" }, bare, "--project", "acme-prod").byRule.GKE001).toEqual(expected);
  });

  test("a cdktf.out folder: every stack gets it", () => {
    const out = join(dir, "cdktf.out");
    mkdirSync(join(out, "stacks", "gke"), { recursive: true });
    writeFileSync(join(out, "stacks", "gke", "cdk.tf.json"), JSON.stringify(withoutProject(stack)));
    writeFileSync(join(out, "manifest.json"), JSON.stringify({ stacks: { gke: { name: "gke", synthesizedStackPath: "stacks/gke/cdk.tf.json" } } }));
    expect(verdicts(out).byRule.GKE001!.every((line) => line.startsWith("unknown "))).toBe(true);
    expect(verdicts(out, "--project", "acme-prod").byRule.GKE001).toEqual(["pass google_container_cluster.cluster", "pass google_container_node_pool.pool"]);
  });

  test("a project the input sets wins over --project, and stderr says so", () => {
    const run = verdicts(join(ROOT, "examples", "terraform-json", "good.cdk.tf.json"), "--project", "other-proj");
    expect(run.byRule).toEqual(verdicts(join(ROOT, "examples", "terraform-json", "good.cdk.tf.json")).byRule);
    expect(run.stderr).toBe(`preflight: --project other-proj not used for provider google in ${join(ROOT, "examples", "terraform-json", "good.cdk.tf.json")}: the input sets project acme-prod, which is used\n`);
  });
});

describe("a default project in model building", () => {
  test("fills the google providers that set none, declared or implicit, before references are resolved", () => {
    const json = {
      provider: { google: [{ region: "europe-west1" }], "google-beta": [{ project: "kept" }] },
      resource: { google_service_account: { nodes: { account_id: "gke-nodes" } }, google_project_iam_member: { m: { role: "roles/viewer", member: "${google_service_account.nodes.member}" } } },
    };
    const model = modelFromTerraformJson(json, { file: "cdk.tf.json" }, { defaultProject: "acme-prod" });
    expect(model.providers.get("google")?.project).toBe("acme-prod");
    expect(model.providers.get("google-beta")?.project).toBe("kept");
    expect(model.byAddress.get("google_project_iam_member.m")?.values.member).toBe("serviceAccount:gke-nodes@acme-prod.iam.gserviceaccount.com");
    // Without the option nothing is guessed.
    expect(typeof modelFromTerraformJson(json, { file: "cdk.tf.json" }).byAddress.get("google_project_iam_member.m")?.values.member).not.toBe("string");
  });

  test("a provider project from a variable without a value is filled; one with a value is kept", () => {
    const json = (variable: Record<string, unknown>) => ({ variable: { project: variable }, provider: { google: [{ project: "${var.project}" }] }, resource: {} });
    expect(modelFromTerraformJson(json({ type: "string" }), { file: "cdk.tf.json" }, { defaultProject: "acme-prod" }).providers.get("google")?.project).toBe("acme-prod");
    expect(modelFromTerraformJson(json({ default: "from-var" }), { file: "cdk.tf.json" }, { defaultProject: "acme-prod" }).providers.get("google")?.project).toBe("from-var");
  });

  test("a plan whose provider sets no project gets it too", () => {
    const plan = withoutProject(readExample("plans/good-cluster.plan.json"));
    expect(modelFromPlan(plan, "plan.json").providers.get("google")?.project).toBeUndefined();
    expect(modelFromPlan(plan, "plan.json", { defaultProject: "acme-prod" }).providers.get("google")?.project).toBe("acme-prod");
  });
});
