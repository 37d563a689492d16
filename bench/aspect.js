#!/usr/bin/env node
"use strict";
// Synth of one ~N-resource CDKTF stack, with or without the preflight attached.
//
//   node bench/aspect.js --resources 1000 --with|--without [--repeat N] [--phases] [--lib DIR]
//
// Prints one JSON line per synth: {mode, resources, buildMs, synthMs, mainCpuMs, cpuMs, appSynthMs,
// loadMs?, findings?, synthError?, phases?}. The stack is drawn from the same seeded units as
// the generator; provider classes come from deep imports (never the provider-google index,
// which alone takes seconds to load).
//
// What is timed, so that nothing the preflight costs is left out:
// - without: `app.synth()`.
// - with: loading the library (`require`), `GkePreflight.of(app)` and `app.synth()`. A user
//   pays the load only because of the preflight, so it belongs to its cost; `loadMs` and
//   `appSynthMs` give the two parts.
// Both runs build the same stack first, so cdktf's own code is equally warm when the timer
// starts. On a shared machine wall time moves with other jobs' load; two CPU times over the
// same window move much less: `mainCpuMs`, the JavaScript thread alone (what synth waits for;
// Linux only), and `cpuMs`, every thread of the process (V8 also compiles and collects garbage
// on helper threads, which cost CPU but on an idle machine run beside the main thread).
// `--repeat N` synthesizes N freshly built apps in one process (the library is loaded once,
// in the first), to tell first-run costs (compilation, one-time initialisation) from the
// work itself. `--phases` also times cdktf's steps (prepareStack, every render of the stack,
// synthesize: hooks, annotation collection and write) the same way in both modes, and the
// preflight's hook with its parts: suppressions, engine (of which: model), the rest being the
// construct path map and the annotations.

const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { describeUnit } = require("./lib/units");

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const resourcesWanted = Number(option("--resources", 1000));
const withAspect = args.includes("--with");
const repeat = Math.max(1, Number(option("--repeat", 1)));
const libDir = path.resolve(option("--lib", path.join(__dirname, "..", "dist")));
const phases = args.includes("--phases");

// As `cdktf synth` runs an app: error annotations (the findings) are written to the manifest
// instead of aborting app.synth(), so both runs write every file and are compared like for like.
process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = "true";

const { App, TerraformStack } = require("cdktf");
const { Construct } = require("constructs");
const lib = (name) => require(`@cdktf/provider-google/lib/${name}`);
const { GoogleProvider } = lib("provider");
const { Project } = lib("project");
const { DataGoogleProject } = lib("data-google-project");
const { ProjectService } = lib("project-service");
const { ServiceAccount } = lib("service-account");
const { ProjectIamMember } = lib("project-iam-member");
const { ContainerCluster } = lib("container-cluster");
const { ContainerNodePool } = lib("container-node-pool");

/** One team project as constructs; returns how many resources it added. */
function addUnit(stack, u) {
  const scope = new Construct(stack, `${u.moduleName}-${u.projectId}`);
  let count = 0;
  const r = (x) => (count++, x);
  let projectId = u.projectId;
  let number;
  if (u.existing) {
    const data = new DataGoogleProject(scope, "project", { projectId: u.projectId });
    number = data.number;
  } else {
    const p = r(new Project(scope, "project", { projectId: u.projectId, name: u.projectId, billingAccount: "01A2B3-C4D5E6-F7A8B9", folderId: "123456789012", autoCreateNetwork: false }));
    projectId = p.projectId;
    number = p.number;
  }
  const apis = new Map();
  for (const api of u.apis) apis.set(api, r(new ProjectService(scope, `api-${api.split(".")[0]}`, { project: projectId, service: api, disableOnDestroy: false })));
  const nodes = r(new ServiceAccount(scope, "nodes", { project: projectId, accountId: "gke-nodes", displayName: `GKE nodes of ${u.projectId}` }));
  for (const role of u.nodeRoles) r(new ProjectIamMember(scope, `node-${role.split("/")[1]}`, { project: projectId, role, member: `serviceAccount:${nodes.email}` }));
  if (u.robot === "keep") r(new ProjectIamMember(scope, "gke-robot", { project: projectId, role: "roles/container.serviceAgent", member: `serviceAccount:service-${number}@container-engine-robot.iam.gserviceaccount.com` }));
  for (const w of u.workloads) {
    const sa = r(new ServiceAccount(scope, `wl-${w.name}`, { project: projectId, accountId: w.name, displayName: `Workload ${w.name}` }));
    for (const role of w.roles) r(new ProjectIamMember(scope, `wl-${w.name}-${role.split("/")[1]}`, { project: projectId, role, member: `serviceAccount:${sa.email}` }));
  }
  if (u.cluster) {
    const sa = u.defaultSa ? `${number}-compute@developer.gserviceaccount.com` : nodes.email;
    const container = apis.get("container.googleapis.com");
    const cluster = r(new ContainerCluster(scope, "cluster", {
      project: projectId, name: `${u.projectId}-gke`.slice(0, 40), location: u.region, initialNodeCount: 1, removeDefaultNodePool: true, deletionProtection: true,
      nodeConfig: { serviceAccount: sa, oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"], machineType: "e2-small" },
      releaseChannel: { channel: u.cluster.channel }, workloadIdentityConfig: { workloadPool: `${u.projectId}.svc.id.goog` },
      dependsOn: container ? [container] : undefined,
    }));
    for (const p of u.pools) {
      r(new ContainerNodePool(scope, p.name, {
        project: projectId, cluster: cluster.id, location: u.region, name: p.name,
        autoscaling: { minNodeCount: p.min, maxNodeCount: p.max }, management: { autoRepair: true, autoUpgrade: true },
        nodeConfig: { serviceAccount: sa, machineType: p.machine, spot: p.spot, oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"] },
      }));
    }
  }
  return count;
}

const now = () => process.hrtime.bigint();
const ms = (a, b) => Number(b - a) / 1e6;
const cpuMs = (since) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};
/** CPU time of the main (JavaScript) thread alone, in ns (Linux: schedstat, to a scheduler tick), else undefined. */
const schedstat = `/proc/self/task/${process.pid}/schedstat`;
const mainThreadNs = () => {
  try {
    return BigInt(fs.readFileSync(schedstat, "utf8").split(" ")[0]);
  } catch {
    return undefined;
  }
};

/** Wall time spent in cdktf's own steps, by name, for --phases (same wrappers in both modes). */
const phaseMs = {};
function wrapMethod(proto, name, label) {
  const original = proto[name];
  proto[name] = function timed(...a) {
    const t = now();
    try {
      return original.apply(this, a);
    } finally {
      phaseMs[label] = (phaseMs[label] || 0) + ms(t, now());
      phaseMs[`${label}Calls`] = (phaseMs[`${label}Calls`] || 0) + 1;
    }
  };
}
function timePhases() {
  const cdktf = require("cdktf");
  const { StackSynthesizer } = require("cdktf/lib/synthesize/synthesizer");
  const wrap = wrapMethod;
  wrap(cdktf.TerraformStack.prototype, "prepareStack", "prepareStack");
  // Only real renders: the preflight's hand-over of the rendering it checked is an own
  // property of the stack and shadows this one, so it is not counted as a render.
  wrap(cdktf.TerraformStack.prototype, "toTerraform", "render");
  wrap(StackSynthesizer.prototype, "synthesize", "synthesize");
}
if (phases) timePhases();

function buildApp(outdir) {
  const app = new App({ outdir, stackTraces: false });
  const stack = new TerraformStack(app, "platform");
  new GoogleProvider(stack, "google", { project: "platform-admin-0001", region: "europe-west1" });
  let resources = 0;
  for (let i = 0; resources < resourcesWanted; i++) resources += addUnit(stack, describeUnit(1, i));
  return { app, resources };
}

function synthOnce(first) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "preflight-aspect-"));
  const t0 = now();
  const { app, resources } = buildApp(outdir);
  for (const k of Object.keys(phaseMs)) delete phaseMs[k];
  const t1 = now();
  const c1 = process.cpuUsage();
  const m1 = mainThreadNs();
  let preflight;
  let loadMs;
  if (withAspect) {
    const { GkePreflight } = require(path.join(libDir, "cdktf"));
    preflight = GkePreflight.of(app, { unknown: "warn" });
    loadMs = first ? ms(t1, now()) : undefined;
    if (phases && first) {
      wrapMethod(GkePreflight.prototype, "runOn", "preflight");
      // Its parts, through the module exports its compiled code calls (tsc's CommonJS output
      // reads them at each call). The modules are loaded by now: this adds no load.
      wrapMethod(require(path.join(libDir, "cdktf", "suppress")), "writeSuppressionsUnder", "suppressions");
      wrapMethod(require(path.join(libDir, "engine", "check")), "checkTerraformJson", "engine");
      wrapMethod(require(path.join(libDir, "inputs", "terraform-json")), "modelFromTerraformJson", "model");
    }
  }
  const t2 = now();
  let synthError;
  try {
    app.synth();
  } catch (error) {
    synthError = String(error.message || error).split("\n")[0];
  }
  const t3 = now();
  const cpu = cpuMs(c1);
  const m3 = mainThreadNs();
  const findings = preflight ? [...preflight.lastResults.values()].reduce((n, r) => n + r.findings.length, 0) : undefined;
  fs.rmSync(outdir, { recursive: true, force: true });
  return {
    mode: withAspect ? "with" : "without",
    resources,
    buildMs: ms(t0, t1),
    synthMs: ms(t1, t3),
    cpuMs: cpu,
    mainCpuMs: m1 !== undefined && m3 !== undefined ? ms(m1, m3) : undefined,
    appSynthMs: ms(t2, t3),
    loadMs,
    findings,
    synthError,
    phases: phases ? { ...phaseMs } : undefined,
  };
}

function main() {
  for (let i = 0; i < repeat; i++) console.log(JSON.stringify(synthOnce(i === 0)));
}

if (require.main === module) main();
else module.exports = { buildApp };
