import { OAuth2Client } from "google-auth-library";
import { RefusedRequestError } from "../../src/live/allowlist";
import { createClients } from "../../src/live/clients";
import { serviceEndpoint, EndpointError } from "../../src/live/endpoint";
import { isLiveError } from "../../src/live/facts";
import { redact } from "../../src/live/redact";
import type { LiveRequest } from "../../src/live/request-types";
import { ALLOWED_METHODS } from "../../src/live/allowlist";
import { DEFAULT_LIMITS, guardedTransport } from "../../src/live/transport";
import { loadFixture, UNTIL_STOPPED } from "./emulator";
import { emulatorOptions, FAKE_TOKEN, runReader, TIMEOUT_TEST_MS, withEmulator } from "./harness";

const REQUEST: LiveRequest = {
  projects: ["shop-dev"],
  serviceAccounts: ["gke-nodes@shop-dev.iam.gserviceaccount.com"],
  roles: ["roles/logging.logWriter", "organizations/999999999999/roles/orgNodeRole"],
  callerPermissions: { "shop-dev": ["container.clusters.create"] },
  actAsChecks: ["gke-nodes@shop-dev.iam.gserviceaccount.com"],
  artifactRepositories: ["projects/shop-dev/locations/europe-west1/repositories/images"],
};

const REPOSITORY = "projects/shop-prod/locations/europe-west1/repositories/images";

function guardedClients(url: string) {
  const credentials = new OAuth2Client();
  credentials.setCredentials({ access_token: FAKE_TOKEN });
  const origin = new URL(url).origin;
  return createClients(guardedTransport(credentials, { allowlist: ALLOWED_METHODS, limits: { ...DEFAULT_LIMITS, retries: 0 }, originOf: () => origin, secrets: [FAKE_TOKEN] }), url);
}

describe("the transport refuses every method that is not an allowlisted read", () => {
  test("writes through the real clients are refused before anything reaches the network", async () => {
    await withEmulator(loadFixture("healthy"), async (emulator) => {
      const clients = guardedClients(emulator.url);
      const attempts: Array<[string, () => Promise<unknown>]> = [
        ["projects.setIamPolicy", () => clients.crmV1().projects.setIamPolicy({ resource: "shop-prod", requestBody: { policy: { bindings: [] } } })],
        ["folders.setIamPolicy", () => clients.crmV3().folders.setIamPolicy({ resource: "folders/111111111111", requestBody: {} })],
        ["projects.delete", () => clients.crmV3().projects.delete({ name: "projects/shop-prod" })],
        ["services.enable", () => clients.serviceUsage().services.enable({ name: "projects/123456789012/services/container.googleapis.com" })],
        ["serviceAccounts.create", () => clients.iamV1().projects.serviceAccounts.create({ name: "projects/shop-prod", requestBody: { accountId: "x" } })],
        ["serviceAccounts.disable", () => clients.iamV1().projects.serviceAccounts.disable({ name: "projects/-/serviceAccounts/gke-nodes@shop-prod.iam.gserviceaccount.com" })],
        ["roles.patch", () => clients.iamV1().projects.roles.patch({ name: "projects/shop-prod/roles/gkeNodeExtra", requestBody: {} })],
        ["projects.list (a read, but not ours)", () => clients.crmV3().projects.list({ parent: "folders/111111111111" })],
        [
          "deny policy create (gax)",
          () =>
            clients.denyPolicies().createPolicy({
              parent: `policies/${encodeURIComponent("cloudresourcemanager.googleapis.com/projects/shop-prod")}/denypolicies`,
              policyId: "x",
              policy: { rules: [] },
            }),
        ],
        [
          "deny policy delete (gax)",
          () => clients.denyPolicies().deletePolicy({ name: `policies/${encodeURIComponent("cloudresourcemanager.googleapis.com/projects/shop-prod")}/denypolicies/no-sa-keys` }),
        ],
        ["repository setIamPolicy (gax)", () => clients.artifactRegistry().setIamPolicy({ resource: REPOSITORY, policy: { bindings: [] } })],
        ["repository create (gax)", () => clients.artifactRegistry().createRepository({ parent: "projects/shop-prod/locations/europe-west1", repositoryId: "x", repository: {} })],
        ["repository delete (gax)", () => clients.artifactRegistry().deleteRepository({ name: REPOSITORY })],
        ["repository testIamPermissions (a read, but not ours)", () => clients.artifactRegistry().testIamPermissions({ resource: REPOSITORY, permissions: ["artifactregistry.repositories.downloadArtifacts"] })],
      ];
      for (const [name, attempt] of attempts) {
        const outcome = await attempt().then(
          () => "succeeded",
          (error: unknown) => String((error as Error)?.message ?? error),
        );
        expect({ name, outcome }).toEqual({ name, outcome: expect.stringMatching(/^refused (GET|POST|PATCH|DELETE) .*not on the read-only allowlist/) });
      }
      expect(emulator.requests).toEqual([]);
    });
  });

  test("RefusedRequestError names the method and path but not the query", () => {
    const error = new RefusedRequestError("POST", "/v1/projects/p:setIamPolicy");
    expect(error.message).toBe("refused POST /v1/projects/p:setIamPolicy: not on the read-only allowlist of --live");
  });
});

describe("no token in any output", () => {
  test("across successes and every kind of failure, the token is only ever sent as the Authorization header", async () => {
    const fixture = { ...loadFixture("broken"), callerCannot: ["resourcemanager.projects.getIamPolicy", "iam.roles.get"] };
    await withEmulator(fixture, async (emulator) => {
      emulator.inject({ path: "/services", status: 500 });
      emulator.inject({ path: "/repositories/images:getIamPolicy", status: 503 });
      emulator.inject({ path: ":getAncestry", status: 429, times: 1 });
      emulator.inject({ path: "/serviceAccounts/gke-nodes@shop-dev.iam.gserviceaccount.com", method: "GET", delayMs: UNTIL_STOPPED });
      const run = await runReader(REQUEST, emulatorOptions(emulator, { retries: 1, timeoutMs: TIMEOUT_TEST_MS }));

      // The run did exercise failures, so the check below is not vacuous.
      const dev = run.facts.projects["shop-dev"];
      expect(dev && !isLiveError(dev) && isLiveError(dev.iamPolicy) && isLiveError(dev.enabledServices)).toBe(true);
      expect(isLiveError(run.facts.serviceAccounts["gke-nodes@shop-dev.iam.gserviceaccount.com"])).toBe(true);
      expect(isLiveError(run.facts.artifactRepositories?.["projects/shop-dev/locations/europe-west1/repositories/images"])).toBe(true);

      expect(run.stdout).not.toContain(FAKE_TOKEN);
      expect(run.stderr).not.toContain(FAKE_TOKEN);
      expect(run.stdout).not.toMatch(/ya29\.|Bearer\s+\S/);
      // The emulator saw the token on every request (it was used), but nowhere except that header.
      expect(emulator.requests.length).toBeGreaterThan(5);
      for (const request of emulator.requests) {
        expect(request.authorized).toBe(true);
        expect(JSON.stringify({ url: request.url, headers: request.headers, body: request.body })).not.toContain(FAKE_TOKEN);
      }
    });
  });

  test("an error response that echoes the Authorization header is redacted", async () => {
    await withEmulator(loadFixture("healthy"), async (emulator) => {
      emulator.inject({ path: ":getIamPolicy", status: 400, echoAuthorization: true });
      const run = await runReader({ ...REQUEST, projects: ["shop-prod"], callerPermissions: {} }, emulatorOptions(emulator));
      const prod = run.facts.projects["shop-prod"];
      const policy = prod && !isLiveError(prod) ? prod.iamPolicy : undefined;
      expect(isLiveError(policy) && policy.error).toBe(
        "cloudresourcemanager.projects.getIamPolicy: HTTP 400: injected fault; you sent authorization: Bearer [redacted]",
      );
      expect(run.stdout).not.toContain(FAKE_TOKEN);
    });
  });

  test("the same through a gax client (Artifact Registry), whose error text arrives in the message rather than the data", async () => {
    await withEmulator(loadFixture("healthy"), async (emulator) => {
      emulator.inject({ path: "/repositories/images:getIamPolicy", status: 400, echoAuthorization: true });
      const run = await runReader({ projects: [], serviceAccounts: [], roles: [], callerPermissions: {}, actAsChecks: [], artifactRepositories: [REPOSITORY] }, emulatorOptions(emulator));
      const repository = run.facts.artifactRepositories?.[REPOSITORY];
      expect(isLiveError(repository) && repository.error).toBe(
        "artifactregistry.projects.locations.repositories.getIamPolicy: HTTP 400: injected fault; you sent authorization: Bearer [redacted]",
      );
      expect(run.stdout + run.stderr).not.toContain(FAKE_TOKEN);
    });
  });

  test("without credentials the run stops with one line that names the fix", async () => {
    const run = await runReader(REQUEST, { env: { PREFLIGHT_API_ENDPOINT: "http://127.0.0.1:9" } });
    expect(run.thrown?.name).toBe("LiveSetupError");
    expect(run.thrown?.message).toMatch(/^--live: no Google credentials \(.*\); set GOOGLE_OAUTH_ACCESS_TOKEN or run `gcloud auth application-default login`$/);
    expect(run.thrown?.message).not.toContain("\n");
  });
});

describe("redact", () => {
  test.each([
    ["Authorization: Bearer ya29.abc-DEF_123.456", "Authorization: Bearer [redacted]"],
    ["token ya29.a0AfH6SMBx-yz_09 expired", "token [redacted] expired"],
    ["https://x/?access_token=abc123def456&alt=json", "https://x/?access_token=[redacted]&alt=json"],
    ['{"refresh_token": "1//0gAbCdEfGhIjKlMnOpQrStUv"}', '{"refresh_token": "[redacted]"}'],
    ["-----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY-----", "[redacted]"],
    ["Basic dXNlcjpwYXNz", "Basic [redacted]"],
    ["nothing secret here: roles/container.serviceAgent", "nothing secret here: roles/container.serviceAgent"],
  ])("%s", (input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  test("a given secret is removed wherever it appears, whatever its shape", () => {
    expect(redact("opaque-token-0123456789 was rejected", ["opaque-token-0123456789"])).toBe("[redacted] was rejected");
  });
});

describe("--api-endpoint", () => {
  test("a plain URL serves every API; only scheme, host and port are kept", () => {
    expect(serviceEndpoint("http://127.0.0.1:8085/ignored/path", "iam")).toEqual({
      rootUrl: "http://127.0.0.1:8085/",
      gax: { apiEndpoint: "127.0.0.1", port: 8085, protocol: "http" },
    });
  });

  test("{service} names one host per API, as Private Service Connect endpoints do", () => {
    expect(serviceEndpoint("https://{service}-corp.p.googleapis.com", "serviceusage")).toEqual({
      rootUrl: "https://serviceusage-corp.p.googleapis.com/",
      gax: { apiEndpoint: "serviceusage-corp.p.googleapis.com", port: 443, protocol: "https" },
    });
  });

  test("no endpoint means Google's defaults; a malformed one is a clear error", () => {
    expect(serviceEndpoint(undefined, "iam")).toBeUndefined();
    expect(() => serviceEndpoint("not a url", "iam")).toThrow(EndpointError);
    expect(() => serviceEndpoint("ftp://example.com", "iam")).toThrow(/http or https/);
  });
});
