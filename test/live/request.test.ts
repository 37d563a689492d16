import { join } from "node:path";
import { loadInputs } from "../../src/inputs/load";
import { modelFromTerraformJson } from "../../src/inputs/terraform-json";
import { liveRequestFor } from "../../src/live/request";

const EXAMPLES = join(__dirname, "..", "..", "examples");

/** A cdk.tf.json-shaped stack: an existing project (no provider project), an existing and a new node account. */
function stack(extra: Record<string, Record<string, unknown>> = {}) {
  return {
    provider: { google: [{ region: "europe-west1" }] },
    resource: {
      google_service_account: { fresh: { account_id: "fresh-nodes", project: "shop-prod" } },
      google_container_cluster: {
        main: {
          name: "main",
          location: "europe-west1",
          project: "shop-prod",
          node_config: { service_account: "gke-nodes@shop-prod.iam.gserviceaccount.com" },
        },
        // No node_config: the default pool runs as the Compute Engine default account.
        side: { name: "side", location: "europe-west1" },
      },
      google_container_node_pool: {
        fresh: {
          name: "fresh",
          cluster: "${google_container_cluster.main.name}",
          project: "shop-prod",
          node_config: { service_account: "${google_service_account.fresh.email}" },
        },
      },
      google_project_iam_member: {
        nodes: { project: "shop-prod", role: "roles/logging.logWriter", member: "serviceAccount:gke-nodes@shop-prod.iam.gserviceaccount.com" },
        custom: { project: "shop-prod", role: "projects/shop-prod/roles/gkeNodeExtra", member: "serviceAccount:gke-nodes@shop-prod.iam.gserviceaccount.com" },
        mine: { project: "shop-prod", role: "projects/shop-prod/roles/definedHere", member: "serviceAccount:gke-nodes@shop-prod.iam.gserviceaccount.com" },
      },
      google_project_iam_custom_role: { here: { project: "shop-prod", role_id: "definedHere", title: "x", permissions: ["storage.objects.get"] } },
      google_project_service: { container: { project: "shop-prod", service: "container.googleapis.com" } },
      ...extra,
    },
  };
}

describe("liveRequestFor: what --live reads, from the models", () => {
  test("an existing node account is looked up and checked for actAs; its project's permissions are tested", () => {
    const request = liveRequestFor(loadInputs(join(EXAMPLES, "plans", "unknown-existing-account.plan.json")));
    expect(request).toMatchObject({
      projects: ["acme-prod"],
      serviceAccounts: ["ci-nodes@acme-prod.iam.gserviceaccount.com"],
      actAsChecks: ["ci-nodes@acme-prod.iam.gserviceaccount.com"],
      rolesHeldBy: ["serviceAccount:ci-nodes@acme-prod.iam.gserviceaccount.com"],
    });
    expect(request.callerPermissions["acme-prod"]).toContain("container.clusters.create");
  });

  test("roles granted in the plan are read along with the GKE roles", () => {
    const request = liveRequestFor(loadInputs(join(EXAMPLES, "plans", "bad-minimal-roles.plan.json")));
    expect(request.roles).toEqual(["roles/container.defaultNodeServiceAccount", "roles/container.serviceAgent", "roles/logging.logWriter", "roles/monitoring.metricWriter"]);
  });

  test("a stack: existing accounts, grants, API enablement, the deployer's permissions — but nothing the apply creates", () => {
    const request = liveRequestFor([modelFromTerraformJson(stack(), { file: "cdk.tf.json", stack: "gke" })]);
    expect(request.serviceAccounts).toEqual(["gke-nodes@shop-prod.iam.gserviceaccount.com"]); // not fresh-nodes: created here
    expect(request.actAsChecks).toEqual(["gke-nodes@shop-prod.iam.gserviceaccount.com"]);
    expect(request.roles).toContain("projects/shop-prod/roles/gkeNodeExtra");
    expect(request.roles).not.toContain("projects/shop-prod/roles/definedHere");
    // Exactly what the deployer rule (GKE009) checks: the cluster, the new pool, the new account,
    // the grants, the API — and actAs project-wide, which also covers the account created here.
    expect(request.callerPermissions["shop-prod"]).toEqual([
      "container.clusters.create",
      "container.clusters.update",
      "iam.serviceAccounts.actAs",
      "iam.serviceAccounts.create",
      "resourcemanager.projects.getIamPolicy",
      "resourcemanager.projects.setIamPolicy",
      "serviceusage.services.enable",
    ]);
    // `side` names no project and the provider sets none: nothing to read for it yet.
    expect(request.defaultServiceAccountProjects).toEqual([]);
  });

  test("--project fills the provider's missing project, so the default account's project becomes known", () => {
    const model = modelFromTerraformJson(stack(), { file: "cdk.tf.json", stack: "gke" }, { defaultProject: "shop-prod" });
    const request = liveRequestFor([model]);
    expect(request.defaultServiceAccountProjects).toEqual(["shop-prod"]);
    expect(request.projects).toEqual(["shop-prod"]);
  });

  test("a project the configuration creates is not read", () => {
    const request = liveRequestFor(loadInputs(join(EXAMPLES, "terraform-json", "bad-default-sa.cdk.tf.json")));
    expect(request.projects).toEqual([]);
    expect(request.callerPermissions).toEqual({});
  });

  test("Artifact Registry repositories that may exist already are read (and the registry's project), new ones are not", () => {
    const repositories = {
      google_artifact_registry_repository: {
        images: { project: "shop-prod", location: "europe-west1", repository_id: "images", format: "DOCKER" },
        shared: { project: "registry-hub", location: "europe", repository_id: "shared", format: "DOCKER" },
        later: { project: "shop-prod", location: "${var.region}", repository_id: "later", format: "DOCKER" },
      },
    };
    const request = liveRequestFor([modelFromTerraformJson(stack(repositories), { file: "cdk.tf.json", stack: "gke" })]);
    // cdk.tf.json does not say whether they exist: they are read, and a 404 says the apply creates them.
    expect(request.artifactRepositories).toEqual([
      "projects/registry-hub/locations/europe/repositories/shared",
      "projects/shop-prod/locations/europe-west1/repositories/images",
    ]);
    expect(request.projects).toEqual(["registry-hub", "shop-prod"]);

    const plan = liveRequestFor(loadInputs(join(EXAMPLES, "plans", "unknown-existing-account.plan.json")));
    expect(plan.artifactRepositories).toBeUndefined(); // no registry in it
  });

  test("folder and organisation IAM the stack changes: the deployer's permissions there are asked, except on a folder the apply creates", () => {
    const request = liveRequestFor([
      modelFromTerraformJson(
        stack({
          google_folder: { team: { display_name: "team", parent: "organizations/999999999999" } },
          google_folder_iam_member: {
            existing: { folder: "folders/111111111111", role: "roles/browser", member: "group:a@example.com" },
            fresh: { folder: "${google_folder.team.name}", role: "roles/browser", member: "group:a@example.com" },
          },
          google_organization_iam_binding: { viewers: { org_id: "999999999999", role: "roles/browser", members: ["group:a@example.com"] } },
        }),
        { file: "cdk.tf.json", stack: "gke" },
      ),
    ]);
    expect(request.resourceCallerPermissions).toEqual({
      "folders/111111111111": ["resourcemanager.folders.getIamPolicy", "resourcemanager.folders.setIamPolicy"],
      "organizations/999999999999": ["resourcemanager.organizations.getIamPolicy", "resourcemanager.organizations.setIamPolicy"],
    });
    // Nothing of it leaks into the project questions.
    expect(request.callerPermissions["shop-prod"]).not.toContain("resourcemanager.folders.setIamPolicy");
  });

  test("a default project leaves a provider's own project alone", () => {
    const model = modelFromTerraformJson({ provider: { google: [{ project: "kept" }] }, resource: {} }, { file: "cdk.tf.json" }, { defaultProject: "other" });
    expect(model.providers.get("google")?.project).toBe("kept");
  });
});
