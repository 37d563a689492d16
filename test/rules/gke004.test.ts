import { buildPlan, computed, ref } from "../support/plan-builder";
import { PROJECT, scenarios, cluster, nodePool, projectData, apis, nodeAccount, grant, agentGrant, cdkTfJson } from "../support/scenarios";
import { modelFromPlan } from "../../src/inputs/plan-json";
import { checkModel } from "../../src/engine/check";
import { planFindings, tfFindings, stack, tf, verdicts } from "./helpers";

const RULE = "GKE004";

describe("GKE004 default-compute-sa on plan JSON", () => {
  test("fail: service_account left to the provider, on the temporary default pool and on the pool", () => {
    const findings = planFindings(RULE, [projectData, ...apis(), cluster(computed), nodePool(computed)]);
    expect(verdicts(findings)).toEqual(["fail google_container_cluster.primary", "fail google_container_node_pool.primary_nodes"]);
    const onCluster = findings.find((f) => f.address === "google_container_cluster.primary")!;
    expect(onCluster.message).toContain("temporary default node pool");
    expect(onCluster.message).toContain("123456789012-compute@developer.gserviceaccount.com");
    expect(onCluster.details?.temporaryDefaultPool).toBe(true);
    expect(onCluster.severity).toBe("warning");
    expect(onCluster.remediation.hcl).toContain('role    = "roles/container.defaultNodeServiceAccount"');
    expect(onCluster.remediation.cdktf).toContain("nodeConfig: { serviceAccount: nodesSa.email }");
    expect(onCluster.remediation.gcloud.join("\n")).toContain("gcloud iam service-accounts create gke-nodes --project=acme-prod");
  });

  test('fail: the literal "default"', () => {
    expect(verdicts(planFindings(RULE, [cluster(computed), nodePool("default")]))).toContain("fail google_container_node_pool.primary_nodes");
  });

  test("unknown: the account comes from something only known after apply", () => {
    const findings = planFindings(RULE, [nodePool(ref("random_id.suffix.hex"))]);
    expect(verdicts(findings)).toEqual(["unknown google_container_node_pool.primary_nodes"]);
    expect(findings[0].decideWith).toMatch(/--live/);
  });

  test("unknown, not the default account: an expression without references (a function call) is set by the configuration", () => {
    // Terraform writes `{}` for an expression that is neither a constant nor a reference (e.g. uuid()).
    const plan = buildPlan({ project: PROJECT, providerVersion: "~> 6.0", resources: [nodePool(computed)] });
    const config = (plan.configuration as any).root_module.resources.find((r: any) => r.type === "google_container_node_pool");
    config.expressions.node_config = [{ service_account: {} }];
    const findings = checkModel(modelFromPlan(plan, "plan.json"), { includePass: true, rules: [RULE] });
    expect(verdicts(findings)).toEqual(["unknown google_container_node_pool.primary_nodes"]);
    // and without the expression, the provider's default: the Compute Engine default account
    delete config.expressions.node_config;
    expect(verdicts(checkModel(modelFromPlan(plan, "plan.json"), { includePass: true, rules: [RULE] }))).toEqual(["fail google_container_node_pool.primary_nodes"]);
  });

  test("pass: a dedicated account", () => {
    const findings = checkModel(modelFromPlan(scenarios["good-cluster"](), "good.plan.json"), { includePass: true, rules: [RULE] });
    expect(verdicts(findings)).toEqual(["pass google_container_cluster.primary", "pass google_container_node_pool.primary_nodes"]);
  });

  test("pass on the cluster when inline node pools replace the default pool", () => {
    const inline = cluster(computed, { node_pool: [{ name: "inline", node_config: [{ service_account: ref("google_service_account.gke_nodes.email") }] }] });
    const findings = planFindings(RULE, [projectData, nodeAccount, grant("g", "roles/container.defaultNodeServiceAccount"), agentGrant, inline]);
    expect(verdicts(findings)).toEqual(["pass google_container_cluster.primary"]);
  });
});

describe("GKE004 default-compute-sa on cdk.tf.json", () => {
  test("fail: a new project's cluster and pool without service_account", () => {
    const findings = tfFindings(RULE, cdkTfJson("bad-default-sa"));
    expect(verdicts(findings)).toEqual(["fail google_container_cluster.cluster", "fail google_container_node_pool.pool"]);
    expect(findings[0].constructPath).toBe("gke/cluster");
  });

  test("unknown: the account is an input variable without a value", () => {
    const json = stack({ google_container_node_pool: { pool: { ...tf.pool(), cluster: "demo", node_config: { service_account: "${var.node_sa}" } } } });
    expect(verdicts(tfFindings(RULE, json))).toEqual(["unknown google_container_node_pool.pool"]);
  });

  test("pass: the good stack", () => {
    expect(verdicts(tfFindings(RULE, cdkTfJson("good")))).toEqual(["pass google_container_cluster.cluster", "pass google_container_node_pool.pool"]);
  });

  test("the Autopilot account in auto_provisioning_defaults counts too", () => {
    const json = stack({ google_container_cluster: { cluster: { name: "ap", location: "europe-west1", enable_autopilot: true } } });
    const findings = tfFindings(RULE, json);
    expect(verdicts(findings)).toEqual(["fail google_container_cluster.cluster"]);
    expect(findings[0].details?.where).toBe("cluster_autoscaling.auto_provisioning_defaults.service_account");
  });
});
