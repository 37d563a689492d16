/**
 * Modules and instances as Terraform evaluates them, on a terraform-google-modules style plan
 * (test/support/module-plan.ts): module depends_on, variables and outputs followed to any depth,
 * for_each instance keys, providers declared inside a module.
 */
import { modulePlan } from "../support/module-plan";
import { checkPlan, statuses } from "../support/tf-json";
import { modelFromPlan } from "../../src/inputs/plan-json";
import { isUnknown } from "../../src/model/unknown";

const findings = (options = {}) => checkPlan(modulePlan(options));

describe("module depends_on", () => {
  test("every resource of a module waits for what its module block depends on", () => {
    const model = modelFromPlan(modulePlan(), "plan.json");
    const cluster = model.byAddress.get("module.gke.google_container_cluster.primary")!;
    expect(cluster.dependsOn).toEqual(expect.arrayContaining(["module.project_services", "module.iam"]));
    expect(statuses(findings(), "GKE007")).toEqual([
      "pass module.gke.google_container_cluster.primary",
      'pass module.gke.google_container_node_pool.pools["batch"]',
      'pass module.gke.google_container_node_pool.pools["general"]',
    ]);
  });

  test("without the module block's depends_on, the cluster races its node account's grant in another module", () => {
    const cluster = findings({ gkeDependsOn: [] }).find((f) => f.ruleId === "GKE007" && f.address === "module.gke.google_container_cluster.primary")!;
    expect(cluster.status).toBe("fail");
    expect(cluster.details?.missing).toEqual(['module.iam.google_project_iam_member.node["roles/container.defaultNodeServiceAccount"]']);
    // The API is still waited for: the cluster's network comes from module.network, whose block depends on module.project_services.
    expect(cluster.details?.waitsFor).toContain('module.project_services.google_project_service.this["container.googleapis.com"]');
  });

  test("a plan without its configuration block: ordering is unknown, not a literal cluster name or a missing dependency", () => {
    const ordering = findings({ withoutConfiguration: true }).filter((f) => f.ruleId === "GKE007");
    expect(ordering.map((f) => f.status)).toEqual(["unknown", "unknown", "unknown"]);
    expect(ordering[0].message).toContain("the plan has no configuration block");
    const gke004 = findings({ withoutConfiguration: true }).filter((f) => f.ruleId === "GKE004");
    // An unknown service account the plan cannot trace is not "unset" (the default account).
    expect(gke004.map((f) => f.status)).toEqual(["unknown", "unknown", "unknown"]);
  });
});

describe("variables and outputs across modules", () => {
  test("the node account's email travels output → caller expression → variable, two modules deep", () => {
    const model = modelFromPlan(modulePlan(), "plan.json");
    const sa = (model.byAddress.get("module.gke.google_container_cluster.primary")!.values.node_config as any)[0].service_account;
    expect(isUnknown(sa) && sa.references).toEqual(["module.iam.module.account.google_service_account.this.email"]);
    const grant = model.byAddress.get('module.iam.google_project_iam_member.node["roles/container.defaultNodeServiceAccount"]')!;
    expect(isUnknown(grant.values.member) && grant.values.member.references).toEqual(["module.iam.module.account.google_service_account.this.email"]);
    const all = findings();
    expect(statuses(all, "GKE001")).toContain("pass module.gke.google_container_cluster.primary");
    expect(all.find((f) => f.ruleId === "GKE004" && f.address === "module.gke.google_container_cluster.primary")!.message).toContain("gke-nodes@acme-gke.iam.gserviceaccount.com");
  });

  test("references that cross module boundaries are dependencies", () => {
    const model = modelFromPlan(modulePlan(), "plan.json");
    expect(model.byAddress.get("module.gke.google_container_cluster.primary")!.references).toEqual(expect.arrayContaining(["module.network.google_compute_network.vpc", "module.iam.module.account.google_service_account.this"]));
  });

  test("a module output the plan does not show stays unknown", () => {
    const plan = modulePlan() as any;
    delete plan.configuration.root_module.module_calls.iam.module.outputs.email;
    const model = modelFromPlan(plan, "plan.json");
    const sa = (model.byAddress.get("module.gke.google_container_cluster.primary")!.values.node_config as any)[0].service_account;
    expect(isUnknown(sa) && sa.references).toEqual(["module.iam"]);
    expect(checkPlan(plan).find((f) => f.ruleId === "GKE004" && f.address === "module.gke.google_container_cluster.primary")!.status).toBe("unknown");
  });
});

describe("for_each instances", () => {
  test("google_service_account.pool[each.key].email links each pool to its own account", () => {
    const model = modelFromPlan(modulePlan(), "plan.json");
    const batch = model.byAddress.get('module.gke.google_container_node_pool.pools["batch"]')!;
    const sa = (batch.values.node_config as any)[0].service_account;
    expect(isUnknown(sa) && sa.references).toEqual(['module.gke.google_service_account.pool["batch"]']);
  });

  test("a grant whose for_each skips a key grants nothing to that instance", () => {
    expect(statuses(findings(), "GKE001").filter((s) => s.includes("pools"))).toEqual([
      'fail module.gke.google_container_node_pool.pools["batch"]',
      'pass module.gke.google_container_node_pool.pools["general"]',
    ]);
    expect(statuses(findings({ grantAllPools: true }), "GKE001").filter((s) => s.includes("pools"))).toEqual([
      'pass module.gke.google_container_node_pool.pools["batch"]',
      'pass module.gke.google_container_node_pool.pools["general"]',
    ]);
  });

  test("an instance key that names no instance leaves the account unknown", () => {
    const plan = modulePlan() as any;
    // pools["batch"] now reads google_service_account.pool[each.value.account], which the plan does not evaluate.
    const pools = plan.configuration.root_module.module_calls.gke.module.resources.find((r: any) => r.address === "google_container_node_pool.pools");
    pools.expressions.node_config[0].service_account = { references: ["google_service_account.pool", "each.value.account", "each.value"] };
    expect(statuses(checkPlan(plan), "GKE001").filter((s) => s.includes("pools"))).toEqual([
      'unknown module.gke.google_container_node_pool.pools["batch"]',
      'unknown module.gke.google_container_node_pool.pools["general"]',
    ]);
  });
});

describe("providers inside modules", () => {
  test("GKE010 sees kubernetes and helm providers configured inside the gke module", () => {
    const providers = findings().filter((f) => f.ruleId === "GKE010" && f.details?.provider);
    expect(providers.map((f) => `${f.status} ${f.details!.provider}`)).toEqual(["unknown module.gke:helm", "unknown module.gke:kubernetes"]);
    const certificates = findings({ kubernetesAuth: "client-certificate" }).filter((f) => f.ruleId === "GKE010" && f.details?.provider);
    expect(certificates.map((f) => `${f.status} ${f.details!.provider}`)).toEqual(["fail module.gke:helm", "fail module.gke:kubernetes"]);
  });

  test("resources in modules use the provider configuration Terraform gives them", () => {
    const plan = modulePlan() as any;
    // Terraform 0.12/0.13 wrote `MODULE:google` for a configuration inherited from the root.
    for (const r of plan.configuration.root_module.module_calls.network.module.resources) r.provider_config_key = "network:google";
    const model = modelFromPlan(plan, "plan.json");
    expect(model.byAddress.get("module.network.google_compute_network.vpc")!.providerKey).toBe("google");
    expect(model.byAddress.get("module.gke.helm_release.ingress")!.providerKey).toBe("module.gke:helm");
  });
});
