import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expectContained, expectStrictStop, expectUnknownWithOneLine, hostileRun } from "./hostile-harness";
import { preflight, PLAN } from "./cli-harness";
import { loadFixture } from "./emulator";
import { emulatorOptions, FAKE_TOKEN, runReader, withEmulator } from "./harness";

/**
 * The hostile responses of issue 12, each through the real CLI: the fact it carried becomes
 * `unknown` with one stderr line naming the call, or exit 2 under --live-strict; only reads are
 * ever sent, nothing goes to another host, no token is printed.
 */
const ACCOUNT = "/serviceAccounts/ci-nodes@acme-prod.iam.gserviceaccount.com";
const POLICY = "/v1/projects/acme-prod:getIamPolicy";

describe("hostile responses: unknown and one line, or exit 2 with --live-strict", () => {
  test("an HTML page from serviceAccounts.get (was: pass) is not an account that exists", async () => {
    const fault = { path: ACCOUNT, method: "GET", body: "<!doctype html><title>Sign in</title>", contentType: "text/html; charset=utf-8" };
    const run = await hostileRun([fault]);
    expectContained(run);
    expectUnknownWithOneLine(run, "iam.projects.serviceAccounts.get", ["GKE006"], /could not read ci-nodes@acme-prod\.iam\.gserviceaccount\.com: iam\.projects\.serviceAccounts\.get: the answer is text\/html, not JSON; not used$/);
    const strict = await hostileRun([fault], { args: ["--live-strict"] });
    expectContained(strict);
    expectStrictStop(strict, "iam.projects.serviceAccounts.get");
  });

  test("malformed JSON from getIamPolicy (was: GKE002 fail) is not an empty policy", async () => {
    const fault = { path: POLICY, body: '{"version": 3, "bindings": [{"role": "roles/container.serviceAgent", "members": [', contentType: "application/json" };
    const run = await hostileRun([fault]);
    expectContained(run);
    expectUnknownWithOneLine(run, "cloudresourcemanager.projects.getIamPolicy", ["GKE002"], /could not read IAM policy of acme-prod: .*the answer is not valid JSON; not used$/);
    expectStrictStop(await hostileRun([fault], { env: { PREFLIGHT_LIVE_STRICT: "1" } }), "cloudresourcemanager.projects.getIamPolicy");
  });

  test("an empty object from getIamPolicy (no etag: not a policy Google sends) is not an empty policy either", async () => {
    const run = await hostileRun([{ path: POLICY, body: "{}", contentType: "application/json" }]);
    expectContained(run);
    expectUnknownWithOneLine(run, "cloudresourcemanager.projects.getIamPolicy", ["GKE002"], /etag: missing/);
  });

  test("a 307 from getIamPolicy to setIamPolicy: no write is sent", async () => {
    const fault = { path: POLICY, status: 307, redirectTo: "{emulator}/v1/projects/acme-prod:setIamPolicy" };
    const run = await hostileRun([fault]);
    expectContained(run);
    expect(run.requests.filter((request) => request.path.includes("setIamPolicy"))).toEqual([]);
    expectUnknownWithOneLine(run, "cloudresourcemanager.projects.getIamPolicy", ["GKE002"], /answered HTTP 307, a redirect, which --live does not follow$/);
    expectStrictStop(await hostileRun([fault], { args: ["--live-strict"] }), "cloudresourcemanager.projects.getIamPolicy");
  });

  test("a 302 to another host: the bearer token does not follow", async () => {
    const run = await hostileRun([(other) => ({ path: ACCOUNT, method: "GET", status: 302, redirectTo: `${other}/steal` })]);
    expectContained(run); // asserts the other host received nothing
    expectUnknownWithOneLine(run, "iam.projects.serviceAccounts.get", ["GKE006"], /answered HTTP 302, a redirect/);
  });

  test("a deny-policy list dripping one byte every 25 ms is cut off by the deadline (gax client)", async () => {
    const run = await hostileRun([{ path: "/denypolicies", drip: { everyMs: 25 } }], { env: { PREFLIGHT_LIVE_TIMEOUT_MS: "15000" } });
    expectContained(run);
    expectUnknownWithOneLine(run, "iam.policies.listPolicies", ["GKE002"], /iam\.policies\.listPolicies: no complete answer within 15000 ms$/);
  });

  test("a huge answer is refused past PREFLIGHT_LIVE_MAX_RESPONSE_BYTES, declared or not", async () => {
    for (const declareLength of [true, false]) {
      const run = await hostileRun([{ path: "/services", huge: { bytes: 3_000_000, declareLength } }], { env: { PREFLIGHT_LIVE_MAX_RESPONSE_BYTES: "65536" } });
      expectContained(run);
      expectUnknownWithOneLine(run, "serviceusage.services.list", ["GKE003"], /serviceusage\.services\.list: the answer is larger than 65536 bytes$/);
    }
  });

  test("a list of permissions sent as one string is a wrong shape, not 'holds nothing'", async () => {
    const run = await hostileRun([{ path: "/v1/projects/acme-prod:testIamPermissions", rewrite: () => ({ permissions: "container.clusters.create" }) }]);
    expectContained(run);
    expectUnknownWithOneLine(run, "cloudresourcemanager.projects.testIamPermissions", [], /the answer does not have the expected shape \(permissions: expected a list\); not used$/);
    const deployer = run.findings.filter((finding) => finding.ruleId === "GKE009" && /container\.clusters\.create/.test(finding.message));
    expect(deployer.map((finding) => finding.status)).toEqual(["unknown"]);
  });

  test("a 429 asking to come back in an hour is not retried and says so", async () => {
    const run = await hostileRun([{ path: "/services", status: 429, headers: { "retry-after": "3600" } }]);
    expectContained(run);
    expect(run.requests.filter((request) => request.path.endsWith("/services"))).toHaveLength(1);
    expectUnknownWithOneLine(run, "serviceusage.services.list", ["GKE003"], /HTTP 429: injected fault \(asked to retry after 3600 s, longer than the 8000 ms --live waits\)$/);
  });

  test("a JWT echoed in an error message is redacted", async () => {
    const jwt = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJjaUBhY21lIn0.bm90LWEtcmVhbC1zaWduYXR1cmU";
    const body = JSON.stringify({ error: { code: 400, message: `subject token ${jwt} rejected; Authorization: Bearer ${FAKE_TOKEN}`, status: "INVALID_ARGUMENT" } });
    const run = await hostileRun([{ path: "/services", status: 400, body }]);
    expectContained(run);
    expect(run.stderr + run.stdout).not.toContain(jwt);
    expectUnknownWithOneLine(run, "serviceusage.services.list", ["GKE003"], /HTTP 400: subject token \[redacted\] rejected; Authorization: Bearer \[redacted\]$/);
  });

  test("a token echoed inside facts (a member, a condition title) never reaches the rules: facts are redacted by value and shape", async () => {
    await withEmulator(loadFixture("healthy"), async (emulator) => {
      emulator.inject({
        path: "/v1/projects/shop-prod:getIamPolicy",
        rewrite: (policy) => {
          const copy = policy as { bindings: Array<Record<string, unknown>> };
          copy.bindings.push({ role: "roles/viewer", members: [`user:${FAKE_TOKEN}@example.com`], condition: { title: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXZhbHVl", expression: "true" } });
          return copy;
        },
      });
      const request = { projects: ["shop-prod"], serviceAccounts: [], roles: [], callerPermissions: {}, actAsChecks: [] };
      const { facts } = await runReader(request, emulatorOptions(emulator));
      const text = JSON.stringify(facts);
      expect(text).toContain('"members":["user:[redacted]@example.com"]');
      expect(text).toContain('"title":"[redacted]"');
      expect(text).not.toContain(FAKE_TOKEN);
      expect(text).not.toMatch(/eyJ[\w-]{8,}\./);
    });
  });
});

describe("--live-strict", () => {
  test("every read refused: without it exit 0 and only unknowns; with it exit 2 and one line", async () => {
    const fixture = {
      ...loadFixture("acme-good"),
      callerCannot: ["resourcemanager.projects.get", "iam.serviceAccounts.get"],
    };
    await withEmulator(fixture, async (emulator) => {
      const args = [PLAN, "--format", "json", "--live", "--api-endpoint", emulator.url];
      const env = { GOOGLE_OAUTH_ACCESS_TOKEN: FAKE_TOKEN };
      const lenient = await preflight(args, env);
      expect(lenient.code).toBe(0);
      expect(lenient.findings.filter((finding) => ["GKE001", "GKE002", "GKE003", "GKE006"].includes(finding.ruleId)).every((finding) => finding.status === "unknown")).toBe(true);
      const strict = await preflight([...args, "--live-strict"], env);
      expect(strict.code).toBe(2);
      expect(strict.stdout).toBe("");
      expect(strict.stderr).toMatch(/^preflight: --live-strict: \d+ live facts could not be read: project acme-prod: the caller lacks resourcemanager\.projects\.get \(and \d+ more; without --live-strict each reason is listed\)\n$/);
      expect(strict.stderr).not.toContain(FAKE_TOKEN);
    });
  });

  test("everything read: --live-strict changes nothing", async () => {
    await withEmulator(loadFixture("acme-good"), async (emulator) => {
      const args = [PLAN, "--format", "json", "--api-endpoint", emulator.url];
      const env = { GOOGLE_OAUTH_ACCESS_TOKEN: FAKE_TOKEN };
      const live = await preflight([...args, "--live"], env);
      const strict = await preflight([...args, "--live-strict"], env);
      expect(strict.code).toBe(live.code);
      expect(strict.findings).toEqual(live.findings);
      expect(strict.stderr).toBe("");
    });
  });

  test("facts left unread by the limits are unread facts too", async () => {
    const accounts = ["ci-nodes", "other-nodes"];
    const stack = join(mkdtempSync(join(tmpdir(), "preflight-strict-")), "cdk.tf.json");
    const clusters = Object.fromEntries(accounts.map((name) => [name, { name, location: "europe-west1", project: "acme-prod", node_config: { service_account: `${name}@acme-prod.iam.gserviceaccount.com` } }]));
    writeFileSync(stack, JSON.stringify({ resource: { google_container_cluster: clusters } }));
    await withEmulator(loadFixture("acme-good"), async (emulator) => {
      const args = [stack, "--format", "json", "--api-endpoint", emulator.url];
      const env = { GOOGLE_OAUTH_ACCESS_TOKEN: FAKE_TOKEN, PREFLIGHT_LIVE_MAX_ACCOUNTS: "1" };
      const lenient = await preflight([...args, "--live"], env);
      expect(lenient.stderr).toMatch(/reading 1 of 1 projects and 1 of 2 service accounts/);
      const before = emulator.requests.length;
      const strict = await preflight([...args, "--live-strict"], env);
      expect(strict.code).toBe(2);
      expect(strict.stderr).toMatch(/^preflight: --live-strict: not everything can be read: reading 1 of 1 projects and 1 of 2 service accounts .*\n$/);
      expect(emulator.requests.length).toBe(before); // it stops before reading anything
    });
  });

  test("PREFLIGHT_LIVE_STRICT without --live does not turn live mode on", async () => {
    const run = await preflight([PLAN, "--format", "json"], { PREFLIGHT_LIVE_STRICT: "1", PREFLIGHT_API_ENDPOINT: "http://127.0.0.1:9" });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
  });
});
