import { computed, ref } from "../support/plan-builder";
import { cluster, nodePool, projectData, apis, nodeAccount, grant, agentGrant, PROJECT } from "../support/scenarios";
import { planFindings, tfFindings, stack, tf, verdicts } from "./helpers";

const RULE = "GKE011";
const repo = { type: "google_artifact_registry_repository", name: "images", values: { project: PROJECT, location: "europe-west1", repository_id: "images", format: "DOCKER", id: computed, name: computed } };
const platform = [projectData, ...apis(), nodeAccount, grant("nodes_default_node_sa", "roles/container.defaultNodeServiceAccount"), agentGrant, cluster(), nodePool()];

describe("GKE011 registry-pull on plan JSON", () => {
  test("fail: a private repository and node accounts without downloadArtifacts", () => {
    const findings = planFindings(RULE, [...platform, repo]);
    expect(verdicts(findings)).toEqual(["fail google_container_cluster.primary", "fail google_container_node_pool.primary_nodes"]);
    expect(findings[0].message).toContain("ImagePullBackOff");
    expect(findings[0].remediation.gcloud.join("\n")).toContain('--role="roles/artifactregistry.reader"');
  });

  test("unknown: the node account is made elsewhere and its grants are not visible", () => {
    const findings = planFindings(RULE, [repo, nodePool("ci-nodes@acme-prod.iam.gserviceaccount.com")]);
    expect(verdicts(findings)).toEqual(["unknown google_container_node_pool.primary_nodes"]);
    expect(findings[0].decideWith).toMatch(/--live/);
  });

  test("pass: roles/artifactregistry.reader on the project", () => {
    expect(verdicts(planFindings(RULE, [...platform, repo, grant("nodes_reader", "roles/artifactregistry.reader")]))).toEqual(["pass google_container_cluster.primary", "pass google_container_node_pool.primary_nodes"]);
  });

  test("pass: a repository-level grant by reference", () => {
    const repoGrant = { type: "google_artifact_registry_repository_iam_member", name: "nodes_pull", values: { project: PROJECT, location: "europe-west1", repository: ref("google_artifact_registry_repository.images.name"), role: "roles/artifactregistry.reader", member: ref("google_service_account.gke_nodes.member"), etag: computed, id: computed } };
    expect(verdicts(planFindings(RULE, [...platform, repo, repoGrant]))).toEqual(["pass google_container_cluster.primary", "pass google_container_node_pool.primary_nodes"]);
  });

  test("no repository in the configuration: nothing to say", () => {
    expect(planFindings(RULE, platform)).toEqual([]);
  });
});

describe("GKE011 registry-pull on cdk.tf.json", () => {
  const base = {
    google_service_account: { nodes_sa: tf.account },
    google_project_iam_member: { nodes_default_node_sa: tf.nodeGrant },
    google_container_node_pool: { pool: tf.pool({ cluster: "demo" }) },
    google_artifact_registry_repository: { images: { location: "europe-west1", repository_id: "images", format: "DOCKER" } },
  };

  test("fail: nothing grants the pool's account a pull role", () => {
    const findings = tfFindings(RULE, stack(base));
    expect(verdicts(findings)).toEqual(["fail google_container_node_pool.pool"]);
    expect(findings[0].remediation.hcl).toContain('member  = "serviceAccount:${google_service_account.nodes_sa.email}"');
  });

  test("unknown: a conditional repository grant may apply", () => {
    const json = stack({ ...base, google_artifact_registry_repository_iam_member: { pull: { location: "europe-west1", repository: "${google_artifact_registry_repository.images.name}", role: "roles/artifactregistry.reader", member: "serviceAccount:${google_service_account.nodes_sa.email}", condition: { title: "weekdays", expression: "request.time.getDayOfWeek() < 5" } } } });
    expect(verdicts(tfFindings(RULE, json))).toEqual(["unknown google_container_node_pool.pool"]);
  });

  test("pass: a repository-level reader grant", () => {
    const json = stack({ ...base, google_artifact_registry_repository_iam_member: { pull: { location: "europe-west1", repository: "images", role: "roles/artifactregistry.reader", member: "serviceAccount:${google_service_account.nodes_sa.email}" } } });
    expect(verdicts(tfFindings(RULE, json))).toEqual(["pass google_container_node_pool.pool"]);
  });
});
