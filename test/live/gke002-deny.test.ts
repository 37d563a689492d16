import { spawn } from "node:child_process";
import { join } from "node:path";
import { matchAllowedMethod } from "../../src/live/allowlist";
import { loadFixture, type Fixture } from "./emulator";
import { FAKE_TOKEN, withEmulator } from "./harness";

/**
 * GKE002 against IAM deny policies, end to end: the built CLI (npm test builds dist first) reads
 * the emulator's organisation deny policies through @google-cloud/iam (REST mode) and the role's
 * permissions through the IAM v1 client, and decides whether a deny rule takes a permission of
 * roles/container.serviceAgent from the GKE service agent.
 */
const CLI = join(__dirname, "..", "..", "dist", "cli", "main.js");
const PLAN = join(__dirname, "..", "..", "examples", "plans", "unknown-existing-account.plan.json");
const ORG = "555000111222";
const AGENT = "service-402917365511@container-engine-robot.iam.gserviceaccount.com";
const PRINCIPAL = `principal://iam.googleapis.com/projects/-/serviceAccounts/${AGENT}`;
const POLICY = `policies/cloudresourcemanager.googleapis.com%2Forganizations%2F${ORG}/denypolicies/guard-compute`;

interface Finding {
  ruleId: string;
  status: string;
  message: string;
  reason?: string;
  details?: Record<string, unknown>;
  remediation: { summary: string; gcloud: string[] };
}

/** acme-deny (the agent holds its role live) with one more organisation deny rule. */
function withDenyRule(denyRule: Record<string, unknown>, extra: Partial<Fixture> = {}): Fixture {
  const fixture = loadFixture("acme-deny");
  fixture.organizations![ORG]!.denyPolicies!.push({ id: "guard-compute", displayName: "Guard compute", rules: [{ denyRule }] });
  return { ...fixture, ...extra };
}

function preflight(fixture: Fixture): Promise<{ code: number | null; gke002: Finding; methods: string[] }> {
  return withEmulator(fixture, async (emulator) => {
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, PLAN, "--format", "json", "--include-pass", "--live", "--api-endpoint", emulator.url], {
        env: { PATH: process.env.PATH ?? "", HOME: "/nonexistent", GOOGLE_APPLICATION_CREDENTIALS: "/nonexistent/adc.json", GOOGLE_OAUTH_ACCESS_TOKEN: FAKE_TOKEN },
      });
      let out = "";
      let err = "";
      child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
      child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString("utf8")));
      child.on("error", reject);
      child.on("close", (exit) => resolve({ code: exit, stdout: out, stderr: err }));
    });
    expect(stdout + stderr).not.toContain(FAKE_TOKEN);
    for (const request of emulator.requests) {
      expect(request.authorized).toBe(true);
      expect(matchAllowedMethod(request.method, `http://127.0.0.1${request.url}`)).toBeDefined();
    }
    const findings = (JSON.parse(stdout) as { findings: Finding[] }).findings.filter((finding) => finding.ruleId === "GKE002");
    expect(findings).toHaveLength(1);
    return { code, gke002: findings[0]!, methods: emulator.methodsCalled() };
  });
}

describe("preflight --live: GKE002 and IAM deny policies", () => {
  test("fail: an organisation deny rule takes compute.networks.get (a permission of the role, read live) from the agent", async () => {
    const { code, gke002, methods } = await preflight(withDenyRule({ deniedPrincipals: [PRINCIPAL], deniedPermissions: ["compute.googleapis.com/networks.get", "storage.googleapis.com/buckets.delete"] }));
    expect(code).toBe(1);
    expect(gke002.status).toBe("fail");
    expect(gke002.message).toBe(
      `The IAM deny policy ${POLICY} denies the GKE service agent ${AGENT} 1 permission of roles/container.serviceAgent on acme-prod (compute.networks.get), so GKE cannot manage the cluster's resources with them`,
    );
    expect(gke002.details).toMatchObject({ deniedPermissions: ["compute.networks.get"], deniedCount: 1, rolePermissionsFrom: "roles.get (live)" });
    expect(gke002.remediation.gcloud[0]).toBe(`gcloud iam policies list --attachment-point=cloudresourcemanager.googleapis.com/organizations/${ORG} --kind=denypolicies`);
    // Read, not assumed: the role's permissions and the deny policies came from the emulator.
    expect(methods).toEqual(expect.arrayContaining(["iam.roles.get", "iam.policies.listPolicies", "iam.policies.getPolicy"]));
  });

  test("unknown: the matching deny rule applies only under a condition, which the message names", async () => {
    const condition = "resource.matchTag('555000111222/env', 'prod')";
    const { gke002 } = await preflight(withDenyRule({ deniedPrincipals: ["principalSet://goog/public:all"], deniedPermissions: ["container.googleapis.com/clusters.get"], denialCondition: { title: "prod only", expression: condition } }));
    expect(gke002.status).toBe("unknown");
    expect(gke002.reason).toBe(`the deny policy ${POLICY} denies container.clusters.get under a condition (${condition})`);
  });

  test("pass: a rule that denies everyone excepts the agent", async () => {
    const { gke002 } = await preflight(withDenyRule({ deniedPrincipals: ["principalSet://goog/public:all"], exceptionPrincipals: [PRINCIPAL], deniedPermissions: ["compute.googleapis.com/*"] }));
    expect(gke002.status).toBe("pass");
    expect(gke002.message).toMatch(/holds roles\/container\.serviceAgent \(the live IAM policy\)/);
  });

  test("the same rule without the exception fails, on every compute permission of the role", async () => {
    const { gke002 } = await preflight(withDenyRule({ deniedPrincipals: ["principalSet://goog/public:all"], deniedPermissions: ["compute.googleapis.com/*"] }));
    expect(gke002.status).toBe("fail");
    expect(gke002.message).toContain("4 permissions of roles/container.serviceAgent on acme-prod (compute.instanceGroupManagers.create, compute.instances.create, compute.networks.get and 1 more)");
  });

  test("unknown: the caller cannot read deny policies, so the live binding alone no longer passes", async () => {
    const { gke002 } = await preflight({ ...loadFixture("acme-deny"), callerCannot: ["iam.denypolicies.list"] });
    expect(gke002.status).toBe("unknown");
    expect(gke002.reason).toMatch(/^the IAM deny policies of acme-prod could not be read/);
  });
});
