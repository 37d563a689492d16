#!/usr/bin/env node
"use strict";
// Synth of one ~N-resource CDKTF stack, with or without the preflight attached.
//
//   node bench/aspect.js --resources 1000 --with|--without
//
// Prints one JSON line: {mode, resources, buildMs, synthMs, findings?, synthError?}.
// The stack is drawn from the same seeded units as the generator; provider classes come from
// deep imports (never the provider-google index, which alone takes seconds to load).

const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { describeUnit } = require("./lib/units");

const args = process.argv.slice(2);
const resourcesWanted = Number(args[args.indexOf("--resources") + 1] || 1000);
const withAspect = args.includes("--with");

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

function main() {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "preflight-aspect-"));
  const t0 = process.hrtime.bigint();
  const app = new App({ outdir, stackTraces: false });
  const stack = new TerraformStack(app, "platform");
  new GoogleProvider(stack, "google", { project: "platform-admin-0001", region: "europe-west1" });
  let resources = 0;
  for (let i = 0; resources < resourcesWanted; i++) resources += addUnit(stack, describeUnit(1, i));
  let preflight;
  if (withAspect) {
    const { GkePreflight } = require(path.join(__dirname, "..", "dist", "cdktf"));
    preflight = GkePreflight.of(app, { unknown: "warn" });
  }
  const t1 = process.hrtime.bigint();
  let synthError;
  try {
    app.synth();
  } catch (error) {
    synthError = String(error.message || error).split("\n")[0];
  }
  const t2 = process.hrtime.bigint();
  const findings = preflight ? [...preflight.lastResults.values()].reduce((n, r) => n + r.findings.length, 0) : undefined;
  fs.rmSync(outdir, { recursive: true, force: true });
  const ms = (a, b) => Number(b - a) / 1e6;
  console.log(JSON.stringify({ mode: withAspect ? "with" : "without", resources, buildMs: ms(t0, t1), synthMs: ms(t1, t2), findings, synthError }));
}

main();
