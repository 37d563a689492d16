import { computed, ref } from "../support/plan-builder";
import { scenarios, cluster, nodePool, projectData, apis, nodeAccount, grant, agentGrant, cdkTfJson } from "../support/scenarios";
import { modelFromPlan } from "../../src/inputs/plan-json";
import { checkModel } from "../../src/engine/check";
import { planFindings, tfFindings, stack, tf, verdicts } from "./helpers";

const RULE = "GKE007";
const nodeGrant = grant("nodes_default_node_sa", "roles/container.defaultNodeServiceAccount");

describe("GKE007 apply-ordering on plan JSON", () => {
  test("fail: the cluster waits for neither the API nor its node account's grant", () => {
    const racing = { ...cluster(), dependsOn: [] };
    const findings = planFindings(RULE, [projectData, ...apis(), nodeAccount, nodeGrant, agentGrant, racing, nodePool()]);
    expect(verdicts(findings)).toEqual(["fail google_container_cluster.primary", "fail google_container_node_pool.primary_nodes"]);
    expect(findings[0].details?.missing).toEqual(["google_project_service.container_api", "google_project_iam_member.nodes_default_node_sa"]);
    expect(findings[0].remediation.hcl).toContain("depends_on = [google_project_service.container_api, google_project_iam_member.nodes_default_node_sa]");
    expect(findings[0].remediation.cdktf).toContain("primary.dependsOn = [containerApi, nodesDefaultNodeSa]");
  });

  test("a grant that adds no permission the waited-for grants lack is not a race; one that adds one is", () => {
    // The cluster (via the pool) waits for the minimum role: an extra logWriter grant brings nothing new.
    const extra = grant("nodes_log_writer", "roles/logging.logWriter");
    expect(verdicts(planFindings(RULE, [projectData, ...apis(), nodeAccount, nodeGrant, extra, agentGrant, cluster(), nodePool()]))).toEqual(["pass google_container_cluster.primary", "pass google_container_node_pool.primary_nodes"]);
    // Waiting only for logWriter: the minimum-role grant brings five missing permissions.
    const onlyLog = cluster(undefined, {}, ["google_project_iam_member.nodes_log_writer"]);
    const findings = planFindings(RULE, [projectData, ...apis(), nodeAccount, nodeGrant, extra, agentGrant, onlyLog]);
    expect(verdicts(findings)).toEqual(["fail google_container_cluster.primary"]);
    expect(findings[0].details?.missing).toEqual(["google_project_iam_member.nodes_default_node_sa"]);
  });

  test("fail: a node pool names a cluster created in the same apply by a literal name", () => {
    const pool = nodePool();
    const literal = { ...pool, values: { ...pool.values, cluster: "primary" } };
    const findings = planFindings(RULE, [projectData, ...apis(), nodeAccount, nodeGrant, agentGrant, cluster(), literal]);
    const onPool = findings.find((f) => f.address === "google_container_node_pool.primary_nodes")!;
    expect(onPool.status).toBe("fail");
    expect(onPool.message).toContain('names its cluster by the literal "primary"');
  });

  test("unknown: the node account is only known after apply while grants are created", () => {
    const findings = planFindings(RULE, [projectData, nodeAccount, nodeGrant, { ...cluster(ref("random_id.x.hex")), dependsOn: [] }]);
    expect(verdicts(findings)).toEqual(["unknown google_container_cluster.primary"]);
  });

  test("pass: every dependency reached, the pool through its cluster", () => {
    const findings = checkModel(modelFromPlan(scenarios["good-cluster"](), "p.json"), { includePass: true, rules: [RULE] });
    expect(verdicts(findings)).toEqual(["pass google_container_cluster.primary", "pass google_container_node_pool.primary_nodes"]);
    expect(findings[1].details?.waitsFor).toEqual(["google_container_cluster.primary", "google_project_iam_member.nodes_default_node_sa", "google_project_service.container_api"]);
  });

  test("existing resources (no-op) do not race: only what the apply creates is checked", () => {
    const existing = { ...cluster(), dependsOn: [], actions: ["no-op"] };
    expect(planFindings(RULE, [projectData, ...apis(), nodeAccount, nodeGrant, existing])).toEqual([]);
  });

  test("depends_on a whole module counts as waiting for what it creates", () => {
    const inModule = { ...apis()[0], module: "module.apis" };
    const waits = { ...cluster(computed), dependsOn: ["module.apis"] };
    expect(verdicts(planFindings(RULE, [projectData, inModule, waits]))).toEqual(["pass google_container_cluster.primary"]);
  });
});

describe("GKE007 apply-ordering on cdk.tf.json", () => {
  const base = { google_project_service: tf.apis, google_service_account: { nodes_sa: tf.account }, google_project_iam_member: { nodes_default_node_sa: tf.nodeGrant } };

  test("fail: no depends_on; the pool names the cluster by its literal name", () => {
    const json = stack({ ...base, google_container_cluster: { cluster: tf.cluster({ depends_on: undefined }) }, google_container_node_pool: { pool: tf.pool({ cluster: "demo" }) } });
    const findings = tfFindings(RULE, json);
    expect(verdicts(findings)).toEqual(["fail google_container_cluster.cluster", "fail google_container_node_pool.pool"]);
    expect(findings[1].message).toContain('literal "demo"');
    expect(findings[1].constructPath).toBe("gke/pool");
  });

  test("unknown: the cluster's project is a variable and the stack enables APIs", () => {
    const json = stack({ ...base, google_container_cluster: { cluster: { ...tf.cluster({ depends_on: ["google_project_iam_member.nodes_default_node_sa"] }), project: "${var.project}" } } });
    expect(verdicts(tfFindings(RULE, json))).toEqual(["unknown google_container_cluster.cluster"]);
  });

  test("pass: the good stack", () => {
    expect(verdicts(tfFindings(RULE, cdkTfJson("good")))).toEqual(["pass google_container_cluster.cluster", "pass google_container_node_pool.pool"]);
  });
});
