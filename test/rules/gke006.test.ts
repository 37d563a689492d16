import { computed } from "../support/plan-builder";
import { scenarios, cluster, nodePool, projectData, apis, nodeAccount, grant, agentGrant, PROJECT, cdkTfJson } from "../support/scenarios";
import { modelFromPlan } from "../../src/inputs/plan-json";
import { checkModel } from "../../src/engine/check";
import type { LiveFacts } from "../../src/live/facts";
import { planFindings, tfFindings, stack, tf, verdicts } from "./helpers";

const RULE = "GKE006";
const EXISTING = "ci-nodes@acme-prod.iam.gserviceaccount.com";
const liveAccount = (exists: boolean, disabled = false): LiveFacts => ({ projects: {}, roles: {}, serviceAccounts: { [EXISTING]: { email: EXISTING, exists, disabled } } });
const run = (name: keyof typeof scenarios, live?: LiveFacts) => checkModel(modelFromPlan(scenarios[name](), "p.json"), { includePass: true, rules: [RULE], ...(live ? { live } : {}) });

describe("GKE006 node-sa-exists on plan JSON", () => {
  test("fail: the account is created disabled", () => {
    const disabled = { ...nodeAccount, values: { ...nodeAccount.values, disabled: true } };
    const findings = planFindings(RULE, [projectData, disabled, cluster(), nodePool()]);
    expect(verdicts(findings)).toEqual(["fail google_service_account.gke_nodes", "fail google_service_account.gke_nodes"]);
    expect(findings[0].remediation.hcl).toContain("disabled = false");
  });

  test("fail: the plan destroys the account a pool still runs as", () => {
    const gone = { type: "google_service_account", name: "old_nodes", actions: ["delete"], values: { account_id: "old-nodes", project: PROJECT, email: "old-nodes@acme-prod.iam.gserviceaccount.com" } };
    const findings = planFindings(RULE, [gone, nodePool("old-nodes@acme-prod.iam.gserviceaccount.com")]);
    expect(verdicts(findings)).toEqual(["fail google_service_account.old_nodes"]);
    expect(findings[0].message).toContain("destroys");
  });

  test("fail: google_project_default_service_accounts DISABLE while nodes run as the default account", () => {
    const disable = { type: "google_project_default_service_accounts", name: "defaults", values: { project: PROJECT, action: "DISABLE", id: computed } };
    expect(verdicts(planFindings(RULE, [projectData, nodePool(computed), disable]))).toEqual(["fail google_project_default_service_accounts.defaults"]);
  });

  test("unknown without --live for an account made elsewhere; --live decides", () => {
    const findings = run("unknown-existing-account");
    expect(verdicts(findings)).toEqual(["unknown google_container_cluster.primary", "unknown google_container_node_pool.primary_nodes"]);
    expect(findings[0].decideWith).toMatch(/--live/);
    expect(verdicts(run("unknown-existing-account", liveAccount(false)))).toEqual(["fail google_container_cluster.primary", "fail google_container_node_pool.primary_nodes"]);
    expect(run("unknown-existing-account", liveAccount(true, true))[0].message).toContain("disabled (read live)");
    expect(verdicts(run("unknown-existing-account", liveAccount(true)))).toEqual(["pass google_container_cluster.primary", "pass google_container_node_pool.primary_nodes"]);
  });

  test("pass: the account is created here, enabled", () => {
    expect(verdicts(run("good-cluster"))).toEqual(["pass google_container_cluster.primary", "pass google_container_node_pool.primary_nodes"]);
  });

  test("pass: a data source read the account during plan", () => {
    const read = { type: "google_service_account", name: "ci", mode: "data" as const, values: { account_id: "ci-nodes", email: EXISTING, unique_id: "1093", project: PROJECT } };
    expect(verdicts(planFindings(RULE, [read, nodePool(EXISTING), grant("g", "roles/container.defaultNodeServiceAccount", `serviceAccount:${EXISTING}`), agentGrant, ...apis()]))).toEqual(["pass google_container_node_pool.primary_nodes"]);
  });
});

describe("GKE006 node-sa-exists on cdk.tf.json", () => {
  test("fail: disabled = true on the ServiceAccount", () => {
    const json = stack({ google_service_account: { nodes_sa: { ...tf.account, disabled: true } }, google_container_node_pool: { pool: tf.pool({ cluster: "demo" }) } });
    const findings = tfFindings(RULE, json);
    expect(verdicts(findings)).toEqual(["fail google_service_account.nodes_sa"]);
    expect(findings[0].constructPath).toBe("gke/nodes_sa");
  });

  test("unknown: an email literal of an account outside the stack", () => {
    const json = stack({ google_container_node_pool: { pool: tf.pool({ cluster: "demo", node_config: { service_account: EXISTING } }) } });
    expect(verdicts(tfFindings(RULE, json))).toEqual(["unknown google_container_node_pool.pool"]);
    expect(verdicts(tfFindings(RULE, json, { live: liveAccount(false) }))).toEqual(["fail google_container_node_pool.pool"]);
  });

  test("pass: the good stack", () => {
    expect(verdicts(tfFindings(RULE, cdkTfJson("good")))).toEqual(["pass google_container_cluster.cluster", "pass google_container_node_pool.pool"]);
  });
});

describe("GKE006 when the account is replaced", () => {
  const replaced = { type: "google_service_account", name: "gke_nodes", actions: ["delete", "create"], values: { account_id: "gke-nodes-v2", project: PROJECT, email: computed, id: computed, member: computed, unique_id: computed }, before: { account_id: "gke-nodes", project: PROJECT, email: "gke-nodes@acme-prod.iam.gserviceaccount.com" } };
  test("fail when a pool that stays keeps running as it", () => {
    const staying = { ...nodePool(), actions: ["no-op"] };
    expect(verdicts(planFindings(RULE, [replaced, staying]))).toEqual(["fail google_service_account.gke_nodes"]);
  });
  test("pass when the pool is recreated with it", () => {
    const recreated = { ...nodePool(), actions: ["delete", "create"] };
    expect(verdicts(planFindings(RULE, [replaced, recreated]))).toEqual(["pass google_container_node_pool.primary_nodes"]);
  });
});
