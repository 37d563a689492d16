import { buildPlan, computed, ref, type ResourceSpec } from "../support/plan-builder";
import { checkPlan, statuses } from "../support/tf-json";

/** Resources inside modules: the plan's references are module-local and must be qualified. */
const inModule = (module: string): ResourceSpec[] => [
  { type: "google_service_account", name: "nodes", module, values: { account_id: `nodes-${module.replace(/\W/g, "")}`, project: "p1", email: computed } },
  { type: "google_project_iam_member", name: "min", module, values: { project: "p1", role: "roles/container.defaultNodeServiceAccount", member: ref("google_service_account.nodes.email") } },
  { type: "google_container_cluster", name: "c", module, values: { name: `c-${module.length}`, location: "x", project: "p1", node_config: [{ service_account: ref("google_service_account.nodes.email") }] } },
];

test("a node account, its grant and its cluster inside a module are linked", () => {
  const findings = checkPlan(buildPlan({ resources: inModule("module.team") }));
  expect(statuses(findings, "GKE001")).toEqual(["pass module.team.google_container_cluster.c"]);
});

test("two instances of the same module do not mix their accounts", () => {
  const a = inModule('module.team["a"]');
  const b = inModule('module.team["b"]').filter((r) => r.type !== "google_project_iam_member");
  const findings = checkPlan(buildPlan({ resources: [...a, ...b] }));
  expect(statuses(findings, "GKE001").sort()).toEqual(['fail module.team["b"].google_container_cluster.c', 'pass module.team["a"].google_container_cluster.c']);
});
