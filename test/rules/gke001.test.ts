import { IamIndex } from "../../src/facts/iam/index-grants";
import { modelFromTerraformJson } from "../../src/inputs/terraform-json";
import { buildPlan, computed, ref } from "../support/plan-builder";
import { apis, cluster, grant, nodeAccount, nodePool, PROJECT, projectData, agentGrant } from "../support/scenarios";
import { checkPlan, checkTf, statuses, tfJson } from "../support/tf-json";

const sa = { google_service_account: { nodes: { account_id: "gke-nodes" } } };
const gkeCluster = (extra: Record<string, unknown> = {}) => ({
  google_container_cluster: { primary: { name: "primary", location: "europe-west1", initial_node_count: 1, node_config: { service_account: "${google_service_account.nodes.email}" }, ...extra } },
});
const member = (name: string, role: string, extra: Record<string, unknown> = {}) => ({ [name]: { project: "p1", role, member: "serviceAccount:${google_service_account.nodes.email}", ...extra } });

describe("GKE001 on cdk.tf.json", () => {
  test("pass: the minimum role granted to the account created here", () => {
    const f = checkTf(tfJson({ ...sa, ...gkeCluster(), google_project_iam_member: member("m", "roles/container.defaultNodeServiceAccount") }, { project: "p1" }));
    expect(statuses(f, "GKE001")).toEqual(["pass google_container_cluster.primary"]);
  });

  test("fail: the account is created here and nothing grants it anything", () => {
    const f = checkTf(tfJson({ ...sa, ...gkeCluster() }, { project: "p1" }));
    const [finding] = f.filter((x) => x.ruleId === "GKE001");
    expect(finding.status).toBe("fail");
    expect(finding.constructPath).toBe("stack/primary");
    expect(finding.message).toContain("gke-nodes@p1.iam.gserviceaccount.com");
    expect(finding.remediation.cdktf).toContain("member: `serviceAccount:${nodes.email}`");
    expect(finding.remediation.hcl).toContain('"serviceAccount:${google_service_account.nodes.email}"');
  });

  test("fail: a custom role defined here that lacks permissions", () => {
    const f = checkTf(tfJson({
      ...sa, ...gkeCluster(),
      google_project_iam_custom_role: { nodes: { project: "p1", role_id: "gkeNodes", title: "x", permissions: ["logging.logEntries.create", "monitoring.timeSeries.create"] } },
      google_project_iam_member: member("m", "${google_project_iam_custom_role.nodes.name}"),
    }, { project: "p1" }));
    const [finding] = f.filter((x) => x.ruleId === "GKE001");
    expect(finding.status).toBe("fail");
    expect(finding.details?.missingPermissions).toHaveLength(4);
  });

  test("pass: a custom role with every permission", () => {
    const f = checkTf(tfJson({
      ...sa, ...gkeCluster(),
      google_project_iam_custom_role: { nodes: { project: "p1", role_id: "gkeNodes", title: "x", permissions: ["autoscaling.sites.writeMetrics", "logging.logEntries.create", "monitoring.metricDescriptors.create", "monitoring.metricDescriptors.list", "monitoring.timeSeries.create", "monitoring.timeSeries.list"] } },
      google_project_iam_member: member("m", "${google_project_iam_custom_role.nodes.id}"),
    }, { project: "p1" }));
    expect(statuses(f, "GKE001")).toEqual(["pass google_container_cluster.primary"]);
  });

  test("unknown: the only grant is conditional", () => {
    const f = checkTf(tfJson({ ...sa, ...gkeCluster(), google_project_iam_member: member("m", "roles/container.defaultNodeServiceAccount", { condition: { title: "until", expression: "request.time < timestamp('2027-01-01T00:00:00Z')" } }) }, { project: "p1" }));
    const [finding] = f.filter((x) => x.ruleId === "GKE001");
    expect(finding.status).toBe("unknown");
    expect(finding.reason).toMatch(/IAM condition/);
  });

  test("unknown: an account that exists outside the configuration", () => {
    const f = checkTf(tfJson({ google_container_cluster: { primary: { name: "primary", location: "europe-west1", node_config: { service_account: "nodes@p1.iam.gserviceaccount.com" } } } }, { project: "p1" }));
    expect(statuses(f, "GKE001")).toEqual(["unknown google_container_cluster.primary"]);
  });

  test("fail: an authoritative binding for the role that does not list the account", () => {
    const f = checkTf(tfJson({
      ...sa, ...gkeCluster(),
      google_project_iam_member: member("m", "roles/container.defaultNodeServiceAccount"),
      google_project_iam_binding: { b: { project: "p1", role: "roles/container.defaultNodeServiceAccount", members: ["serviceAccount:other@p1.iam.gserviceaccount.com"] } },
    }, { project: "p1" }));
    const [finding] = f.filter((x) => x.ruleId === "GKE001");
    expect(finding.status).toBe("fail");
    expect(finding.message).toContain("google_project_iam_binding.b is authoritative");
  });

  test("a whole-project policy from data.google_iam_policy decides", () => {
    const policy = (members: string[]) => tfJson(
      { ...sa, ...gkeCluster(), google_project_iam_policy: { p: { project: "p1", policy_data: "${data.google_iam_policy.admin.policy_data}" } } },
      { project: "p1", data: { google_iam_policy: { admin: { binding: [{ role: "roles/container.defaultNodeServiceAccount", members }] } } } },
    );
    expect(statuses(checkTf(policy(["serviceAccount:${google_service_account.nodes.email}"])), "GKE001")).toEqual(["pass google_container_cluster.primary"]);
    expect(statuses(checkTf(policy(["user:ops@example.com"])), "GKE001")).toEqual(["fail google_container_cluster.primary"]);
  });

  test("Autopilot: the auto-provisioning account is the node account", () => {
    const f = checkTf(tfJson({ ...sa, google_container_cluster: { auto: { name: "auto", location: "europe-west1", enable_autopilot: true, cluster_autoscaling: { auto_provisioning_defaults: { service_account: "${google_service_account.nodes.email}" } } } } }, { project: "p1" }));
    const [finding] = f.filter((x) => x.ruleId === "GKE001");
    expect(finding.status).toBe("fail");
    expect(finding.message).toContain("cluster_autoscaling.auto_provisioning_defaults.service_account");
  });
});

describe("GKE001 on plans", () => {
  test("fail: the plan destroys the only grant", () => {
    const plan = buildPlan({ project: PROJECT, resources: [projectData, ...apis(), nodeAccount, agentGrant, cluster(), nodePool(), grant("nodes_default_node_sa", "roles/container.defaultNodeServiceAccount", "serviceAccount:gke-nodes@acme-prod.iam.gserviceaccount.com", { actions: ["delete"] })] });
    // The account already exists in this plan's state: make it no-op.
    (plan.resource_changes as Array<{ address: string; change: { actions: string[] } }>).find((r) => r.address === "google_service_account.gke_nodes")!.change.actions = ["no-op"];
    const findings = checkPlan(plan).filter((f) => f.ruleId === "GKE001");
    expect(findings.map((f) => f.status)).toEqual(["fail", "fail"]);
    expect(findings[0].message).toContain("the plan destroys google_project_iam_member.nodes_default_node_sa");
  });

  test("unknown: the member of the only grant is computed from something the plan cannot resolve", () => {
    const plan = buildPlan({ project: PROJECT, resources: [projectData, ...apis(), nodeAccount, agentGrant, cluster(), grant("m", "roles/container.defaultNodeServiceAccount", ref("module.iam.member"))] });
    expect(statuses(checkPlan(plan), "GKE001")).toEqual(["unknown google_container_cluster.primary"]);
  });

  test("pass: the node account's email is unknown at plan time but traced through the configuration", () => {
    const plan = buildPlan({ project: PROJECT, resources: [projectData, ...apis(), { ...nodeAccount, values: { ...nodeAccount.values, email: computed } }, grant("m", "roles/container.defaultNodeServiceAccount"), agentGrant, cluster()] });
    expect(statuses(checkPlan(plan), "GKE001")).toEqual(["pass google_container_cluster.primary"]);
  });
});

describe("GKE001 with deny policies read live", () => {
  const base = tfJson({ ...sa, ...gkeCluster(), google_project_iam_member: member("m", "roles/container.defaultNodeServiceAccount") }, { project: "p1" });
  const live = (denyRules: unknown) => ({
    projects: { p1: { projectId: "p1", projectNumber: "42", iamPolicy: [], ancestorPolicies: {}, denyRules } },
    serviceAccounts: {},
    roles: {},
  }) as never;
  const principal = "principal://iam.googleapis.com/projects/-/serviceAccounts/gke-nodes@p1.iam.gserviceaccount.com";
  const rule = (extra: Record<string, unknown> = {}) => ({ policy: "policies/no-logs", deniedPrincipals: [principal], exceptionPrincipals: [], deniedPermissions: ["logging.googleapis.com/logEntries.create"], exceptionPermissions: [], ...extra });

  test("a deny rule on one of the permissions fails even though the role is granted", () => {
    const [f] = checkTf(base, { live: live([rule()]) }).filter((x) => x.ruleId === "GKE001");
    expect(f.status).toBe("fail");
    expect(f.details?.deniedPermissions).toEqual(["logging.logEntries.create"]);
    expect(f.details?.missingPermissions).toEqual([]);
  });

  test("denied but granted: the message names the deny policy, not a missing grant, and the fix is the deny rule's", () => {
    const [f] = checkTf(base, { live: live([rule({ attachedTo: "organizations/9" })]) }).filter((x) => x.ruleId === "GKE001");
    expect(f.message).toContain("the IAM deny policy policies/no-logs (attached to organizations/9) denies it one of them: logging.logEntries.create");
    expect(f.message).toContain("is granted every permission of roles/container.defaultNodeServiceAccount");
    expect(f.message).not.toMatch(/lacks/);
    expect(f.details?.denyPolicies).toEqual(["policies/no-logs"]);
    const fix = f.remediation!;
    expect(fix.summary).toMatch(/exceptionPrincipals \(principal:\/\/iam\.googleapis\.com\/projects\/-\/serviceAccounts\/gke-nodes@p1\.iam\.gserviceaccount\.com\)/);
    expect(fix.summary).not.toMatch(/Grant roles\/container\.defaultNodeServiceAccount/);
    expect(fix.gcloud.join("\n")).toContain("gcloud iam policies get no-logs --attachment-point=cloudresourcemanager.googleapis.com/organizations/9 --kind=denypolicies");
    expect(fix.gcloud.join("\n")).not.toContain("add-iam-policy-binding");
    expect(fix.hcl).toContain("exception_principals");
  });

  test("some permissions missing by grant and another denied: both are said and both fixes given", () => {
    const partial = tfJson({ ...sa, ...gkeCluster(), google_project_iam_member: member("m", "roles/logging.logWriter") }, { project: "p1" });
    const [f] = checkTf(partial, { live: live([rule()]) }).filter((x) => x.ruleId === "GKE001");
    expect(f.status).toBe("fail");
    expect(f.details?.deniedPermissions).toEqual(["logging.logEntries.create"]);
    expect(f.details?.missingPermissions).not.toContain("logging.logEntries.create");
    expect(f.details?.missingPermissions).toContain("monitoring.timeSeries.create");
    expect(f.message).toMatch(/lacks \d of the 6 permissions .*monitoring\.timeSeries\.create.*; and the IAM deny policy policies\/no-logs denies it logging\.logEntries\.create$/);
    const gcloud = f.remediation!.gcloud.join("\n");
    expect(gcloud).toContain("add-iam-policy-binding");
    expect(gcloud).toContain('--role="roles/container.defaultNodeServiceAccount"');
    expect(gcloud).toContain("gcloud iam policies update no-logs");
    expect(f.remediation!.summary).toMatch(/^Grant roles\/container\.defaultNodeServiceAccount .* In the deny rule that matches/);
  });

  test("a denied permission that no role gives either counts as missing by grant too", () => {
    const nothing = tfJson({ ...sa, ...gkeCluster() }, { project: "p1" });
    const [f] = checkTf(nothing, { live: live([rule()]) }).filter((x) => x.ruleId === "GKE001");
    expect(f.status).toBe("fail");
    expect(f.details?.deniedPermissions).toEqual(["logging.logEntries.create"]);
    expect(f.details?.missingPermissions).toHaveLength(6);
    expect(f.message).toContain("lacks 6 of the 6 permissions");
    expect(f.remediation!.gcloud.join("\n")).toContain("add-iam-policy-binding");
    expect(f.remediation!.gcloud.join("\n")).toContain("gcloud iam policies get no-logs");
  });

  test("unreadable deny policies, or a conditional deny rule, leave it unknown", () => {
    const [unreadable] = checkTf(base, { live: live({ error: "403 permission denied", missingPermission: "iam.denypolicies.list" }) }).filter((x) => x.ruleId === "GKE001");
    expect(unreadable.status).toBe("unknown");
    expect(unreadable.reason).toMatch(/deny policies of p1 could not be read/);
    const [conditional] = checkTf(base, { live: live([rule({ condition: { expression: "resource.matchTag('env', 'prod')" } })]) }).filter((x) => x.ruleId === "GKE001");
    expect(conditional.status).toBe("unknown");
  });

  test("unreadable deny policies do not hide a permission no role gives: still a fail", () => {
    const withoutGrant = tfJson({ ...sa, ...gkeCluster(), google_project_iam_member: member("m", "roles/logging.logWriter") }, { project: "p1" });
    const [f] = checkTf(withoutGrant, { live: live({ error: "403 permission denied", missingPermission: "iam.denypolicies.list" }) }).filter((x) => x.ruleId === "GKE001");
    expect(f.status).toBe("fail");
    expect(f.details?.missingPermissions).toContain("monitoring.timeSeries.create");
    expect(f.details?.missingPermissions).not.toContain("logging.logEntries.create");
  });

  test("a live policy stored under the project's id and its number counts once", () => {
    const binding = { role: "roles/container.defaultNodeServiceAccount", members: ["serviceAccount:gke-nodes@p1.iam.gserviceaccount.com"] };
    const entry = { projectId: "p1", projectNumber: "42", iamPolicy: [binding], ancestorPolicies: {}, denyRules: [] };
    const facts = { projects: { p1: entry, "42": entry }, serviceAccounts: {}, roles: {} } as never;
    const iam = new IamIndex(modelFromTerraformJson(tfJson({ ...sa, ...gkeCluster() }, { project: "p1" }) as never, { file: "cdk.tf.json" }), facts);
    const identity = iam.identities.member("serviceAccount:gke-nodes@p1.iam.gserviceaccount.com");
    const answer = iam.holdsRole(identity, "p1", "roles/container.defaultNodeServiceAccount");
    expect(answer.holds === "yes" && answer.via.length).toBe(1);
  });

  test("no matching deny rule: pass", () => {
    expect(statuses(checkTf(base, { live: live([rule({ deniedPrincipals: ["principal://iam.googleapis.com/projects/-/serviceAccounts/other@p1.iam.gserviceaccount.com"] })]) }), "GKE001")).toEqual(["pass google_container_cluster.primary"]);
  });
});
