/**
 * How much does the preflight add to `app.synth()`? Builds a stack of about 1,000 resources
 * (GKE clusters with node pools, service accounts, grants, APIs, buckets), then synthesizes it
 * many times with and without `GkePreflight.of(app)`, alternating, and prints medians.
 *
 *   npx tsx test/cdktf/bench/synth-time.ts [runs=15] [teams=40]
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
import { StorageBucket } from "@cdktf/provider-google/lib/storage-bucket";
import { GkePreflight } from "../../../src/cdktf";
import { checkTerraformJson } from "../../../src/engine/check";

const runs = Number(process.argv[2] ?? 15);
const teams = Number(process.argv[3] ?? 40);

function build(withPreflight: boolean): { app: App; stack: TerraformStack; resources: number } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "preflight-bench-"));
  const app = new App({ outdir });
  if (withPreflight) GkePreflight.of(app);
  const stack = new TerraformStack(app, "big");
  new GoogleProvider(stack, "google", { project: "bench-project", region: "europe-west1" });
  const apis = ["container.googleapis.com", "compute.googleapis.com"].map(
    (service) => new ProjectService(stack, service.split(".")[0], { service, disableOnDestroy: false }),
  );
  let count = 2;
  for (let t = 0; t < teams; t++) {
    const sa = new ServiceAccount(stack, `t${t}_nodes`, { accountId: `team-${t}-nodes` });
    const grant = new ProjectIamMember(stack, `t${t}_node_role`, {
      project: "bench-project",
      role: "roles/container.defaultNodeServiceAccount",
      member: `serviceAccount:${sa.email}`,
    });
    const cluster = new ContainerCluster(stack, `t${t}_cluster`, {
      name: `team-${t}`,
      location: "europe-west1",
      removeDefaultNodePool: true,
      initialNodeCount: 1,
      nodeConfig: { serviceAccount: sa.email },
      dependsOn: [...apis, grant],
    });
    count += 3;
    for (let p = 0; p < 4; p++) {
      new ContainerNodePool(stack, `t${t}_pool${p}`, {
        name: `pool-${p}`,
        cluster: cluster.name,
        location: "europe-west1",
        nodeConfig: { serviceAccount: sa.email, machineType: "e2-standard-4" },
      });
      count++;
    }
    for (let b = 0; b < 18; b++) {
      new StorageBucket(stack, `t${t}_bucket${b}`, { name: `team-${t}-data-${b}`, location: "EU" });
      count++;
    }
  }
  return { app, stack, resources: count };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

let lastCpuMs = 0;
/** Wall time in ms; the CPU time of the same call (less sensitive to other load) goes to lastCpuMs. */
function time(fn: () => void): number {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  fn();
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(c0);
  lastCpuMs = (cpu.user + cpu.system) / 1000;
  return wall;
}

const plain: number[] = [];
const gated: number[] = [];
const plainCpu: number[] = [];
const gatedCpu: number[] = [];
const toTf: number[] = [];
const engine: number[] = [];
let resources = 0;
for (let i = 0; i < runs + 2; i++) {
  const a = build(false);
  const b = build(true);
  resources = a.resources;
  const tPlain = time(() => a.app.synth());
  const cPlain = lastCpuMs;
  const tGated = time(() => b.app.synth());
  const cGated = lastCpuMs;
  // the two parts the preflight adds, measured on their own
  let json: Record<string, unknown> = {};
  const tJson = time(() => (json = b.stack.toTerraform()));
  const tEngine = time(() => checkTerraformJson(json, { file: "big/cdk.tf.json", stack: "big" }));
  if (i >= 2) {
    // the first two rounds warm up the JIT
    plain.push(tPlain);
    gated.push(tGated);
    plainCpu.push(cPlain);
    gatedCpu.push(cGated);
    toTf.push(tJson);
    engine.push(tEngine);
  }
  fs.rmSync(a.app.outdir, { recursive: true, force: true });
  fs.rmSync(b.app.outdir, { recursive: true, force: true });
}
const r = (x: number) => Math.round(x);
console.log(
  JSON.stringify(
    {
      node: process.version,
      resources,
      runs,
      synthMedianMs: { withoutPreflight: r(median(plain)), withPreflight: r(median(gated)) },
      // per-round differences (both synths of a round ran back to back under the same load)
      addedPairedMedianMs: r(median(gated.map((g, i) => g - plain[i]))),
      addedPercent: Math.round((median(gated.map((g, i) => g - plain[i])) / median(plain)) * 100),
      // CPU time of the process (includes GC and, on a loaded machine, varies far less than wall time)
      synthCpuMedianMs: { withoutPreflight: r(median(plainCpu)), withPreflight: r(median(gatedCpu)) },
      addedCpuPairedMedianMs: r(median(gatedCpu.map((g, i) => g - plainCpu[i]))),
      synthMinMs: { withoutPreflight: r(Math.min(...plain)), withPreflight: r(Math.min(...gated)) },
      partsMedianMs: { stackToTerraform: r(median(toTf)), engineCheck: r(median(engine)) },
      rawMs: { withoutPreflight: plain.map(r), withPreflight: gated.map(r) },
    },
    null,
    2,
  ),
);
