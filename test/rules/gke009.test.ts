import { scenarios, cdkTfJson, PROJECT } from "../support/scenarios";
import { modelFromPlan } from "../../src/inputs/plan-json";
import { checkModel } from "../../src/engine/check";
import { roleHasPermission } from "../../src/knowledge/roles";
import { ROLE_FOR_PERMISSION, ROLE_FOR_HIERARCHY_PERMISSION } from "../../src/rules/gke009-deployer-act-as";
import type { LiveFacts } from "../../src/live/facts";
import { planFindings, tfFindings, verdicts } from "./helpers";
import { cluster } from "../support/scenarios";
import { computed, ref } from "../support/plan-builder";

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
  test("unknown without --live: said once for the project, actAs on its node account included, with the exact permissions", () => {
    const findings = run();
    expect(findings.map((f) => `${f.status} ${f.address}`)).toEqual(["unknown google_container_cluster.primary"]);
    const [project] = findings;
    expect(project.message).toBe(`To apply this plan, the deployer needs on acme-prod: ${ALL.join(", ")}, and iam.serviceAccounts.actAs on ${NODES} (roles/iam.serviceAccountUser)`);
    const required = project.details?.requiredPermissions as Array<{ permission: string; on: string; role: string; because: string[] }>;
    expect(required.map((r) => r.permission).sort()).toEqual([...ALL, "iam.serviceAccounts.actAs"].sort());
    expect(required.find((r) => r.permission === "resourcemanager.projects.setIamPolicy")?.because).toEqual(["google_project_iam_member.nodes_default_node_sa", "google_project_iam_member.gke_agent"]);
    // JSON keeps every fact: where actAs is needed and which resources need it.
    expect(required.find((r) => r.permission === "iam.serviceAccounts.actAs")).toEqual({ permission: "iam.serviceAccounts.actAs", on: `serviceAccount:${NODES}`, role: "roles/iam.serviceAccountUser", because: ["google_container_cluster.primary", "google_container_node_pool.primary_nodes"] });
    expect(project.remediation.gcloud).toHaveLength(5);
    expect(project.remediation.gcloud[4]).toContain(`gcloud iam service-accounts add-iam-policy-binding ${NODES}`);
    expect(project.remediation.summary).toMatch(/Grant whoever runs the apply roles\/iam\.serviceAccountUser on gke-nodes@acme-prod\.iam\.gserviceaccount\.com\.$/);
    expect(project.decideWith).toContain("which this apply creates");
  });

  test("offline with two node accounts: one finding, one fix per account with names of their own", () => {
    const plan = scenarios["good-cluster"]() as any;
    const other = "other-nodes@acme-prod.iam.gserviceaccount.com";
    const pool = plan.resource_changes.find((c: { type: string }) => c.type === "google_container_node_pool");
    pool.change.after.node_config[0].service_account = other;
    pool.change.after_unknown.node_config[0].service_account = false;
    const config = plan.configuration.root_module.resources.find((r: { type: string }) => r.type === "google_container_node_pool");
    config.expressions.node_config[0].service_account = { constant_value: other };
    const findings = checkModel(modelFromPlan(plan, "p.json"), { rules: [RULE] });
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain(`iam.serviceAccounts.actAs on ${NODES}, other-nodes@acme-prod.iam.gserviceaccount.com (`);
    expect(findings[0].remediation.cdktf).toContain('"deployer-act-as-nodes"');
    expect(findings[0].remediation.cdktf).toContain('"deployer-act-as-nodes-2"');
    expect(findings[0].remediation.hcl).toContain('"deployer_act_as_nodes_2"');
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
    expect(verdicts(findings)).toEqual(["unknown google_container_cluster.cluster", "unknown google_project.sandbox"]);
    expect(findings[0].message).toContain("and iam.serviceAccounts.actAs on the Compute Engine default service account of acme-sandbox");
  });

  test("fail and pass with --live on the good stack", () => {
    expect(tfFindings(RULE, cdkTfJson("good"), { live: live([], false) }).map((f) => f.status)).toEqual(["fail", "fail"]);
    expect(tfFindings(RULE, cdkTfJson("good"), { live: live(ALL, true) }).map((f) => f.status)).toEqual(["pass", "pass"]);
  });
});

describe("GKE009: folder and organisation IAM the plan changes", () => {
  const FOLDER = "folders/731000000001";
  const ORG = "555000111222";
  const folderGrant = { type: "google_folder_iam_member", name: "nodes_logs", values: { folder: FOLDER, role: "roles/logging.logWriter", member: `serviceAccount:${NODES}` } };
  const orgBinding = { type: "google_organization_iam_binding", name: "viewers", values: { org_id: ORG, role: "roles/browser", members: ["group:platform@acme.example"] } };
  const FOLDER_PERMISSIONS = ["resourcemanager.folders.getIamPolicy", "resourcemanager.folders.setIamPolicy"];
  const ORG_PERMISSIONS = ["resourcemanager.organizations.getIamPolicy", "resourcemanager.organizations.setIamPolicy"];
  const hierarchy = (findings: ReturnType<typeof planFindings>) => findings.filter((f) => /folders\/|organizations\//.test(f.message) || /folder|organisation|organization/.test(f.reason ?? ""));
  const withHeld = (held: Record<string, string[] | { error: string }>): LiveFacts => ({ projects: {}, serviceAccounts: {}, roles: {}, resourceCallerPermissions: held });

  test("offline: unknown, one finding per folder and per organisation, with what is needed there and a role that has it", () => {
    const findings = hierarchy(planFindings(RULE, [cluster(), folderGrant, orgBinding]));
    expect(findings.map((f) => `${f.status} ${f.address}`)).toEqual(["unknown google_folder_iam_member.nodes_logs", "unknown google_organization_iam_binding.viewers"]);
    expect(findings[0].message).toBe(`To apply this plan, the deployer needs on ${FOLDER}: ${FOLDER_PERMISSIONS.join(", ")}`);
    expect(findings[0].details?.requiredPermissions).toEqual(FOLDER_PERMISSIONS.map((permission) => ({ permission, on: FOLDER, role: "roles/resourcemanager.folderIamAdmin", because: ["google_folder_iam_member.nodes_logs"] })));
    expect(findings[1].message).toBe(`To apply this plan, the deployer needs on organizations/${ORG}: ${ORG_PERMISSIONS.join(", ")}`);
    expect(findings[0].remediation.gcloud).toEqual(['gcloud resource-manager folders add-iam-policy-binding 731000000001 --member="user:DEPLOYER_EMAIL" --role="roles/resourcemanager.folderIamAdmin" --condition=None']);
    expect(findings[1].remediation.hcl).toContain(`org_id = "${ORG}"`);
  });

  test("--live: pass where testIamPermissions there says the caller holds them, fail naming what is missing", () => {
    const facts = withHeld({ [FOLDER]: FOLDER_PERMISSIONS, [`organizations/${ORG}`]: ["resourcemanager.organizations.getIamPolicy"] });
    const findings = hierarchy(planFindings(RULE, [cluster(), folderGrant, orgBinding], { live: facts }));
    expect(findings.map((f) => `${f.status} ${f.address}`).sort()).toEqual(["fail google_organization_iam_binding.viewers", "pass google_folder_iam_member.nodes_logs"]);
    const failed = findings.find((f) => f.status === "fail")!;
    expect(failed.message).toBe(`The deployer lacks resourcemanager.organizations.setIamPolicy on organizations/${ORG} (read live), which this plan needs for google_organization_iam_binding.viewers: the apply stops with 403`);
    expect(failed.details?.missingPermissions).toEqual(["resourcemanager.organizations.setIamPolicy"]);
  });

  test("--live: unknown with the reason when the test was refused or not made", () => {
    const refused = hierarchy(planFindings(RULE, [folderGrant], { live: withHeld({ [FOLDER]: { error: "cloudresourcemanager.folders.testIamPermissions: HTTP 403: denied" } }) }));
    expect(refused.map((f) => f.status)).toEqual(["unknown"]);
    expect(refused[0].reason).toBe(`the caller's permissions on ${FOLDER} could not be tested: cloudresourcemanager.folders.testIamPermissions: HTTP 403: denied`);
    const notAsked = hierarchy(planFindings(RULE, [folderGrant], { live: withHeld({}) }));
    expect(notAsked[0].reason).toBe(`--live did not test the caller's permissions on ${FOLDER}`);
  });

  test("a folder this apply creates, or one only known after apply: unknown, and --live does not ask", () => {
    const folder = { type: "google_folder", name: "team", values: { display_name: "team", parent: `organizations/${ORG}`, folder_id: computed, name: computed } };
    const onNewFolder = { ...folderGrant, values: { ...folderGrant.values, folder: ref("google_folder.team.name") } };
    const findings = hierarchy(planFindings(RULE, [folder, onNewFolder], { live: withHeld({}) }));
    expect(findings.map((f) => f.status)).toEqual(["unknown"]);
    expect(findings[0].reason).toBe("the folder is created by this apply (google_folder.team); the deployer's permissions on it come from its parent");
  });

  test("a folder grant the plan leaves alone needs nothing; one it destroys needs the same permissions", () => {
    expect(hierarchy(planFindings(RULE, [{ ...folderGrant, actions: ["no-op"] }]))).toEqual([]);
    expect(hierarchy(planFindings(RULE, [{ ...folderGrant, actions: ["delete"] }])).map((f) => f.status)).toEqual(["unknown"]);
  });

  test("a project the apply creates needs resourcemanager.projects.create on its folder or organisation (Resource Manager checks the parent)", () => {
    const project = (parent: Record<string, unknown>) => ({ type: "google_project", name: "team", values: { project_id: "acme-team", name: "acme-team", number: computed, ...parent } });
    const inFolder = hierarchy(planFindings(RULE, [project({ folder_id: "731000000001" })]));
    expect(inFolder.map((f) => `${f.status} ${f.address} ${f.message}`)).toEqual([`unknown google_project.team To apply this plan, the deployer needs on ${FOLDER}: resourcemanager.projects.create`]);
    expect(inFolder[0].details?.requiredPermissions).toEqual([{ permission: "resourcemanager.projects.create", on: FOLDER, role: "roles/resourcemanager.projectCreator", because: ["google_project.team"] }]);
    const inOrg = hierarchy(planFindings(RULE, [project({ org_id: ORG })], { live: withHeld({ [`organizations/${ORG}`]: ["resourcemanager.projects.create"] }) }));
    expect(inOrg.map((f) => `${f.status} ${f.address}`)).toEqual(["pass google_project.team"]);
    const denied = hierarchy(planFindings(RULE, [project({ org_id: ORG })], { live: withHeld({ [`organizations/${ORG}`]: [] }) }));
    expect(denied.map((f) => `${f.status} ${f.address}`)).toEqual(["fail google_project.team"]);
    // No parent named: the caller's own organisation (if any) is used, which the plan does not say.
    expect(hierarchy(planFindings(RULE, [project({})]))).toEqual([]);
    // An existing project is not created.
    expect(hierarchy(planFindings(RULE, [{ ...project({ org_id: ORG }), actions: ["no-op"] }]))).toEqual([]);
  });

  test("the suggested folder and organisation roles are the ones whose contents are cited", () => {
    expect(ROLE_FOR_HIERARCHY_PERMISSION).toEqual({
      "resourcemanager.projects.create": "roles/resourcemanager.projectCreator",
      "resourcemanager.folders.getIamPolicy": "roles/resourcemanager.folderIamAdmin",
      "resourcemanager.folders.setIamPolicy": "roles/resourcemanager.folderIamAdmin",
      "resourcemanager.organizations.getIamPolicy": "roles/resourcemanager.organizationAdmin",
      "resourcemanager.organizations.setIamPolicy": "roles/resourcemanager.organizationAdmin",
    });
  });
});
