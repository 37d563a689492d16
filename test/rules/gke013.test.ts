import { computed, ref, type ResourceSpec } from "../support/plan-builder";
import { PROJECT, projectData, cluster } from "../support/scenarios";
import { workloadIdentityPlatform, APPS } from "../support/platforms";
import { planFindings, tfFindings, stack, tf, verdicts } from "./helpers";

const RULE = "GKE013";
const KSA = `serviceAccount:${PROJECT}.svc.id.goog[apps/web]`;
const wiGrant = (member: unknown = KSA, extra: Partial<ResourceSpec> = {}): ResourceSpec => ({
  type: "google_service_account_iam_member",
  name: "web_wi",
  values: { service_account_id: `projects/${PROJECT}/serviceAccounts/web@${PROJECT}.iam.gserviceaccount.com`, role: "roles/iam.workloadIdentityUser", member: member as never, etag: computed, id: computed },
  ...extra,
});
const wiCluster = (actions = ["create"]) => ({ ...cluster(undefined, { workload_identity_config: [{ workload_pool: `${PROJECT}.svc.id.goog` }] }), actions });
const newProject: ResourceSpec = { type: "google_project", name: "this", actions: ["create"], values: { project_id: PROJECT, name: PROJECT, org_id: "1234567890", number: computed, id: computed } };

describe("GKE013 workload-identity-pool on plan JSON", () => {
  test("fail: the project is created by this apply and the grant does not wait for the cluster", () => {
    const findings = planFindings(RULE, [newProject, wiCluster(), wiGrant()]);
    expect(verdicts(findings)).toEqual(["fail google_service_account_iam_member.web_wi", "pass google_container_cluster.primary"]);
    expect(findings[0].message).toContain("Identity Pool does not exist");
    expect(findings[0].remediation.hcl).toContain("depends_on = [google_container_cluster.primary]");
  });

  test("fail: a new project where no cluster of the configuration enables Workload Identity", () => {
    const findings = planFindings(RULE, [newProject, cluster(), wiGrant()]);
    expect(verdicts(findings)).toEqual(["fail google_service_account_iam_member.web_wi"]);
    expect(findings[0].message).toContain("no cluster of this configuration enables Workload Identity");
  });

  test("pass: the grant waits for the cluster (depends_on, or a member built from its workload_pool)", () => {
    expect(verdicts(planFindings(RULE, [newProject, wiCluster(), wiGrant(KSA, { dependsOn: ["google_container_cluster.primary"] })]))).toEqual(["pass google_container_cluster.primary", "pass google_service_account_iam_member.web_wi"]);
    const built = wiGrant(ref("google_container_cluster.primary.workload_identity_config[0].workload_pool"));
    const findings = planFindings(RULE, [newProject, wiCluster(), built]);
    expect(verdicts(findings)).toEqual(["pass google_container_cluster.primary", "pass google_service_account_iam_member.web_wi"]);
  });

  test("pass: a cluster with Workload Identity already exists in the project", () => {
    expect(verdicts(planFindings(RULE, [projectData, wiCluster(["no-op"]), wiGrant()]))).toEqual(["pass google_container_cluster.primary", "pass google_service_account_iam_member.web_wi"]);
  });

  test("unknown: an existing project, and nothing in the input shows a Workload Identity cluster in it", () => {
    const findings = planFindings(RULE, [projectData, wiGrant()]);
    expect(verdicts(findings)).toEqual(["unknown google_service_account_iam_member.web_wi"]);
    expect(findings[0].decideWith).toContain("gcloud container clusters list --project=acme-prod");
  });

  test("a grant that exists already (no-op) is not checked; a grant to an ordinary account is not a Workload Identity grant", () => {
    expect(verdicts(planFindings(RULE, [newProject, wiGrant(KSA, { actions: ["no-op"] })]))).toEqual([]);
    expect(verdicts(planFindings(RULE, [newProject, wiGrant("serviceAccount:ci@acme-prod.iam.gserviceaccount.com")]))).toEqual([]);
  });

  test("fail: a cluster whose workload_pool is another project's", () => {
    const other = cluster(undefined, { workload_identity_config: [{ workload_pool: "acme-shared.svc.id.goog" }] });
    const findings = planFindings(RULE, [projectData, other]);
    expect(verdicts(findings)).toEqual(["fail google_container_cluster.primary"]);
    expect(findings[0].message).toContain("acme-prod.svc.id.goog");
    expect(findings[0].remediation.gcloud[0]).toContain("--workload-pool=acme-prod.svc.id.goog");
  });
});

describe("GKE013 workload-identity-pool on cdk.tf.json", () => {
  test("the Workload Identity platform: the member built from the cluster's pool passes; written out it fails", () => {
    expect(verdicts(tfFindings(RULE, workloadIdentityPlatform("good")))).toEqual(["pass google_container_cluster.cluster", "pass google_service_account_iam_member.web_app_workload_identity"]);
    const findings = tfFindings(RULE, workloadIdentityPlatform("bad"));
    expect(verdicts(findings)).toEqual(["fail google_service_account_iam_member.web_app_workload_identity", "pass google_container_cluster.cluster"]);
    expect(findings[0].message).toContain(`${APPS} is created by this apply`);
    expect(findings[0].remediation.cdktf).toContain("webAppWorkloadIdentity.dependsOn = [cluster]");
  });

  test("unknown: the member's project is a variable", () => {
    const json = stack({ google_service_account_iam_member: { wi: { service_account_id: "projects/p/serviceAccounts/x@p.iam.gserviceaccount.com", role: "roles/iam.workloadIdentityUser", member: "serviceAccount:${var.project}.svc.id.goog[apps/web]" } }, google_container_cluster: { cluster: tf.cluster() } });
    expect(verdicts(tfFindings(RULE, json))).toEqual(["unknown google_service_account_iam_member.wi"]);
  });
});
