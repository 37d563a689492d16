import { modelFromPlan } from "../../src/inputs/plan-json";
import { modelFromTerraformJson } from "../../src/inputs/terraform-json";
import { checkModel } from "../../src/engine/check";
import type { Finding } from "../../src/rules/types";
import { scenarios, cdkTfJson, AGENT } from "../support/scenarios";

const run = (name: keyof typeof scenarios) => checkModel(modelFromPlan(scenarios[name](), `${name}.plan.json`), { includePass: true });
const verdicts = (findings: Finding[], rule: string) => findings.filter((f) => f.ruleId === rule).map((f) => `${f.status} ${f.address}`);

describe("plan scenarios", () => {
  test("good cluster: nothing fails; only the deployer's own permissions (GKE009) wait for --live", () => {
    const findings = run("good-cluster");
    expect([...new Set(findings.filter((f) => f.status !== "pass").map((f) => `${f.ruleId} ${f.status}`))]).toEqual(["GKE009 unknown"]);
    expect(verdicts(findings, "GKE001")).toEqual(["pass google_container_cluster.primary", "pass google_container_node_pool.primary_nodes"]);
    expect(verdicts(findings, "GKE002")).toEqual(["pass google_container_cluster.primary"]);
    expect(verdicts(findings, "GKE003")).toEqual(["pass google_container_cluster.primary", "pass google_container_cluster.primary"]);
  });

  test("logWriter + metricWriter alone: GKE001 fails and names the two missing permissions", () => {
    const findings = run("bad-minimal-roles").filter((f) => f.ruleId === "GKE001");
    expect(findings.map((f) => f.status)).toEqual(["fail", "fail"]);
    expect([...(findings[0].details?.missingPermissions as string[])].sort()).toEqual(["autoscaling.sites.writeMetrics", "monitoring.timeSeries.list"]);
    expect(findings[0].message).toContain("gke-nodes@acme-prod.iam.gserviceaccount.com");
    expect(findings[0].remediation.gcloud.join("\n")).toContain(
      'gcloud projects add-iam-policy-binding acme-prod --member="serviceAccount:gke-nodes@acme-prod.iam.gserviceaccount.com" --role="roles/container.defaultNodeServiceAccount"',
    );
    expect(findings[0].remediation.cdktf).toContain("new ProjectIamMember(this");
    expect(findings[0].remediation.hcl).toContain('member  = "serviceAccount:${google_service_account.gke_nodes.email}"');
  });

  test("the legacy five-role set passes GKE001", () => {
    expect(verdicts(run("good-legacy-roles"), "GKE001")).toEqual(["pass google_container_cluster.primary", "pass google_container_node_pool.primary_nodes"]);
  });

  test("an authoritative binding without the agent fails GKE002 on the binding", () => {
    const [finding] = run("bad-agent-binding").filter((f) => f.ruleId === "GKE002");
    expect(finding.status).toBe("fail");
    expect(finding.address).toBe("google_project_iam_binding.service_agents");
    expect(finding.remediation.gcloud.join(" ")).toContain(`serviceAccount:${AGENT}`);
  });

  test("destroying the container API resource fails GKE003; compute stays managed and passes", () => {
    const findings = run("bad-api-destroyed").filter((f) => f.ruleId === "GKE003");
    expect(findings.map((f) => `${f.status} ${f.address}`).sort()).toEqual(["fail google_project_service.container_api", "pass google_container_cluster.primary"]);
  });

  test("an account from outside the configuration with no visible grant is unknown, not pass", () => {
    const findings = run("unknown-existing-account");
    expect(verdicts(findings, "GKE001")).toEqual(["unknown google_container_cluster.primary", "unknown google_container_node_pool.primary_nodes"]);
    expect(findings.find((f) => f.ruleId === "GKE001")?.decideWith).toMatch(/--live/);
    expect(verdicts(findings, "GKE002")).toEqual(["unknown google_container_cluster.primary"]);
    expect(verdicts(findings, "GKE003")).toEqual(["unknown google_container_cluster.primary", "unknown google_container_cluster.primary"]);
  });
});

describe("cdk.tf.json", () => {
  test("good stack: nothing fails, only GKE009 waits for --live; findings carry construct paths", () => {
    const findings = checkModel(modelFromTerraformJson(cdkTfJson("good"), { file: "cdk.tf.json" }), { includePass: true });
    expect([...new Set(findings.filter((f) => f.status !== "pass").map((f) => `${f.ruleId} ${f.status}`))]).toEqual(["GKE009 unknown"]);
    expect(findings.find((f) => f.ruleId === "GKE001")?.constructPath).toBe("gke/cluster");
    expect(findings.find((f) => f.ruleId === "GKE001")?.stack).toBe("gke");
  });

  test("a new project whose nodes use the default account: GKE003 fails, GKE001 depends on the organisation policy", () => {
    const findings = checkModel(modelFromTerraformJson(cdkTfJson("bad-default-sa"), { file: "cdk.tf.json" }), { includePass: true });
    expect(verdicts(findings, "GKE001")).toEqual(["unknown google_container_cluster.cluster", "unknown google_container_node_pool.pool"]);
    const gke001 = findings.find((f) => f.ruleId === "GKE001")!;
    expect(gke001.message).toContain("Compute Engine default service account of acme-sandbox");
    expect(gke001.reason).toContain("iam.automaticIamGrantsForDefaultServiceAccounts");
    expect(verdicts(findings, "GKE003")).toEqual(["fail google_container_cluster.cluster", "fail google_container_cluster.cluster"]);
    expect(verdicts(findings, "GKE002")).toEqual(["pass google_container_cluster.cluster"]);
  });
});
