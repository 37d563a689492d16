import { sh } from "../text/shell";
import { serverConfigNeeds } from "../facts/live-resource-needs";
import type { Rule, RuleContext, Verdict } from "./types";
import { worstPerAddress } from "./worst-per-address";
import { isUnknown } from "../model/unknown";
import { CLUSTER, NODE_POOL } from "../facts/gke/node-identities";
import { VERSION_SKEW } from "../knowledge/preconditions";
import { comparePatch, controlPlaneVersion, nodeVersionUses, parseGkeVersion, type NodeVersionUse } from "../facts/versions";
import { textRemediation } from "./remediation";
import { hclString } from "./agent-grant-fix";
import type { Resource } from "../model/types";
import { attribute } from "../model/access";
import { unreadReason } from "../facts/live-resources";
import { offeredVersion, versionsAsked, type VersionAsked } from "../facts/version-offers";

/**
 * GKE015: GKE lets nodes run at most two minor versions older than the control plane and never
 * newer (GKE's own policy, stricter than open-source Kubernetes' skew for kubelets).
 */
export const gke015NodeVersionSkew: Rule = {
  meta: {
    id: "GKE015",
    slug: "node-version-skew",
    title: "Node versions are at most two minor versions older than the control plane, never newer",
    severity: "error",
    rationale:
      "Creating or updating a node pool at a version newer than the control plane, or more than two minor versions older, is rejected by GKE " +
      "(400 on the node pool), after the cluster has been created or changed.",
    googleDocUrl: VERSION_SKEW.sources[0].url,
    resourceTypes: [CLUSTER, NODE_POOL],
  },
  liveNeeds: serverConfigNeeds,
  check(ctx: RuleContext): Verdict[] {
    const skew = nodeVersionUses(ctx.gke).flatMap((use) => (use.resource.change === "delete" ? [] : [checkUse(use)]));
    return worstPerAddress([...skew, ...offeredVersions(ctx)]);
  },
};

/**
 * With --live: whether GKE offers each exact version the input asks for in the cluster's location
 * (the server config). Offline, and for a location --live did not read, nothing is said.
 */
function offeredVersions(ctx: RuleContext): Verdict[] {
  if (!ctx.live.enabled) return [];
  const verdicts: Verdict[] = [];
  for (const use of versionsAsked(ctx.gke)) {
    const version = typeof use.value === "string" ? parseGkeVersion(use.value) : undefined;
    if (!version || version.kind !== "exact") continue;
    const project = ctx.iam.catalog.projectOf(use.cluster).key;
    const location = use.cluster.values.location;
    if (!project || typeof location !== "string") continue;
    const name = `projects/${project}/locations/${location}`;
    const config = ctx.live.serverConfig(name);
    if (!config) continue;
    const address = use.resource.address;
    const details = { where: use.where, version: version.text, location };
    if ("unreadable" in config) {
      verdicts.push({ status: "unknown", address, message: `Whether GKE offers ${version.text} (${use.where} of ${address}) in ${location} is not known`, reason: unreadReason(`the server config of ${name}`, config), decideWith: sh`gcloud container get-server-config --location=${location} --project=${project}`, details });
      continue;
    }
    const channel = releaseChannel(use.cluster);
    const offer = offeredVersion(config.value, version, use.role, channel);
    const listName = channel ? `the ${channel} channel` : use.role === "control plane" ? "validMasterVersions" : "validNodeVersions";
    if (offer.offered) {
      verdicts.push({ status: "pass", address, message: `GKE offers ${version.text} (${use.where} of ${address}, for the ${use.role}) in ${location}: ${offer.as} is in ${listName} (read live)`, details });
    } else if (offer.inOtherLists) {
      verdicts.push({ status: "unknown", address, message: `${version.text} (${use.where} of ${address}) is offered in ${location} only in ${offer.inOtherLists}, not in ${listName} (read live)`, reason: `a cluster ${channel ? `in the ${channel} channel` : "without a release channel"} is offered the versions of ${listName}`, decideWith: sh`gcloud container get-server-config --location=${location} --project=${project}`, details });
    } else {
      verdicts.push({ status: "fail", address, message: `${address} asks for ${version.text} (${use.where}), which GKE does not offer for the ${use.role} in ${location} (read live; ${listName} holds ${describeList(channel ? (config.value.channels[channel]?.validVersions ?? []) : use.role === "control plane" ? config.value.validMasterVersions : config.value.validNodeVersions)})`, remediation: offeredFix(use, location), details });
    }
  }
  return verdicts;
}

function releaseChannel(cluster: Resource): string | undefined {
  const channel = attribute(cluster.values, "release_channel", "channel");
  return typeof channel === "string" && channel !== "UNSPECIFIED" ? channel : undefined;
}

function describeList(versions: readonly string[]): string {
  if (versions.length === 0) return "no versions";
  return versions.length <= 3 ? versions.join(", ") : `${versions.length} versions, newest ${versions[0]}`;
}

function offeredFix(use: VersionAsked, location: string) {
  return textRemediation(
    `Set ${use.where} of ${use.resource.address} to a version GKE offers in ${location}.`,
    [sh`gcloud container get-server-config --location=${location} --format=${use.role === "control plane" ? "yaml(validMasterVersions,channels)" : "yaml(validNodeVersions,channels)"}`],
    `// on ${use.resource.constructPath ?? use.resource.address}: a version from the server config`,
    `# in ${use.resource.address}:\n${use.where.replace(/^node_pool\[\d+\]\./, "")} = ${hclString("VERSION")} # one GKE offers in ${location}`,
  );
}

function checkUse(use: NodeVersionUse): Verdict {
  const address = use.resource.address;
  const { value, cluster } = use;
  const details: Record<string, unknown> = { where: use.where, nodeVersion: isUnknown(value) ? null : value };
  if (isUnknown(value)) return { status: "unknown", address, message: `The node version of ${address} (${use.where}) is only known after apply`, reason: value.reason, decideWith: "write the version as a literal", details };
  const node = typeof value === "string" ? parseGkeVersion(value) : undefined;
  if (!node) {
    return { status: "fail", address, message: `${address} sets ${use.where} = ${JSON.stringify(value)}, which is not a GKE version (1.X, 1.X.Y, 1.X.Y-gke.N, latest or -)`, remediation: fix(use, "a version GKE lists for the location"), details };
  }
  if (!cluster) return { status: "unknown", address, message: `${address} (${use.where}) runs ${node.text}, and its cluster is not in the input, so its control plane's version is not known`, reason: "the cluster is managed outside this configuration", decideWith: "gcloud container clusters describe CLUSTER --format='value(currentMasterVersion)'", details };
  const plane = controlPlaneVersion(cluster);
  if (!plane || isUnknown(plane.value)) {
    return { status: "unknown", address, message: `${address} (${use.where}) runs ${node.text}; the control plane of ${cluster.address} gets ${plane ? `a ${plane.from} only known after apply` : "GKE's default version (no min_master_version)"}`, reason: plane && isUnknown(plane.value) ? plane.value.reason : "the default version is chosen by GKE at creation", decideWith: "set min_master_version, or read the default with gcloud container get-server-config", details };
  }
  const master = typeof plane.value === "string" ? parseGkeVersion(plane.value) : undefined;
  details.controlPlaneVersion = plane.value;
  details.controlPlaneFrom = plane.from;
  if (!master) return { status: "unknown", address, message: `${cluster.address} sets ${plane.from} = ${JSON.stringify(plane.value)}, which is not a version this rule can compare`, reason: "not a GKE version", decideWith: "write 1.X, 1.X.Y or 1.X.Y-gke.N", details };
  if (node.kind === "alias" || master.kind === "alias") {
    return { status: "unknown", address, message: `${address} (${use.where}) runs ${node.text} against a control plane at ${master.text} (${plane.from}): ${node.kind === "alias" ? node.text : master.text} is resolved by GKE at apply`, reason: "latest and - are resolved by the server", decideWith: "write exact versions, or read them with gcloud container get-server-config", details };
  }
  const behind = master.minor - node.minor;
  const against = `${cluster.address}'s control plane at ${master.text} (${plane.from})`;
  if (behind > VERSION_SKEW.maxMinorVersionsBehind) {
    return { status: "fail", address, message: `${address} (${use.where}) runs ${node.text}, ${behind} minor versions older than ${against}: GKE allows at most ${VERSION_SKEW.maxMinorVersionsBehind}`, remediation: fix(use, `1.${master.minor - VERSION_SKEW.maxMinorVersionsBehind} or newer`), details };
  }
  const patch = comparePatch(node, master);
  if (patch === "newer") return { status: "fail", address, message: `${address} (${use.where}) runs ${node.text}, newer than ${against}: nodes cannot be newer than the control plane`, remediation: fix(use, `${master.text} or older`), details };
  if (patch === "maybe-newer") return { status: "unknown", address, message: `${address} (${use.where}) runs ${node.text} and ${against}: within one minor version, the patch GKE picks may be newer than the control plane`, reason: "a partial version stands for a patch GKE chooses", decideWith: "write both versions to the patch (1.X.Y-gke.N)", details };
  return { status: "pass", address, message: `${address} (${use.where}) runs ${node.text}, ${behind === 0 ? "the control plane's minor version" : `${behind} minor version${behind === 1 ? "" : "s"} older than ${against}`}`, details };
}

function fix(use: NodeVersionUse, wanted: string) {
  const name = String(use.resource.values.name ?? "POOL_NAME");
  const cluster = String(use.cluster?.values.name ?? "CLUSTER_NAME");
  const location = String(use.resource.values.location ?? use.cluster?.values.location ?? "LOCATION");
  return textRemediation(
    `Set ${use.where} of ${use.resource.address} to ${wanted}, or leave it unset so the nodes follow the control plane.`,
    [sh`gcloud container get-server-config --location=${location} --format=${"yaml(validNodeVersions)"}`, sh`gcloud container clusters upgrade ${cluster} --node-pool=${name} --location=${location} --cluster-version=VERSION`],
    `// on ${use.resource.constructPath ?? use.resource.address}: version: "VERSION" (${wanted}), or remove it`,
    `# in ${use.resource.address}:\n${use.where.replace(/^node_pool\[\d+\]\./, "")} = ${hclString("VERSION")} # ${wanted}, or remove it`,
  );
}
