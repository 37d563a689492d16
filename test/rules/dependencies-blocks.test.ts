import { DependencyReach } from "../../src/rules/dependencies";
import type { Model, Resource } from "../../src/model/types";

// DependencyReach lists only blocks with instance keys and finds the others by address; these
// check that blocks with count/for_each, and inputs where that shortcut would not be exact (an
// address twice, a block both with and without a key), still follow Terraform's block order.

function resource(address: string, dependsOn: string[] = []): Resource {
  const name = address.replace(/^null_resource\./, "").replace(/\[.*$/, "");
  return { address, mode: "managed", type: "null_resource", name, module: "", change: "planned", values: {}, providerKey: "null", dependsOn, references: [], location: { file: "m.json" }, suppressions: [] };
}

function model(resources: Resource[]): Model {
  const byAddress = new Map<string, Resource>();
  for (const r of resources) byAddress.set(r.address, r);
  return { format: "plan", file: "m.json", resources, byAddress, byType: new Map([["null_resource", resources]]), providers: new Map() };
}

const targets = (...addresses: string[]) => (r: Resource) => addresses.includes(r.address);
const reached = (m: Model, isTarget: (r: Resource) => boolean, from: string) => [...new DependencyReach(m, isTarget).targetsReachedFrom(m.resources.find((r) => r.address === from)!)].sort();

describe("DependencyReach over blocks", () => {
  test("a reference to a counted block waits for what its instances wait for, and the targets among them", () => {
    const m = model([resource("null_resource.t"), resource("null_resource.pool[0]", ["null_resource.t"]), resource("null_resource.pool[1]"), resource("null_resource.top", ["null_resource.pool"])]);
    expect(reached(m, targets("null_resource.t"), "null_resource.top")).toEqual(["null_resource.t"]);
    expect(reached(m, targets("null_resource.t", "null_resource.pool[1]"), "null_resource.top")).toEqual(["null_resource.pool[1]", "null_resource.t"]);
    // An instance is ordered like its block: pool[1] waits for t because pool[0] says so.
    expect(reached(m, targets("null_resource.t"), "null_resource.pool[1]")).toEqual(["null_resource.t"]);
  });

  test("an address written twice: the first resource with dependencies speaks for the block, in model order", () => {
    const first = model([resource("null_resource.t"), resource("null_resource.u"), resource("null_resource.x", ["null_resource.u"]), resource("null_resource.x", ["null_resource.t"]), resource("null_resource.top", ["null_resource.x"])]);
    expect(reached(first, targets("null_resource.t", "null_resource.u"), "null_resource.top")).toEqual(["null_resource.u"]);
    const second = model([resource("null_resource.t"), resource("null_resource.u"), resource("null_resource.x"), resource("null_resource.x", ["null_resource.t"]), resource("null_resource.top", ["null_resource.x"])]);
    expect(reached(second, targets("null_resource.t", "null_resource.u"), "null_resource.top")).toEqual(["null_resource.t"]);
  });

  test("a block both with and without an instance key is one block, its resources in model order", () => {
    const m = model([resource("null_resource.t"), resource("null_resource.u"), resource("null_resource.x", ["null_resource.u"]), resource("null_resource.x[0]", ["null_resource.t"]), resource("null_resource.top", ["null_resource.x"])]);
    expect(reached(m, targets("null_resource.t", "null_resource.u"), "null_resource.top")).toEqual(["null_resource.u"]);
  });

  test("depends_on a module waits for the blocks of the module and of its children", () => {
    const inner = { ...resource("module.a.module.b.null_resource.t"), module: "module.a.module.b" };
    const top = resource("null_resource.top", ["module.a"]);
    const m = model([inner, top]);
    expect(reached(m, targets(inner.address), top.address)).toEqual([inner.address]);
  });
});
