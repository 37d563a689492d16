import { createServer, type Server } from "node:http";
import { Readable } from "node:stream";
import type { AddressInfo } from "node:net";
import { OAuth2Client } from "google-auth-library";
import { ALLOWED_METHODS } from "../../src/live/allowlist";
import { createClients } from "../../src/live/clients";
import { exchange, ExchangeError } from "../../src/live/http-exchange";
import { DEFAULT_LIMITS, guardedTransport, LiveCallError, retryAfterMs, retryDelay, type TransportLimits } from "../../src/live/transport";
import { GoogleEmulator, loadFixture } from "./emulator";
import { FAKE_TOKEN } from "./harness";

/**
 * The transport on its own, through the real client libraries, against the emulator and a
 * second loopback server standing for "another host". Limits are small so that slow and huge
 * answers end quickly; nothing here measures time.
 */
const LIMITS: TransportLimits = { ...DEFAULT_LIMITS, timeoutMs: 30_000, maxResponseBytes: 64 * 1024, retries: 0, backoffMs: 1, maxBackoffMs: 16 };

async function withServers<T>(run: (emulator: GoogleEmulator, other: { url: string; requests: Array<{ method: string; url: string; authorization?: string }> }) => Promise<T>): Promise<T> {
  const emulator = await new GoogleEmulator(loadFixture("healthy"), FAKE_TOKEN).start();
  const requests: Array<{ method: string; url: string; authorization?: string }> = [];
  const server: Server = createServer((request, response) => {
    requests.push({ method: request.method ?? "", url: request.url ?? "", ...(request.headers.authorization && { authorization: request.headers.authorization }) });
    response.writeHead(200, { "content-type": "application/json" });
    response.end('{"email":"stolen@example.com"}');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const other = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
  try {
    return await run(emulator, other);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await emulator.stop();
  }
}

function transportFor(emulator: GoogleEmulator, limits: Partial<TransportLimits> = {}, token = FAKE_TOKEN) {
  const credentials = new OAuth2Client();
  credentials.setCredentials({ access_token: token });
  const origin = new URL(emulator.url).origin;
  // No `secrets`: the transport must learn the token in use from the headers it sends.
  const auth = guardedTransport(credentials, { allowlist: ALLOWED_METHODS, limits: { ...LIMITS, ...limits }, originOf: () => origin });
  return { auth, clients: createClients(auth, emulator.url) };
}

async function failure(call: Promise<unknown>): Promise<LiveCallError> {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  let current = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (current instanceof LiveCallError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  throw new Error(`expected a LiveCallError, got ${String(error)}`);
}

const readsOnly = (emulator: GoogleEmulator) => emulator.requests.map((request) => `${request.method} ${request.path}`).filter((line) => !/:(getIamPolicy|testIamPermissions|getAncestry)$|^GET /.test(line));

describe("redirects are never followed", () => {
  test("a 307 from getIamPolicy to setIamPolicy: no second request, and the call fails naming the redirect", async () => {
    await withServers(async (emulator) => {
      emulator.inject({ path: "/v1/projects/shop-prod:getIamPolicy", redirectTo: "{emulator}/v1/projects/shop-prod:setIamPolicy", status: 307 });
      const { clients } = transportFor(emulator);
      const error = await failure(clients.crmV1().projects.getIamPolicy({ resource: "shop-prod", requestBody: {} }));
      expect(error.message).toBe("cloudresourcemanager.projects.getIamPolicy: answered HTTP 307, a redirect, which --live does not follow");
      expect(emulator.requests.map((request) => `${request.method} ${request.path}`)).toEqual(["POST /v1/projects/shop-prod:getIamPolicy"]);
      expect(readsOnly(emulator)).toEqual([]);
    });
  });

  test("a 302 to another host: that host receives nothing (and no token)", async () => {
    await withServers(async (emulator, other) => {
      emulator.inject({ path: "/serviceAccounts/", method: "GET", redirectTo: `${other.url}/v1/projects/-/serviceAccounts/x`, status: 302 });
      const { clients } = transportFor(emulator);
      const error = await failure(clients.iamV1().projects.serviceAccounts.get({ name: "projects/-/serviceAccounts/gke-nodes%40shop-prod.iam.gserviceaccount.com" }));
      expect(error.message).toMatch(/answered HTTP 302, a redirect/);
      expect(other.requests).toEqual([]);
    });
  });

  test("a gax client (deny policies) is held to the same rule", async () => {
    await withServers(async (emulator, other) => {
      emulator.inject({ path: "/denypolicies", redirectTo: `${other.url}/v2/policies/x/denypolicies`, status: 308 });
      const { clients } = transportFor(emulator);
      const parent = `policies/${encodeURIComponent("cloudresourcemanager.googleapis.com/projects/shop-prod")}/denypolicies`;
      const error = await failure(clients.denyPolicies().listPolicies({ parent }, { retry: null, autoPaginate: false }));
      expect(error.message).toMatch(/^iam\.policies\.listPolicies: answered HTTP 308, a redirect/);
      expect(other.requests).toEqual([]);
    });
  });

  test("a call sent anywhere but its service's origin is refused before it leaves", async () => {
    await withServers(async (emulator, other) => {
      const credentials = new OAuth2Client();
      credentials.setCredentials({ access_token: FAKE_TOKEN });
      const auth = guardedTransport(credentials, { allowlist: ALLOWED_METHODS, limits: LIMITS, originOf: () => new URL(emulator.url).origin });
      const outcome = await auth.request({ url: `${other.url}/v1/roles/viewer`, method: "GET" }).then(
        () => "sent",
        (error: Error) => error.message,
      );
      expect(outcome).toBe("refused GET /v1/roles/viewer: not sent to iam's own endpoint");
      expect(other.requests).toEqual([]);
    });
  });
  test("a request body the transport cannot check before sending (a stream) is refused, nothing sent", async () => {
    await withServers(async (emulator) => {
      const { auth } = transportFor(emulator);
      const outcome = await auth.request({ url: `${emulator.url}/v1/projects/shop-prod:getIamPolicy`, method: "POST", data: Readable.from(["{}"]) }).then(
        () => "sent",
        (error: Error) => error.message,
      );
      expect(outcome).toBe("refused POST /v1/projects/shop-prod:getIamPolicy: a request body of a kind the transport does not send");
      expect(emulator.requests).toEqual([]);
    });
  });
});

describe("one deadline covers the headers and the body, for every client", () => {
  // The drip never finishes: only the deadline can end these calls, whatever the machine's load.
  test.each([
    ["an @googleapis client (projects.testIamPermissions)", ":testIamPermissions", "cloudresourcemanager.projects.testIamPermissions"],
    ["the deny policy client (gax)", "/denypolicies", "iam.policies.listPolicies"],
    ["the Artifact Registry client (gax)", "/repositories/", "artifactregistry.projects.locations.repositories.getIamPolicy"],
  ])("%s: a body dripping one byte every 20 ms is cut off", async (_name, path, methodId) => {
    await withServers(async (emulator) => {
      emulator.inject({ path, drip: { everyMs: 20 } });
      const { clients } = transportFor(emulator, { timeoutMs: 400 });
      const call =
        methodId === "iam.policies.listPolicies"
          ? clients.denyPolicies().listPolicies({ parent: `policies/${encodeURIComponent("cloudresourcemanager.googleapis.com/projects/shop-prod")}/denypolicies` }, { retry: null, autoPaginate: false })
          : methodId.startsWith("artifactregistry")
            ? clients.artifactRegistry().getIamPolicy({ resource: "projects/shop-prod/locations/europe-west1/repositories/images", options: { requestedPolicyVersion: 3 } }, { retry: null })
            : clients.crmV1().projects.testIamPermissions({ resource: "shop-prod", requestBody: { permissions: ["container.clusters.create"] } });
      const error = await failure(call);
      expect(error.message).toBe(`${methodId}: no complete answer within 400 ms`);
      expect(error.timedOut).toBe(true);
    });
  });
});

describe("answers are size-capped", () => {
  test.each([true, false])("a 5 MB answer (Content-Length declared: %s) is refused past the cap", async (declareLength) => {
    await withServers(async (emulator) => {
      emulator.inject({ path: "/v1/roles/", huge: { bytes: 5_000_000, declareLength } });
      const { clients } = transportFor(emulator);
      const error = await failure(clients.iamV1().roles.get({ name: "roles/container.serviceAgent" }));
      expect(error.message).toBe(`iam.roles.get: the answer is larger than ${64 * 1024} bytes`);
    });
  });

  test("exchange() alone: the cap counts bytes as they come", async () => {
    const server = createServer((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.write("x".repeat(1000));
      response.end("y".repeat(1000));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      const small = await exchange(url, { method: "GET", headers: {} }, { deadlineMs: 5_000, maxResponseBytes: 1_500 }).catch((error: unknown) => error);
      expect(small).toBeInstanceOf(ExchangeError);
      expect((small as ExchangeError).kind).toBe("too-large");
      const enough = await exchange(url, { method: "GET", headers: {} }, { deadlineMs: 5_000, maxResponseBytes: 2_000 });
      expect(enough.body.length).toBe(2_000);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe("answers are checked against the shape the reader uses", () => {
  test.each([
    ["an HTML page", { body: "<html><body>Sign in</body></html>", contentType: "text/html; charset=utf-8" }, "the answer is text/html, not JSON; not used"],
    ["malformed JSON", { body: '{"bindings": [{"role": "roles/x", "members": [', contentType: "application/json" }, "the answer is not valid JSON; not used"],
    ["JSON of the wrong shape", { body: '{"etag": "BwY=", "bindings": "roles/owner"}', contentType: "application/json" }, "the answer does not have the expected shape (bindings: expected a list); not used"],
    ["a member with an escape sequence", { body: JSON.stringify({ etag: "BwY=", bindings: [{ role: "roles/viewer", members: ["user:a\u001b[2J@example.com"] }] }), contentType: "application/json" }, "the answer does not have the expected shape (bindings[0].members[0]: holds a control character); not used"],
  ])("%s from getIamPolicy is refused", async (_name, fault, message) => {
    await withServers(async (emulator) => {
      emulator.inject({ path: ":getIamPolicy", ...fault });
      const { clients } = transportFor(emulator);
      const error = await failure(clients.crmV1().projects.getIamPolicy({ resource: "shop-prod", requestBody: {} }));
      expect(error.message).toBe(`cloudresourcemanager.projects.getIamPolicy: ${message}`);
    });
  });

  test("an HTML 404 is not Google saying 'not found': the status is not believed", async () => {
    await withServers(async (emulator) => {
      emulator.inject({ path: "/serviceAccounts/", method: "GET", status: 404, body: "<h1>Not Found</h1>", contentType: "text/html" });
      const { clients } = transportFor(emulator);
      const error = await failure(clients.iamV1().projects.serviceAccounts.get({ name: "projects/-/serviceAccounts/gke-nodes%40shop-prod.iam.gserviceaccount.com" }));
      expect(error.fromGoogle).toBe(false);
      expect(error.message).toBe("iam.projects.serviceAccounts.get: HTTP 404, and the answer is not Google's JSON error (text/html)");
    });
  });
});

describe("tokens are redacted by value and by shape", () => {
  test("an opaque token in use (not shaped like one) is learnt from the headers sent and removed from error texts", async () => {
    const opaque = "opaque-session-credential-0123456789";
    await withServers(async (emulator) => {
      emulator.inject({ path: "/v1/roles/", status: 400, echoAuthorization: true });
      const { auth, clients } = transportFor(emulator, {}, opaque);
      const error = await failure(clients.iamV1().roles.get({ name: "roles/viewer" }));
      expect(auth.secrets()).toEqual([opaque]);
      expect(error.message).not.toContain(opaque);
      expect(error.message).toMatch(/you sent authorization: Bearer \[redacted\]$/);
    });
  });

  test("a JWT echoed in a Google error message is redacted", async () => {
    const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjaS1ydW5uZXIifQ.c2lnbmF0dXJlLXZhbHVl";
    await withServers(async (emulator) => {
      emulator.inject({ path: "/v1/roles/", status: 400, body: JSON.stringify({ error: { code: 400, message: `bad subject token ${jwt}`, status: "INVALID_ARGUMENT" } }) });
      const { clients } = transportFor(emulator);
      const error = await failure(clients.iamV1().roles.get({ name: "roles/viewer" }));
      expect(error.message).toBe("iam.roles.get: HTTP 400: bad subject token [redacted]");
      expect(JSON.stringify(error.body)).not.toContain(jwt);
    });
  });
});

describe("Retry-After", () => {
  const limits = { backoffMs: 100, maxBackoffMs: 8_000 };
  const now = Date.UTC(2026, 11, 1, 12, 0, 0);
  const noJitter = () => 1;

  test.each([
    ["3", 3_000],
    ["0", 0],
    ["Tue, 01 Dec 2026 12:00:05 GMT", 5_000],
    ["Tue, 01 Dec 2026 11:59:00 GMT", 0],
    ["Tuesday, 01-Dec-26 12:00:02 GMT", 2_000],
    ["soon", undefined],
    ["-5", undefined],
    ["1.5", undefined],
    ["Tue Dec  1 12:00:04 2026", 4_000],
    ["2027", 2_027_000],
  ])("%s → %s ms", (value, expected) => {
    expect(retryAfterMs(value, now)).toBe(expected);
  });

  test("honoured within the bound, at least the backoff", () => {
    expect(retryDelay(0, "3", limits, now, noJitter)).toEqual({ waitMs: 3_000 });
    expect(retryDelay(0, "0", limits, now, noJitter)).toEqual({ waitMs: 100 });
    expect(retryDelay(0, "Tue, 01 Dec 2026 12:00:05 GMT", limits, now, noJitter)).toEqual({ waitMs: 5_000 });
    expect(retryDelay(2, undefined, limits, now, noJitter)).toEqual({ waitMs: 400 });
  });

  test("past the bound the call is not retried, and the reason says why", () => {
    expect(retryDelay(0, "3600", limits, now, noJitter)).toEqual({ reason: "asked to retry after 3600 s, longer than the 8000 ms --live waits" });
    expect(retryDelay(0, "Wed, 02 Dec 2026 12:00:00 GMT", limits, now, noJitter)).toEqual({ reason: "asked to retry after 86400 s, longer than the 8000 ms --live waits" });
  });

  test("a 429 asking for an hour is given up at once, saying so", async () => {
    await withServers(async (emulator) => {
      emulator.inject({ path: "/v1/roles/", status: 429, headers: { "retry-after": "3600" } });
      const { auth, clients } = transportFor(emulator, { retries: 3 });
      const error = await failure(clients.iamV1().roles.get({ name: "roles/viewer" }));
      expect(error.message).toBe("iam.roles.get: HTTP 429: injected fault (asked to retry after 3600 s, longer than the 16 ms --live waits)");
      expect(auth.calls[0]?.attempts).toBe(1);
      expect(emulator.requests).toHaveLength(1);
    });
  });

  test("a 503 whose Retry-After date has passed is retried", async () => {
    await withServers(async (emulator) => {
      emulator.inject({ path: "/v1/roles/", status: 503, times: 1, headers: { "retry-after": "Thu, 01 Jan 2026 00:00:00 GMT" } });
      const { auth, clients } = transportFor(emulator, { retries: 2 });
      const { data } = await clients.iamV1().roles.get({ name: "roles/container.serviceAgent" });
      expect(data.includedPermissions?.length).toBeGreaterThan(0);
      expect(auth.calls[0]?.attempts).toBe(2);
    });
  });
});
