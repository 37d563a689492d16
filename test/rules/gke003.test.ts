import { buildPlan } from "../support/plan-builder";
import { PROJECT, scenarios } from "../support/scenarios";
import { checkPlan, checkTf, statuses, tfJson } from "../support/tf-json";
import type { LiveFacts } from "../../src/live/facts";

const cluster = { google_container_cluster: { primary: { name: "primary", location: "europe-west1", node_config: { service_account: "nodes@p1.iam.gserviceaccount.com" } } } };
const service = (api: string) => ({ service: `${api}.googleapis.com`, disable_on_destroy: false });

describe("GKE003 on cdk.tf.json", () => {
  test("pass: both APIs enabled in the configuration (project from the provider)", () => {
    const f = checkTf(tfJson({ ...cluster, google_project_service: { container: service("container"), compute: service("compute") } }, { project: "p1" }));
    expect(statuses(f, "GKE003")).toEqual(["pass google_container_cluster.primary", "pass google_container_cluster.primary"]);
  });

  test("unknown: an existing project and no google_project_service", () => {
    const f = checkTf(tfJson(cluster, { project: "p1" }));
    expect(statuses(f, "GKE003")).toEqual(["unknown google_container_cluster.primary", "unknown google_container_cluster.primary"]);
  });

  test("fail: compute enabled, container not, on a project created here", () => {
    const f = checkTf(tfJson({ ...cluster, google_project: { p: { project_id: "p1", name: "p1" } }, google_project_service: { compute: service("compute") } }, { project: "p1" }));
    const failing = f.filter((x) => x.ruleId === "GKE003" && x.status === "fail");
    expect(failing).toHaveLength(1);
    expect(failing[0].message).toContain("container.googleapis.com");
    expect(failing[0].remediation.gcloud).toEqual(["gcloud services enable container.googleapis.com --project=p1"]);
    expect(failing[0].remediation.cdktf).toContain('service: "container.googleapis.com"');
  });

  test("a service enabled on another project does not count", () => {
    const f = checkTf(tfJson({ ...cluster, google_project_service: { container: { ...service("container"), project: "other" }, compute: service("compute") } }, { project: "p1" }));
    expect(statuses(f, "GKE003").sort()).toEqual(["pass google_container_cluster.primary", "unknown google_container_cluster.primary"]);
  });
});

describe("GKE003 on plans", () => {
  test("fail when the plan destroys the enabling resource; pass when a kept one exists", () => {
    expect(statuses(checkPlan(scenarios["bad-api-destroyed"]()), "GKE003").sort()).toEqual(["fail google_project_service.container_api", "pass google_container_cluster.primary"]);
  });

  test("destroying a resource with disable_on_destroy = false leaves the API on: pass", () => {
    const plan = buildPlan({ project: PROJECT, resources: [
      { type: "google_container_cluster", name: "primary", values: { name: "primary", location: "x", project: PROJECT, node_config: [{ service_account: "n@acme-prod.iam.gserviceaccount.com" }] } },
      { type: "google_project_service", name: "container_api", actions: ["delete"], values: { project: PROJECT, service: "container.googleapis.com", disable_on_destroy: false } },
    ] });
    expect(statuses(checkPlan(plan), "GKE003").sort()).toEqual(["pass google_container_cluster.primary", "unknown google_container_cluster.primary"]);
  });

  // One reading of the provider version for GKE003 and GKE008 (and GKE009): they agree on every constraint.
  test.each([
    [">= 5", "unknown"],
    ["!= 7.0.0, ~> 6.10", "fail"],
    ["~> 6.0", "fail"],
    [">= 6.1, < 7.0.0", "fail"],
    ["~> 7.2", "pass"],
    [">= 7.0.0", "pass"],
    ["6.50.0", "fail"],
    [">= 6.0, < 8", "unknown"],
    ["~> 6", "unknown"],
    ["not a version", "unknown"],
  ])("a destroyed google_project_service with disable_on_destroy unset under %s: GKE003 and GKE008 both say %s", (version, expected) => {
    const plan = buildPlan({ project: PROJECT, providerVersion: version, resources: [
      { type: "google_container_cluster", name: "primary", values: { name: "primary", location: "x", project: PROJECT, node_config: [{ service_account: "n@acme-prod.iam.gserviceaccount.com" }] } },
      { type: "google_project_service", name: "container_api", actions: ["delete"], values: { project: PROJECT, service: "container.googleapis.com" } },
    ] });
    const findings = checkPlan(plan);
    const gke003 = findings.find((f) => f.ruleId === "GKE003" && f.details?.api === "container.googleapis.com")!;
    const gke008 = findings.find((f) => f.ruleId === "GKE008")!;
    expect([gke003.status, gke008.status]).toEqual([expected, expected]);
    if (expected === "unknown") expect(gke003.reason).toBe(gke008.reason);
  });

  test("--live decides an existing project's services", () => {
    const live = (enabled: string[]): LiveFacts => ({ projects: { [PROJECT]: { projectId: PROJECT, projectNumber: "1", enabledServices: enabled } }, serviceAccounts: {}, roles: {} });
    const plan = scenarios["unknown-existing-account"]();
    expect(statuses(checkPlan(plan, { live: live(["container.googleapis.com", "compute.googleapis.com"]) }), "GKE003")).toEqual(["pass google_container_cluster.primary", "pass google_container_cluster.primary"]);
    const off = checkPlan(plan, { live: live(["compute.googleapis.com"]) }).filter((f) => f.ruleId === "GKE003" && f.status === "fail");
    expect(off.map((f) => f.message)).toEqual([expect.stringContaining("container.googleapis.com is not enabled on acme-prod (read live)")]);
  });
});
