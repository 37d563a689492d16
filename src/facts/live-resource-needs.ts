import type { Model } from "../model/types";
import type { IamIndex } from "./iam/index-grants";
import type { GkeFacts } from "./gke/node-identities";
import type { Facts } from "./index";
import type { LiveNeeds } from "./live-request";
import { clusterSubnetwork } from "./shared-vpc";
import { secondaryRangeUses, subnetworkToReadLive } from "./secondary-ranges";
import { createdByThisApply } from "./targets";
import { agentGrants } from "./agent-grants";
import { versionsAsked } from "./version-offers";
import { isCreated } from "../model/change";

/**
 * What GKE012–GKE017 ask `--live` to read (each rule's `liveNeeds`): only what the input cannot
 * decide and what exists outside this apply (a thing the apply creates has no grants from
 * elsewhere yet, and nothing to read).
 */
interface Context {
  model: Model;
  iam: IamIndex;
  gke: GkeFacts;
  facts: Facts;
}

const existing = (ctx: Context, project: string | undefined) => (project !== undefined && !ctx.iam.catalog.isCreatedHere(project) ? project : undefined);

/** GKE012: the host project (its policy and its ancestors'), and the subnetwork's own IAM policy. */
export function sharedVpcNeeds(ctx: Context): LiveNeeds {
  const projects: string[] = [];
  const subnetworks: NonNullable<LiveNeeds["subnetworks"]> = {};
  for (const network of ctx.facts.sharedVpc.clusters) {
    const host = existing(ctx, network.host.key);
    if (!host || network.hostCreatedByThisApply) continue;
    projects.push(host);
    if (network.subnetwork?.path && !createdByThisApply(network.subnetwork)) subnetworks[network.subnetwork.path] = ["iamPolicy"];
  }
  return { projects, subnetworks };
}

/** GKE016: the secondary ranges of a subnetwork the input names by path and does not hold (or reads with a data source only at apply). */
export function secondaryRangeNeeds(ctx: Context): LiveNeeds {
  const subnetworks: NonNullable<LiveNeeds["subnetworks"]> = {};
  for (const use of secondaryRangeUses(ctx.gke)) {
    if (typeof use.name !== "string") continue;
    const path = subnetworkToReadLive(clusterSubnetwork(use.cluster, ctx.model, ctx.iam.catalog));
    const project = path ? /^projects\/([^/]+)\//.exec(path)?.[1] : undefined;
    if (path && existing(ctx, project)) subnetworks[path] = ["secondaryRanges"];
  }
  return { subnetworks };
}

/** GKE014: each existing key's state and the policies of the key, its ring and its project. */
export function cryptoKeyNeeds(ctx: Context): LiveNeeds {
  const cryptoKeys: string[] = [];
  const projects: string[] = [];
  const kms = ctx.facts.kmsKeys;
  for (const use of kms.uses) {
    if (!use.key.path || createdByThisApply(use.key) || (use.ring && createdByThisApply(use.ring))) continue;
    const keyProject = existing(ctx, use.keyProject);
    if (!keyProject || kms.projectsCreated.has(keyProject)) continue;
    cryptoKeys.push(use.key.path);
    projects.push(keyProject);
  }
  return { cryptoKeys, projects };
}

/** GKE013: the clusters of an existing project whose pool a grant needs, when the input shows none there. */
export function workloadPoolNeeds(ctx: Context): LiveNeeds {
  const { clusters, grants, projectsCreated } = ctx.facts.workloadIdentity;
  const workloadPoolProjects: string[] = [];
  for (const grant of grants) {
    const project = existing(ctx, grant.poolProject.key);
    if (!project || projectsCreated.has(project)) continue;
    if (clusters.some((use) => use.poolProject === project && !isCreated(use.cluster))) continue;
    workloadPoolProjects.push(project);
  }
  return { workloadPoolProjects };
}

/** GKE015: the server config of each location where the apply asks for a version, in an existing project. */
export function serverConfigNeeds(ctx: Context): LiveNeeds {
  const pinned = new Set(versionsAsked(ctx.gke).map((use) => use.cluster));
  const serverConfigs: string[] = [];
  for (const cluster of pinned) {
    const project = existing(ctx, ctx.iam.catalog.projectOf(cluster).key);
    const location = cluster.values.location;
    if (project && typeof location === "string" && location) serverConfigs.push(`projects/${project}/locations/${location}`);
  }
  return { serverConfigs };
}

/** GKE017: the enabled services of the project whose agent a grant names (it may not be the grant's project). */
export function agentProjectNeeds(ctx: Context): LiveNeeds {
  return { projects: agentGrants(ctx.model, ctx.iam.catalog).flatMap((grant) => existing(ctx, grant.agentProject.key) ?? []) };
}
