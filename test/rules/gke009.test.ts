import { scenarios, cdkTfJson, PROJECT } from "../support/scenarios";
import { modelFromPlan } from "../../src/inputs/plan-json";
import { checkModel } from "../../src/engine/check";
import { roleHasPermission } from "../../src/knowledge/roles";
import { ROLE_FOR_PERMISSION } from "../../src/rules/gke009-deployer-act-as";
import type { LiveFacts } from "../../src/live/facts";
import { tfFindings, verdicts } from "./helpers";

const RULE = "GKE009";
const NODES = "gke-nodes@acme-prod.iam.gserviceaccount.com";
const ALL = ["container.clusters.create", "container.clusters.update", "serviceusage.services.enable", "iam.serviceAccounts.create", "resourcemanager.projects.getIamPolicy", "resourcemanager.projects.setIamPolicy"];
const live = (held: string[], canActAs: boolean): LiveFacts => ({
  projects: { [PROJECT]: { projectId: PROJECT, projectNumber: "123456789012", callerPermissions: held } },
  serviceAccounts: { [NODES]: { email: NODES, exists: true, callerCanActAs: canActAs } },
  roles: {},
});
const run = (facts?: LiveFacts) => checkModel(modelFromPlan(scenarios["good-cluster"](), "p.json"), { includePass: true, rules: [RULE], ...(facts ? { live: facts } : {}) });

describe("GKE009 deployer-act-as on plan JSON", () => {
  test("unknown without --live, with the exact permissions this plan needs", () => {
    const findings = run();
    expect(findings.map((f) => f.status)).toEqual(["unknown", "unknown"]);
    const project = findings.find((f) => f.message.includes("on acme-prod:"))!;
    const required = project.details?.requiredPermissions as Array<{ permission: string; on: string; role: string; because: string[] }>;
    expect(required.map((r) => r.permission).sort()).toEqual([...ALL].sort());
    expect(required.find((r) => r.permission === "resourcemanager.projects.setIamPolicy")?.because).toEqual(["google_project_iam_member.nodes_default_node_sa", "google_project_iam_member.gke_agent"]);
    const actAs = findings.find((f) => f.message.includes("iam.serviceAccounts.actAs"))!;
    expect(actAs.details?.requiredPermissions).toEqual([{ permission: "iam.serviceAccounts.actAs", on: `serviceAccount:${NODES}`, role: "roles/iam.serviceAccountUser", because: ["google_container_cluster.primary", "google_container_node_pool.primary_nodes"] }]);
    expect(actAs.remediation.gcloud.join("\n")).toContain(`gcloud iam service-accounts add-iam-policy-binding ${NODES}`);
  });

  test("fail with --live: actAs refused and setIamPolicy missing", () => {
    const findings = run(live(ALL.filter((p) => p !== "resourcemanager.projects.setIamPolicy"), false));
    expect(findings.map((f) => f.status)).toEqual(["fail", "fail"]);
    expect(findings.find((f) => f.details?.missingPermissions)?.details?.missingPermissions).toEqual(["resourcemanager.projects.setIamPolicy"]);
    expect(findings.some((f) => f.message.includes("The user does not have access to service account"))).toBe(true);
  });

  test("pass with --live: everything held", () => {
    expect(run(live(ALL, true)).map((f) => f.status)).toEqual(["pass", "pass"]);
  });

  test("project-wide actAs counts for every account", () => {
    expect(run(live([...ALL, "iam.serviceAccounts.actAs"], false)).map((f) => f.status)).toEqual(["pass", "pass"]);
  });

  test("every suggested role grants its permission (checked against the bundled role table)", () => {
    for (const [permission, role] of Object.entries(ROLE_FOR_PERMISSION)) expect([permission, roleHasPermission(role, permission)]).toEqual([permission, true]);
  });
});

describe("GKE009 deployer-act-as on cdk.tf.json", () => {
  test("unknown: the default account of a new project needs actAs too", () => {
    const findings = tfFindings(RULE, cdkTfJson("bad-default-sa"));
    expect(verdicts(findings)).toEqual(["unknown google_container_cluster.cluster", "unknown google_container_cluster.cluster"]);
    expect(findings.some((f) => f.message.includes("Compute Engine default service account of acme-sandbox"))).toBe(true);
  });

  test("fail and pass with --live on the good stack", () => {
    expect(tfFindings(RULE, cdkTfJson("good"), { live: live([], false) }).map((f) => f.status)).toEqual(["fail", "fail"]);
    expect(tfFindings(RULE, cdkTfJson("good"), { live: live(ALL, true) }).map((f) => f.status)).toEqual(["pass", "pass"]);
  });
});
