import { TerraformStack, Testing } from "cdktf";
import { GkePreflight } from "../../src/cdktf";
import { applyFixes } from "../../src/cdktf/fix";
import type { FixAction, FixTarget } from "../../src/rules/fix-actions";
import type { Finding, Rule } from "../../src/rules/types";
import { addGke } from "./fixtures";

// The applier knows no rule: a rule outside the registry, with an id the applier has never
// seen, gets its actions applied the same way as the registered ones.
function ruleAsking(actions: (target: FixTarget) => FixAction[]): Rule {
  return {
    meta: { id: "TEST901", slug: "test-fix", title: "t", severity: "error", rationale: "r", googleDocUrl: "https://example.com", resourceTypes: [] },
    check: () => [],
    aspectFix: { statuses: ["fail"], targetTypes: ["google_container_cluster"], actions: (_f, target) => actions(target) },
  };
}

const bucket = (target: FixTarget): FixAction => ({
  kind: "add-resource",
  type: "google_storage_bucket",
  name: "logs",
  values: { project: target.project, name: `${target.attribute("name")}-logs`, location: "EU" },
  identifiedBy: ["project", "name"],
  description: "added a bucket",
});

function clusterFinding(stack: TerraformStack, status: Finding["status"] = "fail"): Finding {
  const found = GkePreflight.check(stack).find((f) => f.constructPath === "gke/cluster")!;
  return { ...found, ruleId: "TEST901", status };
}

describe("the aspect's fix applier is generic over rules", () => {
  it("adds what a rule asks for once, with the target's project and provider, and makes the target wait for it", () => {
    const stack = new TerraformStack(Testing.app(), "gke");
    addGke(stack);
    const rule = ruleAsking((t) => [bucket(t), { kind: "depend-on", addresses: ["google_service_account.nodes_sa", "google_project_service.nope"] }]);
    const finding = clusterFinding(stack);
    const result = applyFixes(stack as any, stack.toTerraform(), [finding, finding, clusterFinding(stack, "unknown")], [rule]);

    expect(result.skipped).toEqual([]);
    expect(result.additions.map((a) => `${a.ruleId} ${a.forConstruct.node.path} ${a.description}`)).toEqual([
      "TEST901 gke/cluster added a bucket",
      "TEST901 gke/cluster made it depend on google_service_account.nodes_sa",
    ]);
    const json = stack.toTerraform() as any;
    expect(json.resource.google_storage_bucket.preflight_fix_logs).toMatchObject({ project: "p1", name: "c1-logs", location: "EU" });
    expect(json.resource.google_container_cluster.cluster.depends_on).toEqual(
      expect.arrayContaining(["google_storage_bucket.preflight_fix_logs", "google_service_account.nodes_sa"]),
    );
  });

  it("adds nothing the configuration already has, and never an authoritative binding", () => {
    const stack = new TerraformStack(Testing.app(), "gke");
    addGke(stack);
    const binding: FixAction = {
      kind: "add-resource",
      type: "google_project_iam_binding",
      name: "b",
      values: { project: "p1", role: "roles/viewer", members: "x" },
      identifiedBy: ["project", "role"],
      description: "bound",
    };
    // the fixture already grants this role to this member, unconditionally
    const existingGrant: FixAction = {
      kind: "add-resource",
      type: "google_project_iam_member",
      name: "g",
      values: { project: "p1", role: "roles/container.defaultNodeServiceAccount", member: "serviceAccount:${google_service_account.nodes_sa.email}" },
      identifiedBy: ["project", "role", "member"],
      description: "granted",
    };
    const result = applyFixes(stack as any, stack.toTerraform(), [clusterFinding(stack)], [ruleAsking(() => [binding, existingGrant])]);
    expect(result.additions).toEqual([]);
    expect(result.skipped.map((s) => s.why)).toEqual([
      "google_project_iam_binding is authoritative (it could remove other members), so it is never added automatically",
    ]);
    expect(stack.node.findAll().filter((c) => c.node.id.startsWith("preflight_fix_"))).toEqual([]);
  });
});
