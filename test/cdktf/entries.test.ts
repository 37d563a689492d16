/**
 * Runs the repository's own CDKTF app (stacks/main.ts, the entry cdktf.json names) and the
 * example app through their real entries in a child process, as `cdktf synth` would.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadInputs } from "../../src/inputs/load";
import { checkModel } from "../../src/engine/check";
import { readManifest, readStackJson, REPO } from "./helpers";

const TSX = path.join(REPO, "node_modules/.bin/tsx");

function run(entry: string, cwd: string, env: Record<string, string> = {}) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "preflight-entry-"));
  const childEnv: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir, ...env };
  delete childEnv.JEST_WORKER_ID; // the child is a plain app run, not a jest worker
  delete childEnv.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;
  Object.assign(childEnv, env);
  const r = spawnSync(TSX, [entry], { cwd, env: childEnv, encoding: "utf8", timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, outdir };
}

/** What the cdktf CLI runs: annotations go to the manifest and the CLI prints and fails on them. */
const CLI_MODE = { CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: "true" };

function errorLines(outdir: string): string[] {
  const manifest = readManifest(outdir);
  return Object.values<any>(manifest.stacks).flatMap((s) =>
    s.annotations.filter((a: any) => a.level === "@cdktf/error").map((a: any) => `ERROR [${a.constructPath}]: ${a.message}`),
  );
}

describe("stacks/: the golden GKE platform", () => {
  const cdktfJson = JSON.parse(fs.readFileSync(path.join(REPO, "cdktf.json"), "utf8"));

  it("cdktf.json names stacks/main.ts as the app", () => {
    expect(cdktfJson.app).toBe("npx tsx stacks/main.ts");
    expect(cdktfJson.context["@cdktf/disable_stack_trace_in_metadata"]).toBe(true);
  });

  it("synthesizes through its own entry with no failing finding", () => {
    const r = run("stacks/main.ts", REPO);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(errorLines(r.outdir)).toEqual([]);
    // the same output checked by the standalone engine path has no failure either
    const findings = loadInputs(r.outdir).flatMap((m) => checkModel(m, { includePass: true }));
    expect(findings.filter((f) => f.status === "fail")).toEqual([]);
    // what stays open can only be read live: the GKE agent's role and the deployer's own access
    expect([...new Set(findings.filter((f) => f.status === "unknown").map((f) => f.ruleId))].sort()).toEqual(["GKE002", "GKE009"]);
    const passed = findings.filter((f) => f.status === "pass").map((f) => `${f.ruleId} ${f.constructPath}`);
    expect(passed).toEqual(
      expect.arrayContaining([
        "GKE001 gke-platform/standard",
        "GKE001 gke-platform/standard_pool",
        "GKE001 gke-platform/autopilot",
        "GKE003 gke-platform/standard",
        "GKE003 gke-platform/autopilot",
      ]),
    );
  });

  it("is the platform it claims to be", () => {
    const r = run("stacks/main.ts", REPO, CLI_MODE);
    expect(r.status).toBe(0);
    const json = readStackJson(r.outdir, "gke-platform");
    const res = json.resource;
    const standard = res.google_container_cluster.standard;
    const autopilot = res.google_container_cluster.autopilot;
    expect(standard.enable_autopilot).toBeUndefined();
    expect(standard.remove_default_node_pool).toBe(true);
    expect(autopilot.enable_autopilot).toBe(true);
    expect(res.google_container_node_pool.standard_pool.cluster).toBe("${google_container_cluster.standard.name}");
    // each node account holds exactly the minimum role, nothing else, non-authoritatively
    const members = Object.values<any>(res.google_project_iam_member);
    expect(members.map((m) => [m.role, m.member]).sort()).toEqual([
      ["roles/container.defaultNodeServiceAccount", "serviceAccount:${google_service_account.autopilot_nodes.email}"],
      ["roles/container.defaultNodeServiceAccount", "serviceAccount:${google_service_account.standard_nodes.email}"],
    ]);
    expect(res.google_project_iam_binding).toBeUndefined();
    expect(res.google_project_iam_policy).toBeUndefined();
    // APIs enabled and never disabled on destroy
    const services = Object.values<any>(res.google_project_service);
    expect(services.map((s) => s.service)).toEqual(expect.arrayContaining(["container.googleapis.com", "compute.googleapis.com"]));
    for (const s of services) expect(s.disable_on_destroy).toBe(false);
    // clusters depend on their grant and on the APIs
    expect(standard.depends_on).toEqual(
      expect.arrayContaining(["google_project_iam_member.standard_nodes_default_node_role", "google_project_service.container_api", "google_project_service.compute_api"]),
    );
    expect(autopilot.depends_on).toEqual(
      expect.arrayContaining(["google_project_iam_member.autopilot_nodes_default_node_role", "google_project_service.container_api", "google_project_service.compute_api"]),
    );
  });
});

describe("examples/cdktf-app", () => {
  const dir = path.join(REPO, "examples/cdktf-app");

  it("the good app synthesizes", () => {
    const r = run("main.ts", dir);
    expect(r.status).toBe(0);
    expect(fs.existsSync(path.join(r.outdir, "stacks/example-gke/cdk.tf.json"))).toBe(true);
  });

  it("the bad variant fails app.synth() with one line per finding", () => {
    const r = run("bad.ts", dir);
    expect(r.status).toBe(1);
    const lines = r.stderr.split("\n").filter((l) => /^\[example-gke\//.test(l));
    expect(lines.map((l) => l.split(" ").slice(0, 2).join(" "))).toEqual([
      "[example-gke/service_agents] GKE002",
      "[example-gke/cluster] GKE001",
      "[example-gke/pool] GKE001",
    ]);
    expect(lines[2]).toContain("lacks 2 of the 6 permissions of roles/container.defaultNodeServiceAccount on my-project: autoscaling.sites.writeMetrics, monitoring.timeSeries.list");
    expect(lines[2]).toContain("member: `serviceAccount:${nodesSa.email}`");
    // nothing is written when synth fails
    expect(fs.existsSync(path.join(r.outdir, "stacks/example-gke/cdk.tf.json"))).toBe(false);
  });

  it("under `cdktf synth` the same findings reach the manifest as errors (and unknowns as warnings)", () => {
    const r = run("bad.ts", dir, CLI_MODE);
    expect(r.status).toBe(0); // the CLI, not the app, turns error annotations into exit code 1
    const errors = errorLines(r.outdir);
    expect(errors.map((l) => l.split(" ").slice(0, 3).join(" ")).sort()).toEqual([
      "ERROR [example-gke/cluster]: GKE001",
      "ERROR [example-gke/pool]: GKE001",
      "ERROR [example-gke/service_agents]: GKE002",
    ]);
    const warnings = readManifest(r.outdir).stacks["example-gke"].annotations.filter((a: any) => a.level === "@cdktf/warn");
    const apiWarnings = warnings.filter((a: any) => a.message.startsWith("GKE003 "));
    expect(apiWarnings.map((a: any) => a.message.match(/enables (\S+) on my-project/)[1]).sort()).toEqual([
      "compute.googleapis.com",
      "container.googleapis.com",
    ]);
    for (const a of readManifest(r.outdir).stacks["example-gke"].annotations) expect(a.stacktrace).toBeUndefined();
  });
});

describe("a preflight added to the App with Aspects.of(app)", () => {
  it("does not silently pass: the process says so and exits 1", () => {
    const r = run(path.join(__dirname, "apps/aspect-on-app.ts"), REPO);
    expect(r.stderr).toContain("GkePreflight was created but never attached to a stack");
    expect(r.stderr).toContain("use GkePreflight.of(app)");
    expect(r.status).toBe(1);
  });
});

describe("a cdktn app in its own process", () => {
  it("fails synth on the finding without loading cdktf or the provider bindings", () => {
    const r = run(path.join(__dirname, "apps/cdktn-app.ts"), REPO);
    expect(r.status).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ cdktnLoaded: true, cdktfLoaded: false, providerLoaded: false });
    expect(result.failure).toMatch(/^\[gke\/pool\] GKE001 [Gg]ke-nodes@p1\.iam\.gserviceaccount\.com used by google_container_node_pool\.pool/m);
  });
});

describe("type-checking the apps (tsx and ts-jest only transpile)", () => {
  for (const project of ["stacks/tsconfig.json", "examples/cdktf-app/tsconfig.json"]) {
    it(`${project} compiles under strict`, () => {
      const r = spawnSync(process.execPath, [path.join(REPO, "node_modules/typescript/bin/tsc"), "-p", project], {
        cwd: REPO,
        encoding: "utf8",
        timeout: 180_000,
      });
      // only errors in the app and in the CDKTF door are this test's business
      const ours = r.stdout.split("\n").filter((l) => /^(stacks|examples\/cdktf-app|src\/cdktf)\//.test(l));
      expect(ours).toEqual([]);
    });
  }
});
