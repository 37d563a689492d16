import { modelFromTerraformJson } from "../../src/inputs/terraform-json";
import { DependencyReach } from "../../src/rules/dependencies";
import type { Resource } from "../../src/model/types";

const model = (resources: Record<string, Record<string, unknown>>) => modelFromTerraformJson({ resource: { null_resource: resources } }, { file: "deps.tf.json" });
const targetsNamed = (...names: string[]) => (r: Resource) => names.includes(r.name);

describe("DependencyReach", () => {
  test("depends_on and references, transitively", () => {
    const m = model({ api: {}, grant: {}, cluster: { depends_on: ["null_resource.api"], triggers: { g: "${null_resource.grant.id}" } }, pool: { triggers: { c: "${null_resource.cluster.id}" } } });
    const reach = new DependencyReach(m, targetsNamed("api", "grant", "cluster"));
    expect([...reach.targetsReachedFrom(m.byAddress.get("null_resource.pool")!)].sort()).toEqual(["null_resource.api", "null_resource.cluster", "null_resource.grant"]);
    expect([...reach.targetsReachedFrom(m.byAddress.get("null_resource.api")!)]).toEqual([]);
  });

  test("a sibling still pending on the stack is computed, not taken as empty (diamond)", () => {
    // top depends on [c, a]; a depends on c: c is pushed by top but expanded first through a.
    const m = model({ t: {}, c: { depends_on: ["null_resource.t"] }, a: { depends_on: ["null_resource.c"] }, top: { depends_on: ["null_resource.c", "null_resource.a"] } });
    const reach = new DependencyReach(m, targetsNamed("t"));
    expect([...reach.targetsReachedFrom(m.byAddress.get("null_resource.a")!)]).toEqual(["null_resource.t"]);
    const fresh = new DependencyReach(m, targetsNamed("t"));
    expect([...fresh.targetsReachedFrom(m.byAddress.get("null_resource.top")!)]).toEqual(["null_resource.t"]);
    expect([...fresh.targetsReachedFrom(m.byAddress.get("null_resource.a")!)]).toEqual(["null_resource.t"]);
  });

  test("a cycle (which Terraform rejects) does not hang", () => {
    const m = model({ a: { depends_on: ["null_resource.b"] }, b: { depends_on: ["null_resource.a"] }, t: {}, c: { depends_on: ["null_resource.a", "null_resource.t"] } });
    const reach = new DependencyReach(m, targetsNamed("t"));
    expect([...reach.targetsReachedFrom(m.byAddress.get("null_resource.c")!)]).toEqual(["null_resource.t"]);
  });

  test("a 20,000-long chain does not overflow the stack", () => {
    const resources: Record<string, Record<string, unknown>> = { r0: {} };
    for (let i = 1; i < 20000; i++) resources[`r${i}`] = { depends_on: [`null_resource.r${i - 1}`] };
    const m = model(resources);
    const reach = new DependencyReach(m, targetsNamed("r0"));
    expect([...reach.targetsReachedFrom(m.byAddress.get("null_resource.r19999")!)]).toEqual(["null_resource.r0"]);
  });
});
