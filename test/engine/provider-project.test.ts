import { modelFromTerraformJson } from "../../src/inputs/terraform-json";
import { checkModel } from "../../src/engine/check";

const ROLE = "roles/container.defaultNodeServiceAccount";

/** A stack whose grant names the account's project through `${google_service_account.nodes.project}`. */
function stack(provider: Record<string, unknown>) {
  return {
    provider: { google: [provider] },
    resource: {
      google_service_account: { nodes: { account_id: "gke-nodes" } },
      google_project_iam_member: { nodes: { project: "${google_service_account.nodes.project}", role: ROLE, member: "${google_service_account.nodes.member}" } },
      google_container_cluster: { c: { name: "c", location: "europe-west1", node_config: { service_account: "${google_service_account.nodes.email}" }, depends_on: ["google_project_iam_member.nodes"] } },
    },
  };
}

describe("a google resource without project lives in its provider's project", () => {
  test("`${google_service_account.x.project}` is the provider's project when the account sets none", () => {
    const model = modelFromTerraformJson(stack({ project: "acme-prod" }), { file: "cdk.tf.json" });
    const grant = model.byAddress.get("google_project_iam_member.nodes")!;
    expect(grant.values.project).toBe("acme-prod");
    const gke001 = checkModel(model, { includePass: true }).filter((f) => f.ruleId === "GKE001");
    expect(gke001.map((f) => f.status)).toEqual(["pass"]);
  });

  test("without a provider project it stays unknown, with where it comes from", () => {
    const model = modelFromTerraformJson(stack({}), { file: "cdk.tf.json" });
    const project = model.byAddress.get("google_project_iam_member.nodes")!.values.project;
    expect(project).toMatchObject({ references: ["google_service_account.nodes.project"] });
  });
});
