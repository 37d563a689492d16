import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { matchAllowedMethod } from "../../src/live/allowlist";
import { loadFixture, type Fixture } from "./emulator";
import { FAKE_TOKEN, withEmulator } from "./harness";
import { CLI, PLAN, preflight, statusesOf, type Run } from "./cli-harness";

/**
 * `preflight --live` end to end: the built CLI (npm test builds dist first) reads the emulator
 * through the real client libraries, and the rules turn their offline `unknown`s into verdicts.
 */
async function live(fixture: Fixture, extraArgs: string[] = []): Promise<{ run: Run; methods: string[]; urls: string[] }> {
  return withEmulator(fixture, async (emulator) => {
    const run = await preflight([PLAN, "--format", "json", "--include-pass", "--live", "--api-endpoint", emulator.url, ...extraArgs], {
      GOOGLE_OAUTH_ACCESS_TOKEN: FAKE_TOKEN,
    });
    expect(run.stdout + run.stderr).not.toContain(FAKE_TOKEN);
    for (const request of emulator.requests) {
      expect(request.authorized).toBe(true);
      expect(matchAllowedMethod(request.method, `http://127.0.0.1${request.url}`)).toBeDefined();
    }
    return { run, methods: emulator.methodsCalled(), urls: emulator.requests.map((request) => request.url) };
  });
}

describe("preflight --live", () => {
  // The rules this plan leaves unknown offline: node account permissions, service agent, APIs,
  // node account existence, the deployer's permissions.
  const DECIDED_LIVE = ["GKE001", "GKE002", "GKE003", "GKE006", "GKE009"];

  test("offline, each of them is unknown", async () => {
    const run = await preflight([PLAN, "--format", "json", "--include-pass"]);
    for (const rule of DECIDED_LIVE) expect([rule, statusesOf(run, rule)]).toEqual([rule, ["unknown"]]);
  });

  test("a healthy project decides every one of them: pass", async () => {
    const { run } = await live(loadFixture("acme-good"));
    expect(run.code).toBe(0);
    for (const rule of DECIDED_LIVE) expect([rule, statusesOf(run, rule)]).toEqual([rule, ["pass"]]);
  });

  test("a broken project decides every one of them: fail", async () => {
    // Missing node role, agent binding gone, container API off, node account disabled, deployer without create/actAs.
    const { run } = await live(loadFixture("acme-bad"));
    expect(run.code).toBe(1);
    for (const rule of ["GKE001", "GKE002", "GKE006", "GKE009"]) expect([rule, statusesOf(run, rule)]).toEqual([rule, ["fail"]]);
    const apis = run.findings.filter((finding) => finding.ruleId === "GKE003").map((finding) => `${finding.status} ${finding.message.split(" ")[0]}`);
    expect(apis.sort()).toEqual(["fail container.googleapis.com", "pass compute.googleapis.com"]);
  });

  test("a deny policy on the organisation takes a permission the node account was granted: fail", async () => {
    const { run } = await live(loadFixture("acme-deny"));
    expect(run.code).toBe(1);
    expect(statusesOf(run, "GKE001")).toEqual(["fail"]);
    // Granted, then denied: the message names the deny policy, not a missing grant, and the fix is the deny rule's.
    const gke001 = run.findings.find((finding) => finding.ruleId === "GKE001");
    expect(gke001?.message).toMatch(/is granted every permission of .*the IAM deny policy .*denypolicies\/no-metrics-from-ci \(attached to organizations\/\d+\) denies it one of them: monitoring\.timeSeries\.create;/);
    expect(gke001?.remediation?.gcloud.join("\n")).not.toContain("add-iam-policy-binding");
    expect(statusesOf(run, "GKE002")).toEqual(["pass"]);
  });

  test("a CDKTF stack: registry pull (GKE011), the kubernetes provider's access (GKE010) and container.clusters.get (GKE009) are decided live", async () => {
    const stack = join(__dirname, "fixtures", "acme-stack.cdk.tf.json");
    const offline = await preflight([stack, "--format", "json", "--include-pass"]);
    // GKE010 also has a verdict on the authentication method itself; the live one is about the token's identity.
    const tokenAccess = (run: Run) => run.findings.filter((finding) => finding.ruleId === "GKE010" && /container\.clusters\.get/.test(finding.message)).map((finding) => finding.status);
    expect(statusesOf(offline, "GKE011")).toEqual(["unknown"]);
    expect(statusesOf(offline, "GKE009")).toEqual(["unknown"]);
    expect(tokenAccess(offline)).toEqual(["unknown"]);
    const run = async (fixture: string) =>
      withEmulator(loadFixture(fixture), (emulator) =>
        preflight([stack, "--format", "json", "--include-pass", "--live", "--api-endpoint", emulator.url], { GOOGLE_OAUTH_ACCESS_TOKEN: FAKE_TOKEN }),
      );
    const granted = await run("acme-apps"); // reader role held live, deployer holds clusters.get
    expect(statusesOf(granted, "GKE011")).toEqual(["pass"]);
    expect(statusesOf(granted, "GKE009")).toEqual(["pass"]);
    expect(tokenAccess(granted)).toEqual(["pass"]);
    const missing = await run("acme-good"); // neither
    expect(statusesOf(missing, "GKE011")).toEqual(["fail"]);
    expect(tokenAccess(missing)).toEqual(["fail"]);
    expect(missing.findings.filter((finding) => finding.ruleId === "GKE009" && finding.status === "fail").map((finding) => finding.message)).toEqual([
      "The deployer lacks container.clusters.get on acme-prod (read live), which this plan needs for google_container_cluster.apps",
    ]);
  });

  test("GKE011: the IAM policy of a registry that exists already is read (Artifact Registry client) and decides pass, fail, or unknown with the permission to ask for", async () => {
    const stack = join(__dirname, "fixtures", "acme-stack.cdk.tf.json");
    const images = "projects/acme-prod/locations/europe-west1/repositories/images";
    const withRepository = (bindings: Array<Record<string, unknown>>): Fixture => {
      const fixture = loadFixture("acme-good");
      fixture.projects[0]!.repositories = { "europe-west1/images": { iamPolicy: { bindings } } };
      fixture.predefinedRoles = { ...fixture.predefinedRoles, "roles/artifactregistry.reader": ["artifactregistry.repositories.downloadArtifacts"] };
      return fixture;
    };
    const run = (fixture: Fixture) =>
      withEmulator(fixture, async (emulator) => {
        const result = await preflight([stack, "--format", "json", "--include-pass", "--live", "--api-endpoint", emulator.url], { GOOGLE_OAUTH_ACCESS_TOKEN: FAKE_TOKEN });
        expect(result.stdout + result.stderr).not.toContain(FAKE_TOKEN);
        for (const request of emulator.requests) expect(matchAllowedMethod(request.method, `http://127.0.0.1${request.url}`)).toBeDefined();
        const reads = emulator.requests.filter((request) => request.method_id === "artifactregistry.projects.locations.repositories.getIamPolicy");
        expect(reads.map((request) => `${request.method} ${request.path}`)).toEqual([`GET /v1/${images}:getIamPolicy`]);
        return result;
      });
    // Nothing on the project for ci-nodes (acme-good): only the repository's own policy can let it pull.
    const granted = await run(withRepository([{ role: "roles/artifactregistry.reader", members: ["serviceAccount:ci-nodes@acme-prod.iam.gserviceaccount.com"] }]));
    expect(statusesOf(granted, "GKE011")).toEqual(["pass"]);
    const others = await run(withRepository([{ role: "roles/artifactregistry.reader", members: ["group:devs@acme.example"] }]));
    expect(statusesOf(others, "GKE011")).toEqual(["fail"]);
    const refused = await run({ ...withRepository([]), callerCannot: ["artifactregistry.repositories.getIamPolicy"] });
    expect(statusesOf(refused, "GKE011")).toEqual(["unknown"]);
    expect(refused.findings.find((finding) => finding.ruleId === "GKE011")).toMatchObject({ reason: "the IAM policy of google_artifact_registry_repository.images could not be read: the caller lacks artifactregistry.repositories.getIamPolicy" });
    expect(refused.stderr).toContain(`--live could not read IAM policy of ${images}: the caller lacks artifactregistry.repositories.getIamPolicy`);
  });

  test("GKE009: a stack that grants roles on a folder and the organisation is decided by testIamPermissions there", async () => {
    const dir = mkdtempSync(join(tmpdir(), "preflight-hierarchy-"));
    const stack = join(dir, "cdk.tf.json");
    writeFileSync(
      stack,
      JSON.stringify({
        provider: { google: [{ project: "acme-prod", region: "europe-west1" }] },
        resource: {
          google_folder_iam_member: { logs: { folder: "folders/731000000001", role: "roles/logging.viewer", member: "group:sre@acme.example" } },
          google_organization_iam_member: { browse: { org_id: "555000111222", role: "roles/browser", member: "group:sre@acme.example" } },
        },
      }),
    );
    const hierarchy = (run: Run) => run.findings.filter((finding) => finding.ruleId === "GKE009").map((finding) => `${finding.status} ${finding.address}`).sort();
    const offline = await preflight([stack, "--format", "json", "--include-pass"]);
    expect(hierarchy(offline)).toEqual(["unknown google_folder_iam_member.logs", "unknown google_organization_iam_member.browse"]);
    const fixture = loadFixture("acme-good");
    fixture.folders = { "731000000001": { callerPermissions: ["resourcemanager.folders.getIamPolicy", "resourcemanager.folders.setIamPolicy"] } };
    fixture.organizations!["555000111222"]!.callerPermissions = ["resourcemanager.organizations.getIamPolicy"];
    await withEmulator(fixture, async (emulator) => {
      const run = await preflight([stack, "--format", "json", "--include-pass", "--live", "--api-endpoint", emulator.url], { GOOGLE_OAUTH_ACCESS_TOKEN: FAKE_TOKEN });
      expect(hierarchy(run)).toEqual(["fail google_organization_iam_member.browse", "pass google_folder_iam_member.logs"]);
      expect(run.stdout + run.stderr).not.toContain(FAKE_TOKEN);
      for (const request of emulator.requests) expect(matchAllowedMethod(request.method, `http://127.0.0.1${request.url}`)).toBeDefined();
      expect(emulator.methodsCalled().filter((id) => id === "cloudresourcemanager.ancestor.testIamPermissions")).toHaveLength(2);
    });
  });

  test("GKE009: a stack that creates its project in an organisation: resourcemanager.projects.create is tested there", async () => {
    const example = join(__dirname, "..", "..", "examples", "terraform-json", "bad-default-sa.cdk.tf.json");
    const creates = (run: Run) => run.findings.filter((finding) => finding.ruleId === "GKE009" && finding.address === "google_project.sandbox").map((finding) => finding.status);
    for (const [held, expected] of [[["resourcemanager.projects.create"], "pass"], [[], "fail"]] as const) {
      const fixture: Fixture = { projects: [], organizations: { "1234567890": { callerPermissions: [...held] } } };
      await withEmulator(fixture, async (emulator) => {
        const run = await preflight([example, "--format", "json", "--include-pass", "--live", "--api-endpoint", emulator.url], { GOOGLE_OAUTH_ACCESS_TOKEN: FAKE_TOKEN });
        expect(creates(run)).toEqual([expected]);
        // Besides the GKE roles (read on every run), only that test.
        const calls = emulator.requests.map((request) => `${request.method} ${request.path}`).filter((call) => !call.startsWith("GET /v1/roles/"));
        expect(calls).toEqual(["POST /v3/organizations/1234567890:testIamPermissions"]);
        expect(run.stdout + run.stderr).not.toContain(FAKE_TOKEN);
      });
    }
  });

  test("a cdktf.out folder with two stacks is read once per distinct thing and decided live", async () => {
    const out = mkdtempSync(join(tmpdir(), "preflight-cdktf-out-"));
    const stack = readFileSync(join(__dirname, "fixtures", "acme-stack.cdk.tf.json"), "utf8");
    for (const name of ["apps", "apps-copy"]) {
      mkdirSync(join(out, "stacks", name), { recursive: true });
      writeFileSync(join(out, "stacks", name, "cdk.tf.json"), stack);
    }
    const stacks = Object.fromEntries(["apps", "apps-copy"].map((name) => [name, { name, synthesizedStackPath: `stacks/${name}/cdk.tf.json` }]));
    writeFileSync(join(out, "manifest.json"), JSON.stringify({ version: "0.21.0", stacks }));
    await withEmulator(loadFixture("acme-apps"), async (emulator) => {
      const run = await preflight([out, "--format", "json", "--include-pass", "--live", "--api-endpoint", emulator.url], { GOOGLE_OAUTH_ACCESS_TOKEN: FAKE_TOKEN });
      expect(statusesOf(run, "GKE011")).toEqual(["pass"]);
      expect(new Set(run.findings.map((finding) => (finding as { stack?: string }).stack))).toEqual(new Set(["apps", "apps-copy"]));
      const calls = emulator.methodsCalled();
      expect(calls.filter((id) => id === "cloudresourcemanager.projects.getIamPolicy")).toHaveLength(1);
      expect(calls.filter((id) => id === "iam.projects.serviceAccounts.get")).toHaveLength(1);
    });
  });

  test("where the caller cannot read the policy, the verdicts stay unknown and stderr names the permission to ask for", async () => {
    const { run } = await live({ ...loadFixture("acme-good"), callerCannot: ["resourcemanager.projects.getIamPolicy"] });
    expect(statusesOf(run, "GKE001")).toEqual(["unknown"]);
    expect(statusesOf(run, "GKE002")).toEqual(["unknown"]);
    expect(statusesOf(run, "GKE003")).toEqual(["pass"]); // services were readable
    expect(run.stderr).toContain("--live could not read IAM policy of acme-prod: the caller lacks resourcemanager.projects.getIamPolicy");
  });

  test("PREFLIGHT_API_ENDPOINT works like --api-endpoint", async () => {
    await withEmulator(loadFixture("acme-good"), async (emulator) => {
      const run = await preflight([PLAN, "--format", "json", "--live"], { GOOGLE_OAUTH_ACCESS_TOKEN: FAKE_TOKEN, PREFLIGHT_API_ENDPOINT: emulator.url });
      expect(run.code).toBe(0);
      expect(emulator.requests.length).toBeGreaterThan(5);
    });
  });

  test("without credentials: exit 2 and one line naming the fix", async () => {
    const run = await preflight([PLAN, "--live", "--api-endpoint", "http://127.0.0.1:9"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^preflight: --live: no Google credentials \(.*\); set GOOGLE_OAUTH_ACCESS_TOKEN or run `gcloud auth application-default login`\n$/);
  });

  test("when the apply creates everything, --live has nothing to read and needs no credentials", async () => {
    // The example's project, without the organisation it is created in (whose permissions --live would test).
    const example = JSON.parse(readFileSync(join(__dirname, "..", "..", "examples", "terraform-json", "bad-default-sa.cdk.tf.json"), "utf8")) as { resource: { google_project: Record<string, Record<string, unknown>> } };
    for (const project of Object.values(example.resource.google_project)) delete project.org_id;
    const created = join(mkdtempSync(join(tmpdir(), "preflight-created-")), "cdk.tf.json");
    writeFileSync(created, JSON.stringify(example));
    const offline = await preflight([created, "--format", "json"]);
    const run = await preflight([created, "--format", "json", "--live"]);
    expect(run.stderr).toBe("preflight: --live: nothing to read (no existing project or service account is named; --project names one)\n");
    expect(run.code).toBe(offline.code);
    expect(run.findings).toEqual(offline.findings);
  });

  test("a malformed --api-endpoint: exit 2 and one line", async () => {
    const run = await preflight([PLAN, "--live", "--api-endpoint", "not a url"], { GOOGLE_OAUTH_ACCESS_TOKEN: FAKE_TOKEN });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('preflight: --api-endpoint: expected a URL such as https://{service}-ep.p.googleapis.com, got "not a url"\n');
  });

  test("without --live the Google libraries are not even loaded; with it they are", async () => {
    // A preload that reports, as the process exits, which Google modules were ever required.
    const probe = join(mkdtempSync(join(tmpdir(), "preflight-probe-")), "probe.js");
    writeFileSync(
      probe,
      `process.on("exit", () => process.stderr.write("LOADED " + JSON.stringify([...new Set(Object.keys(require.cache).map((f) => (/node_modules\\/(@google[^/]*\\/[^/]+|google[^/]+)/.exec(f) || [])[1]).filter(Boolean))].sort()) + "\\n"));`,
    );
    const loaded = async (args: string[], env: Record<string, string> = {}, input = PLAN) => {
      const child = spawn(process.execPath, ["--require", probe, CLI, input, ...args], { env: { PATH: process.env.PATH ?? "", ...env } });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
      await new Promise((resolve) => child.on("close", resolve));
      return JSON.parse(/LOADED (.*)/.exec(stderr)?.[1] ?? "null") as string[];
    };
    expect(await loaded([])).toEqual([]);
    await withEmulator(loadFixture("acme-good"), async (emulator) => {
      const withLive = await loaded(["--live", "--api-endpoint", emulator.url], { GOOGLE_OAUTH_ACCESS_TOKEN: FAKE_TOKEN });
      expect(withLive).toEqual(expect.arrayContaining(["@google-cloud/iam", "@googleapis/cloudresourcemanager", "google-auth-library"]));
      // Artifact Registry's client only when the input has a registry that may exist.
      expect(withLive).not.toContain("@google-cloud/artifact-registry");
      const stack = join(__dirname, "fixtures", "acme-stack.cdk.tf.json");
      const withRegistry = await loaded(["--live", "--api-endpoint", emulator.url], { GOOGLE_OAUTH_ACCESS_TOKEN: FAKE_TOKEN }, stack);
      expect(withRegistry).toContain("@google-cloud/artifact-registry");
      expect(await loaded([], {}, stack)).toEqual([]);
    });
  });
});
