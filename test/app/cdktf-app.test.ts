/**
 * A cdktf.out is checked as one app: what a stack needs from another stack is ordered only
 * when manifest.json says the stack depends on it. The apps are synthesized with cdktf itself.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App, TerraformStack } from "cdktf";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { ProjectService } from "@cdktf/provider-google/lib/project-service";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { ContainerCluster } from "@cdktf/provider-google/lib/container-cluster";
import { ContainerNodePool } from "@cdktf/provider-google/lib/container-node-pool";
import { loadInputs } from "../../src/inputs/load";
import { checkModel } from "../../src/engine/check";
import type { Finding } from "../../src/rules/types";
import { GkePreflight } from "../../src/cdktf";

const aspects = new Map<string, GkePreflight>();

const ROLE = "roles/container.defaultNodeServiceAccount";

interface AppOptions {
  /** Attach the aspect (rules: GKE007) before synth; its results are kept in `aspects`. */
  withAspect?: boolean;
  /** The gke stack declares its dependency on the platform stack (addDependency). */
  gkeDependsOnPlatform: boolean;
  /** The pools stack declares its dependency on the gke stack. */
  poolsDependOnGke: boolean;
  /** The cluster reads the node account's email from the platform stack (a cross-stack reference). */
  crossStackEmail?: boolean;
}

/** platform: APIs, node account and its grant; gke: the cluster; pools: a pool naming the cluster by its literal name. */
function synthApp(options: AppOptions): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "preflight-app-"));
  const app = new App({ outdir });
  const platform = new TerraformStack(app, "platform");
  new GoogleProvider(platform, "google", { project: "acme-gke", region: "europe-west1" });
  for (const service of ["container.googleapis.com", "compute.googleapis.com"]) {
    new ProjectService(platform, service.split(".")[0], { project: "acme-gke", service, disableOnDestroy: false });
  }
  const sa = new ServiceAccount(platform, "nodes", { project: "acme-gke", accountId: "gke-nodes" });
  new ProjectIamMember(platform, "nodes_role", { project: "acme-gke", role: ROLE, member: `serviceAccount:${sa.email}` });

  const gke = new TerraformStack(app, "gke");
  new GoogleProvider(gke, "google", { project: "acme-gke", region: "europe-west1" });
  new ContainerCluster(gke, "cluster", {
    project: "acme-gke",
    name: "acme-primary",
    location: "europe-west1",
    removeDefaultNodePool: true,
    initialNodeCount: 1,
    deletionProtection: false,
    nodeConfig: { serviceAccount: options.crossStackEmail ? sa.email : "gke-nodes@acme-gke.iam.gserviceaccount.com" },
  });
  if (options.gkeDependsOnPlatform) gke.addDependency(platform);

  const pools = new TerraformStack(app, "pools");
  new GoogleProvider(pools, "google", { project: "acme-gke", region: "europe-west1" });
  new ContainerNodePool(pools, "general", {
    project: "acme-gke",
    name: "general",
    cluster: "acme-primary",
    location: "europe-west1",
    nodeConfig: { serviceAccount: "gke-nodes@acme-gke.iam.gserviceaccount.com" },
  });
  if (options.poolsDependOnGke) pools.addDependency(gke);
  if (options.withAspect) aspects.set(outdir, GkePreflight.of(app, { rules: ["GKE007"], failOn: "never" }));
  app.synth();
  return outdir;
}

function check(outdir: string): Finding[] {
  return loadInputs(outdir).flatMap((model) => checkModel(model, { includePass: true, rules: ["GKE007"] }));
}

const gke007 = (findings: Finding[]) => findings.map((f) => `${f.status} ${f.stack}:${f.address}`).sort();

afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});
const made: string[] = [];
const synth = (options: AppOptions) => {
  const dir = synthApp(options);
  made.push(dir);
  return dir;
};

test("stacks that depend on what they need pass GKE007", () => {
  const findings = check(synth({ gkeDependsOnPlatform: true, poolsDependOnGke: true }));
  expect(gke007(findings)).toEqual(["pass gke:google_container_cluster.cluster", "pass pools:google_container_node_pool.general"]);
  const cluster = findings.find((f) => f.stack === "gke")!;
  expect(cluster.details?.waitsFor).toEqual(expect.arrayContaining(["platform:google_project_service.container", "platform:google_project_iam_member.nodes_role"]));
});

test("a pool that names a cluster of another stack by literal, without a stack dependency, fails GKE007", () => {
  const findings = check(synth({ gkeDependsOnPlatform: true, poolsDependOnGke: false }));
  expect(gke007(findings)).toEqual(["fail pools:google_container_node_pool.general", "pass gke:google_container_cluster.cluster"]);
  const pool = findings.find((f) => f.stack === "pools")!;
  expect(pool.message).toContain('names its cluster by the literal "acme-primary", created by google_container_cluster.cluster in stack gke, and stack pools does not depend on it');
  // Without a dependency on gke, pools is not deployed after platform either.
  expect(pool.details?.missing).toEqual(["gke:google_container_cluster.cluster", "platform:google_project_service.container", "platform:google_project_iam_member.nodes_role"]);
  expect(pool.remediation.cdktf).toBe("poolsStack.addDependency(gkeStack);\npoolsStack.addDependency(platformStack);");
});

test("a cluster whose API and node grant are in a stack it does not depend on fails GKE007", () => {
  const findings = check(synth({ gkeDependsOnPlatform: false, poolsDependOnGke: true }));
  const cluster = findings.find((f) => f.stack === "gke")!;
  expect(cluster.status).toBe("fail");
  expect(cluster.details?.missing).toEqual(["platform:google_project_service.container", "platform:google_project_iam_member.nodes_role"]);
});

test("a cross-stack reference makes cdktf write the stack dependency, which orders the cluster", () => {
  const outdir = synth({ gkeDependsOnPlatform: false, poolsDependOnGke: true, crossStackEmail: true });
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
  expect(manifest.stacks.gke.dependencies).toEqual(["platform"]);
  expect(gke007(check(outdir))).toEqual(["pass gke:google_container_cluster.cluster", "pass pools:google_container_node_pool.general"]);
});

test("a cross-stack reference whose dependency was taken out of manifest.json fails; without any dependencies list, unknown", () => {
  const outdir = synth({ gkeDependsOnPlatform: false, poolsDependOnGke: true, crossStackEmail: true });
  const file = path.join(outdir, "manifest.json");
  const manifest = JSON.parse(fs.readFileSync(file, "utf8"));
  manifest.stacks.gke.dependencies = [];
  fs.writeFileSync(file, JSON.stringify(manifest));
  const cluster = check(outdir).find((f) => f.stack === "gke")!;
  expect(cluster.status).toBe("fail");
  expect(cluster.message).toContain("reads outputs of stack platform through data.terraform_remote_state.cross-stack-reference-input-platform");
  delete manifest.stacks.gke.dependencies;
  fs.writeFileSync(file, JSON.stringify(manifest));
  const undecided = check(outdir).find((f) => f.stack === "gke")!;
  expect(undecided.status).toBe("unknown");
  expect(undecided.message).toContain("the manifest does not list the dependencies of stack gke");
});

test("stacks held in memory (the aspect's door) are checked as one app, as their cdktf.out is", () => {
  const { modelsOfApp } = require("../../src/inputs/cdktf-out") as typeof import("../../src/inputs/cdktf-out");
  const outdir = synth({ gkeDependsOnPlatform: true, poolsDependOnGke: false });
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
  const stacks = Object.values(manifest.stacks as Record<string, { name: string; synthesizedStackPath: string; dependencies: string[] }>).map((s) => ({
    name: s.name,
    file: path.join(outdir, s.synthesizedStackPath),
    json: JSON.parse(fs.readFileSync(path.join(outdir, s.synthesizedStackPath), "utf8")),
    dependencies: s.dependencies,
  }));
  const inMemory = modelsOfApp(stacks).flatMap((m) => checkModel(m, { includePass: true, rules: ["GKE007"] }));
  expect(gke007(inMemory)).toEqual(gke007(check(outdir)));
  expect(gke007(inMemory)).toContain("fail pools:google_container_node_pool.general");
});

test("the aspect checks the app as the CLI checks its cdktf.out: same GKE007 verdicts on every stack", () => {
  for (const options of [
    { gkeDependsOnPlatform: true, poolsDependOnGke: true },
    { gkeDependsOnPlatform: true, poolsDependOnGke: false },
    { gkeDependsOnPlatform: false, poolsDependOnGke: true },
    { gkeDependsOnPlatform: false, poolsDependOnGke: true, crossStackEmail: true },
  ]) {
    const outdir = synth({ ...options, withAspect: true });
    const results = [...aspects.get(outdir)!.lastResults.values()].flatMap((r) => r.findings.filter((f) => f.ruleId === "GKE007"));
    const cli = check(outdir).filter((f) => f.status !== "pass");
    expect(gke007(results)).toEqual(gke007(cli));
  }
  // The case the stack-by-stack aspect passed: a pool naming another stack's cluster by literal.
  const outdir = synth({ gkeDependsOnPlatform: true, poolsDependOnGke: false, withAspect: true });
  const pool = [...aspects.get(outdir)!.lastResults.values()].flatMap((r) => r.findings).find((f) => f.ruleId === "GKE007" && f.stack === "pools");
  expect(pool?.status).toBe("fail");
});
