import { AGENT, PROJECT, PROJECT_NUMBER, scenarios } from "../support/scenarios";
import { checkPlan, statuses } from "../support/tf-json";
import type { LiveDenyRule, LiveFacts } from "../../src/live/facts";
import { permissionsOfRole } from "../../src/knowledge/roles";

/**
 * GKE002 with IAM deny policies read live: a deny rule that takes a permission of
 * roles/container.serviceAgent from the GKE service agent fails even where the role is held.
 */
const ROLE = "roles/container.serviceAgent";
const PRINCIPAL = `principal://iam.googleapis.com/projects/-/serviceAccounts/${AGENT}`;
const POLICY = "policies/cloudresourcemanager.googleapis.com%2Forganizations%2F42/denypolicies/no-compute";
const plan = scenarios["unknown-existing-account"]();

function live(denyRules: LiveDenyRule[] | { error: string; missingPermission?: string }, extra: { roles?: LiveFacts["roles"]; agentBound?: boolean } = {}): LiveFacts {
  const bound = extra.agentBound ?? true;
  return {
    projects: {
      [PROJECT]: {
        projectId: PROJECT,
        projectNumber: PROJECT_NUMBER,
        iamPolicy: [{ role: ROLE, members: bound ? [`serviceAccount:${AGENT}`] : [] }],
        ancestorPolicies: {},
        denyRules,
      },
    },
    serviceAccounts: {},
    roles: extra.roles ?? { [ROLE]: ["compute.instances.create", "compute.networks.get", "compute.subnetworks.use", "container.clusters.get"] },
  };
}

const rule = (extra: Partial<LiveDenyRule> = {}): LiveDenyRule => ({
  policy: POLICY,
  attachedTo: "organizations/42",
  deniedPrincipals: [PRINCIPAL],
  exceptionPrincipals: [],
  deniedPermissions: ["compute.googleapis.com/networks.get"],
  exceptionPermissions: [],
  ...extra,
});

const gke002 = (facts: LiveFacts) => {
  const found = checkPlan(plan, { live: facts }).filter((f) => f.ruleId === "GKE002");
  expect(found).toHaveLength(1);
  return found[0];
};

describe("GKE002 with deny policies read live", () => {
  test("without a deny rule on the agent the live binding passes, as before", () => {
    expect(gke002(live([])).status).toBe("pass");
    expect(gke002(live([rule({ deniedPrincipals: ["principal://iam.googleapis.com/projects/-/serviceAccounts/other@acme-prod.iam.gserviceaccount.com"] })])).status).toBe("pass");
  });

  test("fail: a deny rule takes a permission of the role from the agent, though the role is held", () => {
    const f = gke002(live([rule()]));
    expect(f.status).toBe("fail");
    expect(f.address).toBe("google_container_cluster.primary");
    expect(f.message).toBe(
      `The IAM deny policy ${POLICY} denies the GKE service agent ${AGENT} 1 permission of ${ROLE} on ${PROJECT} (compute.networks.get), so GKE cannot manage the cluster's resources with them`,
    );
    expect(f.details).toMatchObject({ denyPolicies: [POLICY], deniedPermissions: ["compute.networks.get"], deniedCount: 1, rolePermissionsFrom: "roles.get (live)" });
    expect(f.remediation.summary).toMatch(/exceptionPrincipals/);
    expect(f.remediation.gcloud[0]).toBe("gcloud iam policies list --attachment-point=cloudresourcemanager.googleapis.com/organizations/42 --kind=denypolicies");
    expect(f.remediation.gcloud.join("\n")).toContain("gcloud iam policies get no-compute ");
    expect(f.remediation.hcl).toContain(`exception_principals = ["${PRINCIPAL}"]`);
    expect(f.remediation.cdktf).toContain(`exceptionPrincipals: ["${PRINCIPAL}"]`);
  });

  test("principalSet://goog/public:all covers the agent; a wildcard names the first few permissions and how many", () => {
    const f = gke002(live([rule({ deniedPrincipals: ["principalSet://goog/public:all"], deniedPermissions: ["compute.googleapis.com/*"] })]));
    expect(f.status).toBe("fail");
    expect(f.message).toContain("3 permissions of roles/container.serviceAgent");
    expect(f.message).toContain("(compute.instances.create, compute.networks.get, compute.subnetworks.use)");
    const four = gke002(live([rule({ deniedPrincipals: ["principalSet://goog/public:all"], deniedPermissions: ["compute.googleapis.com/*", "container.googleapis.com/clusters.get"] })]));
    expect(four.message).toContain("4 permissions");
    expect(four.message).toContain("compute.subnetworks.use and 1 more)");
  });

  test("pass: the agent is an exception principal, or the permission an exception permission", () => {
    expect(gke002(live([rule({ deniedPrincipals: ["principalSet://goog/public:all"], exceptionPrincipals: [PRINCIPAL] })])).status).toBe("pass");
    expect(gke002(live([rule({ deniedPermissions: ["compute.googleapis.com/*"], exceptionPermissions: ["compute.googleapis.com/networks.get", "compute.googleapis.com/instances.create", "compute.googleapis.com/subnetworks.use"] })])).status).toBe("pass");
  });

  test("a permission outside the role is not a failure of this rule", () => {
    expect(gke002(live([rule({ deniedPermissions: ["storage.googleapis.com/buckets.delete"] })])).status).toBe("pass");
  });

  test("unknown: a conditional deny rule that matches, with its condition", () => {
    const f = gke002(live([rule({ condition: { expression: "resource.matchTag('acme/env', 'prod')" } })]));
    expect(f.status).toBe("unknown");
    expect(f.reason).toBe(`the deny policy ${POLICY} denies compute.networks.get under a condition (resource.matchTag('acme/env', 'prod'))`);
    expect(f.details).toMatchObject({ undeterminedPermissions: ["compute.networks.get"], undeterminedCount: 1 });
  });

  test("an unconditional rule wins over a conditional one", () => {
    const f = gke002(live([rule({ condition: { expression: "resource.matchTag('acme/env', 'prod')" } }), rule({ deniedPermissions: ["container.googleapis.com/clusters.get"] })]));
    expect(f.status).toBe("fail");
    expect(f.details?.deniedPermissions).toEqual(["container.clusters.get"]);
  });

  test("unreadable deny policies turn a pass into unknown, and leave a fail a fail", () => {
    const unreadable = { error: "iam.policies.listPolicies: HTTP 403", missingPermission: "iam.denypolicies.list" };
    const f = gke002(live(unreadable));
    expect(f.status).toBe("unknown");
    expect(f.reason).toMatch(/^the IAM deny policies of acme-prod could not be read/);
    expect(gke002(live(unreadable, { agentBound: false })).status).toBe("fail");
  });

  test("a deny rule fails even where the role binding is missing: the role's own failure is reported first", () => {
    const f = gke002(live([rule()], { agentBound: false }));
    expect(f.status).toBe("fail");
    expect(f.message).toMatch(/does not hold roles\/container\.serviceAgent/);
  });

  test("the role's permissions come from the bundled table when roles.get failed", () => {
    const bundled = permissionsOfRole(ROLE)!;
    expect(bundled).toContain("compute.networks.get");
    const f = gke002(live([rule()], { roles: { [ROLE]: { error: "HTTP 403" } } }));
    expect(f.status).toBe("fail");
    expect(f.details?.rolePermissionsFrom).toMatch(/^bundled role table/);
  });

  test("with only the bundled subset, a deny rule outside the prefixes it covers leaves it unknown; inside them, the table decides", () => {
    const failed = { roles: { [ROLE]: { error: "HTTP 403" } } };
    // compute.firewalls.* is not transcribed in the bundled subset: the role may hold it.
    const outside = gke002(live([rule({ deniedPermissions: ["compute.googleapis.com/firewalls.create"] })], failed));
    expect(outside.status).toBe("unknown");
    expect(outside.reason).toBe(`the deny policy ${POLICY} denies compute.firewalls.create, which may be one of the permissions needed: the list of them is incomplete`);
    // compute.networks.* is transcribed whole: a permission not in it is not in the role.
    expect(gke002(live([rule({ deniedPermissions: ["compute.googleapis.com/networks.fakeVerb"] })], failed)).status).toBe("pass");
    // Read live, the role's own list decides: firewalls.create is not in this (emulated) role.
    expect(gke002(live([rule({ deniedPermissions: ["compute.googleapis.com/firewalls.create"] })])).status).toBe("pass");
  });

  test("offline nothing changes: the scenario stays unknown", () => {
    expect(statuses(checkPlan(plan), "GKE002")).toEqual(["unknown google_container_cluster.primary"]);
  });
});
