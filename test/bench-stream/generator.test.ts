import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadInputs } from "../../src/inputs/load";
import { isUnknown } from "../../src/model/unknown";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { generate } = require("../../bench/generate.js") as { generate: (args: Record<string, unknown>) => { out: string; resourceChanges?: number; resources?: number } };

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("bench/generate.js", () => {
  let dir: string;
  const make = (name: string, options: Record<string, unknown>) => {
    const out = join(dir, name);
    const written = generate({ resources: 300, format: "plan", seed: 1, shape: "monorepo", pools: 0, members: 0, ...options, out });
    return { file: out, written, json: JSON.parse(readFileSync(out, "utf8")) as Json };
  };
  const sha = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "bench-gen-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes the same bytes for the same seed, and other bytes for another seed", () => {
    const a = make("a.json", { seed: 7 });
    const b = make("b.json", { seed: 7 });
    const c = make("c.json", { seed: 8 });
    expect(sha(a.file)).toBe(sha(b.file));
    expect(sha(a.file)).not.toBe(sha(c.file));
  });

  it("writes a plan in Terraform's format 1.2 that the project's reader loads", () => {
    const { file, json, written } = make("plan.json", { resources: 500 });
    expect(json.format_version).toBe("1.2");
    expect(Object.keys(json)).toEqual(expect.arrayContaining(["terraform_version", "planned_values", "resource_changes", "prior_state", "configuration"]));
    expect(written.resourceChanges).toBeGreaterThanOrEqual(500);
    expect(json.resource_changes.length).toBe(written.resourceChanges);
    // modules: instances of for_each team modules with a nested gke module
    expect(json.planned_values.root_module.child_modules[0].address).toMatch(/^module\.team_000\["t000-/);
    expect(json.configuration.provider_config.google.expressions.project.constant_value).toBe("platform-admin-0001");
    expect(json.configuration.root_module.module_calls.team_000.module.module_calls.gke.module.resources[1].type).toBe("google_container_node_pool");
    // unknown values: omitted from `after`, true in `after_unknown`; references in configuration
    const member = json.resource_changes.find((r: Json) => r.name === "node_roles" && r.change.actions[0] === "create" && r.change.after_unknown.member === true);
    expect(member.change.after.member).toBeUndefined();
    // data sources with a project number in prior_state
    const data = json.prior_state.values.root_module.child_modules.flatMap((m: Json) => m.resources).find((r: Json) => r.mode === "data");
    expect(data.values.number).toMatch(/^\d{12}$/);
    const [model] = loadInputs(file);
    expect(model.format).toBe("plan");
    const pool = model.resources.find((r) => r.type === "google_container_node_pool" && r.change === "create")!;
    expect(pool.address).toMatch(/^module\.team_\d{3}\["[^"]+"\]\.module\.gke\[0\]\.google_container_node_pool\.pools\[\d\]$/);
    const unknownMember = model.resources.find((r) => r.address === member.address)!;
    expect(isUnknown(unknownMember.values.member)).toBe(true);
  });

  it("writes a cdk.tf.json with construct paths and ${} references that the project's reader loads", () => {
    const { file, json, written } = make("cdk.tf.json", { format: "tfjson", resources: 500 });
    expect(json["//"].metadata.stackName).toBe("platform");
    const pools = json.resource.google_container_node_pool as Json;
    const [id, pool] = Object.entries(pools)[0] as [string, Json];
    expect(pool["//"].metadata.uniqueId).toBe(id);
    expect(pool["//"].metadata.path).toMatch(/^platform\/team_000\//);
    expect(pool.cluster).toMatch(/^\$\{google_container_cluster\.[^.]+\.id\}$/);
    expect(pool.node_config).toEqual(expect.objectContaining({ machine_type: expect.any(String) })); // a block as an object
    const [model] = loadInputs(file);
    expect(model.format).toBe("terraform-json");
    expect(model.resources.filter((r) => r.mode === "managed").length).toBe(written.resources);
    expect(model.resources.find((r) => r.address === `google_container_node_pool.${id}`)?.constructPath).toBe(pool["//"].metadata.path);
  });

  it("writes the quadratic shape: N node pools and N IAM members in one project", () => {
    const { json } = make("quad.json", { shape: "quadratic", pools: 400, members: 400 });
    const count = (type: string) => json.resource_changes.filter((r: Json) => r.type === type).length;
    expect(count("google_container_node_pool")).toBe(400);
    // every 7th account misses one role: a little fewer members than asked
    expect(count("google_project_iam_member")).toBeGreaterThan(380);
    expect(new Set(json.resource_changes.map((r: Json) => r.change.after?.project).filter(Boolean))).toEqual(new Set(["quad-scale-0001"]));
  });
});
