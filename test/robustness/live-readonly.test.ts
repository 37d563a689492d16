import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { allRules } from "../../src/rules";
import { loadFixture, type Fault, type RecordedRequest } from "../live/emulator";
import { FAKE_TOKEN, withEmulator } from "../live/harness";
import { inBatches, ROOT, runCli } from "./support";

/**
 * --live only reads, proven on the wire: every rule runs in live mode, through the real CLI and
 * the real Google client libraries, against the loopback emulator (test/live), and every request
 * the emulator saw is checked against a definition of "read" written here, independently of the
 * allowlist in src/live/allowlist.ts (which this test would otherwise only repeat).
 */

/**
 * Google's REST mapping: GET reads; a POST is a read only for these custom methods, whose names
 * say so (`getIamPolicy`, not `setIamPolicy`). Anything else, or a body that carries a policy or
 * an update mask, is a change.
 */
const READ_ONLY_CUSTOM_METHODS = /:(getIamPolicy|testIamPermissions|getAncestry)$/;
const CHANGING_WORD = /(^|[/:.])(set|create|delete|patch|update|insert|enable|disable|undelete|remove|add|move|batch|undeleteDelete)[A-Z/:]?/i;

function nonReadReason(request: Pick<RecordedRequest, "method" | "path" | "body"> & { url?: string }): string | undefined {
  const method = request.method.toUpperCase();
  if (method !== "GET" && method !== "POST") return `${method} is not a read`;
  // The custom method is read from the path as sent: `%3A` inside a name is part of the name.
  const rawPath = request.url !== undefined ? request.url.split("?")[0] : request.path;
  const customVerb = /:[A-Za-z]+$/.exec(rawPath)?.[0] ?? "";
  if (CHANGING_WORD.test(customVerb)) return `custom method ${customVerb} changes something`;
  if (method === "POST") {
    if (!READ_ONLY_CUSTOM_METHODS.test(rawPath)) return `POST ${request.path} is not one of the read-only custom methods`;
    let body: unknown = {};
    try {
      body = request.body ? JSON.parse(request.body) : {};
    } catch {
      return "POST body is not JSON";
    }
    if (body && typeof body === "object" && ("policy" in body || "updateMask" in body)) return "POST body carries a policy or an update mask";
  }
  return undefined;
}

const FIXTURES = ["acme-good", "acme-bad", "acme-deny", "acme-apps", "healthy", "broken"];
const INPUTS = [
  ...readdirSync(join(ROOT, "examples", "plans")).map((f) => join("examples", "plans", f)),
  ...readdirSync(join(ROOT, "examples", "terraform-json")).map((f) => join("examples", "terraform-json", f)),
  join("test", "live", "fixtures", "acme-stack.cdk.tf.json"),
].sort();

interface Case {
  input: string;
  fixture: string;
  /** Faults make the transport retry and fall back: retries must be reads too. */
  faults?: Fault[];
  project?: string;
}

const FAULTS: Fault[] = [
  { path: "/services", status: 500, times: 2 },
  { path: ":getIamPolicy", status: 429, times: 1 },
  { path: ":testIamPermissions", status: 503, times: 1 },
  { path: "/serviceAccounts/", method: "GET", status: 404 },
];

/**
 * Names from a hostile input end up in request paths: slashes, `..`, `:setIamPolicy`, `?`, `#`,
 * percent signs, NUL, spaces. They must stay inside their path segment, and the calls reads.
 */
function hostileNamesInput(): string {
  const names = ["acme-prod/../../v1/projects/x:setIamPolicy", "acme-prod:setIamPolicy", "../../../v1/projects/x", "acme-prod?alt=media&x=", "acme-prod#frag", "acme%2F..%2Fx", "projects/acme-prod/../x", "acme-prod\u0000x", "a b"];
  const resource: Record<string, Record<string, unknown>> = { google_container_cluster: {}, google_project_iam_member: {}, google_container_node_pool: {} };
  names.forEach((p, i) => {
    resource.google_container_cluster[`c${i}`] = { name: `c${i}`, location: "europe-west1", project: p, node_config: { service_account: `${p}@${p}.iam.gserviceaccount.com` } };
    resource.google_project_iam_member[`m${i}`] = { project: p, role: `projects/${p}/roles/${p}`, member: `serviceAccount:x@${p}.iam.gserviceaccount.com` };
    resource.google_container_node_pool[`n${i}`] = { cluster: `\${google_container_cluster.c${i}.name}`, location: "europe-west1", project: p, node_config: { service_account: `sa/${p}@acme-prod.iam.gserviceaccount.com` } };
  });
  const file = join(tmp, "hostile-names.cdk.tf.json");
  writeFileSync(file, JSON.stringify({ resource }));
  return file;
}

const tmp = mkdtempSync(join(tmpdir(), "preflight-live-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const cases: Case[] = [
  { input: hostileNamesInput(), fixture: "acme-good" },
  { input: hostileNamesInput(), fixture: "acme-bad", faults: FAULTS },
  // Every input against a healthy and a broken project, with the default project given.
  ...INPUTS.flatMap((input) => [
    { input, fixture: "acme-good", project: "acme-prod" },
    { input, fixture: "acme-bad", project: "acme-prod" },
  ]),
  // The other projects, and faults, on the inputs that read the most.
  ...FIXTURES.filter((f) => f !== "acme-good" && f !== "acme-bad").flatMap((fixture) => [
    { input: join("examples", "plans", "unknown-existing-account.plan.json"), fixture },
    { input: join("test", "live", "fixtures", "acme-stack.cdk.tf.json"), fixture, project: "acme-prod" },
  ]),
  { input: join("examples", "plans", "unknown-existing-account.plan.json"), fixture: "acme-good", faults: FAULTS },
  { input: join("test", "live", "fixtures", "acme-stack.cdk.tf.json"), fixture: "acme-bad", faults: FAULTS, project: "acme-prod" },
];

interface Outcome {
  name: string;
  status: number | null;
  stderr: string;
  requests: RecordedRequest[];
  ruleIds: string[];
  leakedToken: boolean;
}

let outcomes: Outcome[] = [];

beforeAll(async () => {
  outcomes = await inBatches(cases, 3, (c) =>
    withEmulator(loadFixture(c.fixture), async (emulator) => {
      for (const fault of c.faults ?? []) emulator.inject({ ...fault });
      const run = await runCli([resolve(ROOT, c.input), "--live", "--api-endpoint", emulator.url, "--format", "json", "--include-pass", ...(c.project ? ["--project", c.project] : [])], {
        // No credentials of the machine running the tests can be picked up: only the fake token.
        env: { HOME: "/nonexistent", GOOGLE_APPLICATION_CREDENTIALS: "/nonexistent/adc.json", GOOGLE_OAUTH_ACCESS_TOKEN: FAKE_TOKEN },
      });
      let ruleIds: string[] = [];
      try {
        ruleIds = (JSON.parse(run.stdout) as { findings: Array<{ ruleId: string }> }).findings.map((f) => f.ruleId);
      } catch {
        // reported by the exit-code test
      }
      return {
        name: `${c.input} on ${c.fixture}${c.faults ? " with faults" : ""}`,
        status: run.status,
        stderr: run.stderr,
        requests: [...emulator.requests],
        ruleIds,
        leakedToken: run.stdout.includes(FAKE_TOKEN) || run.stderr.includes(FAKE_TOKEN),
      };
    }),
  );
}, 600_000);

describe("--live only reads", () => {
  test("the oracle itself tells writes from reads (so the checks below can fail)", () => {
    const post = (path: string, body: unknown = {}) => ({ method: "POST", path, body: JSON.stringify(body) });
    expect(nonReadReason({ method: "GET", path: "/v3/projects/p", body: "" })).toBeUndefined();
    expect(nonReadReason(post("/v1/projects/p:getIamPolicy", { options: { requestedPolicyVersion: 3 } }))).toBeUndefined();
    expect(nonReadReason(post("/v1/projects/p:testIamPermissions", { permissions: ["a.b.c"] }))).toBeUndefined();
    // A project named `p:setIamPolicy` in a GET is a read of that (missing) project.
    expect(nonReadReason({ method: "GET", path: "/v1/projects/p:setIamPolicy", url: "/v1/projects/p%3AsetIamPolicy", body: "" })).toBeUndefined();
    for (const write of [
      post("/v1/projects/p:setIamPolicy", { policy: { bindings: [] } }),
      post("/v1/projects/p/serviceAccounts", { accountId: "x" }),
      post("/v1/projects/123/services/container.googleapis.com:enable"),
      post("/v1/projects/123/services/container.googleapis.com:disable"),
      post("/v1/projects/p:getIamPolicy", { policy: { bindings: [] } }),
      { method: "DELETE", path: "/v3/projects/p", body: "" },
      { method: "PATCH", path: "/v1/projects/p/roles/r", body: "{}" },
      { method: "PUT", path: "/v2/policies/x/denypolicies/y", body: "{}" },
      { method: "GET", path: "/v1/projects/p/serviceAccounts/a:undelete", body: "" },
      { method: "POST", path: "/v1/projects/p:setIamPolicy", url: "/v1/projects/p:setIamPolicy?alt=json", body: "{}" },
    ]) {
      expect([write.path, nonReadReason(write)]).toEqual([write.path, expect.any(String)]);
    }
  });

  test("every live run ends with a report (exit 0 or 1), never shows the token, and writes only safe lines to stderr", () => {
    // eslint-disable-next-line no-control-regex
    const unsafe = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
    const bad = outcomes.filter((o) => (o.status !== 0 && o.status !== 1) || o.leakedToken || unsafe.test(o.stderr)).map((o) => `${o.name}: exit ${o.status} ${JSON.stringify(o.stderr.slice(0, 200))}`);
    expect(bad).toEqual([]);
  });

  test("the runs did read the projects (the proof is not vacuous) and every rule ran in live mode", () => {
    const total = outcomes.reduce((n, o) => n + o.requests.length, 0);
    expect(total).toBeGreaterThan(cases.length * 3);
    expect(outcomes.filter((o) => o.requests.length > 0).length).toBeGreaterThanOrEqual(cases.length - 4);
    const seen = new Set(outcomes.flatMap((o) => o.ruleIds));
    expect(allRules.map((r) => r.meta.id).filter((id) => !seen.has(id))).toEqual([]);
    // Retries after injected faults happened, and were reads like the rest.
    expect(outcomes.filter((o) => o.name.endsWith("with faults") && !o.name.includes("hostile-names")).every((o) => o.requests.some((r) => r.status >= 429))).toBe(true);
  });

  test("every request that reached the emulator is a read", () => {
    const writes = outcomes.flatMap((o) => o.requests.flatMap((r) => {
      const reason = nonReadReason(r);
      return reason ? [`${o.name}: ${r.method} ${r.path}: ${reason}`] : [];
    }));
    expect(writes).toEqual([]);
  });

  test("every request is a method the emulator knows (no call to an endpoint outside the read set)", () => {
    // Runs with injected faults are left out: a fault answers before the emulator routes the request.
    // Hostile names are read as names the emulator has no project for: those answers are 404s.
    const unknown = outcomes.filter((o) => !o.name.endsWith("with faults") && !o.name.includes("hostile-names")).flatMap((o) => o.requests.filter((r) => r.method_id === undefined).map((r) => `${o.name}: ${r.method} ${r.path}`));
    expect(unknown).toEqual([]);
  });

  // Found by this test: emails went into request paths without percent-encoding (src/live/read.ts encodes them).
  test("names from the input stay inside their path segment: no query parameter comes from them", () => {
    const injected = outcomes
      .filter((o) => o.name.includes("hostile-names"))
      .flatMap((o) => o.requests.filter((r) => new URLSearchParams(r.url.split("?")[1] ?? "").has("x")).map((r) => `${r.method} ${r.url}`));
    expect(injected).toEqual([]);
  });

  test("every request carries the token in its Authorization header only", () => {
    const problems = outcomes.flatMap((o) => o.requests.filter((r) => !r.authorized || JSON.stringify({ url: r.url, headers: r.headers, body: r.body }).includes(FAKE_TOKEN)).map((r) => `${o.name}: ${r.method} ${r.path}`));
    expect(problems).toEqual([]);
  });
});
