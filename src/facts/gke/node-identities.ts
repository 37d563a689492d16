import type { Model, Resource, Value, Values } from "../../model/types";
import { isUnknown } from "../../model/unknown";
import { attribute, block, blocks, booleanAttribute } from "../../model/access";
import type { IamIndex } from "../iam/index-grants";
import type { Identity } from "../iam/identity";
import type { ProjectResolution } from "../iam/projects";
import { addToList } from "../../model/multimap";
import { withoutInstanceKey } from "../../model/addresses";
import { possibleMajors, type MajorRange } from "./provider-version";

export const CLUSTER = "google_container_cluster";
export const NODE_POOL = "google_container_node_pool";

/** One place where GKE nodes get a service account. */
export interface NodeIdentityUse {
  /** The cluster or node pool that sets it. */
  resource: Resource;
  /** The cluster the nodes belong to, when known. */
  cluster?: Resource;
  /** Where in the resource, e.g. `node_config.service_account`. */
  where: string;
  /** The raw value (email, `default`, unset, or unknown). */
  value: Value | undefined;
  identity: Identity;
  project: ProjectResolution;
  /** True for the node pool GKE creates with the cluster and Terraform deletes afterwards. */
  temporaryDefaultPool: boolean;
  /** The access scopes of the same nodes (`oauth_scopes` beside the service account); unset: GKE's defaults. */
  scopes: Value | undefined;
}

export interface ClusterFacts {
  resource: Resource;
  project: ProjectResolution;
  autopilot: boolean | "unknown";
  nodePools: Resource[];
}

/** Everything about GKE in one input that several rules need, computed once. */
export interface GkeFacts {
  clusters: ClusterFacts[];
  nodePools: Array<{ resource: Resource; cluster?: Resource; clusterByLiteralName: boolean; project: ProjectResolution }>;
  nodeIdentities: NodeIdentityUse[];
  /**
   * The google provider majors the input's version constraint admits, read once for every rule
   * (GKE003, GKE008, GKE009); undefined when no constraint is stated or none can be met.
   */
  googleProviderMajors: MajorRange | undefined;
}

/**
 * One use per resource and node account: a cluster whose default pool and auto-provisioning
 * share an account is checked once for it.
 */
export function distinctNodeIdentities(gke: GkeFacts): NodeIdentityUse[] {
  const seen = new Set<string>();
  return gke.nodeIdentities.filter((use) => {
    const key = `${use.resource.address}|${use.identity.key ?? use.where}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function gkeFacts(model: Model, iam: IamIndex): GkeFacts {
  const clusters = (model.byType.get(CLUSTER) ?? []).filter(willExist);
  const poolResources = (model.byType.get(NODE_POOL) ?? []).filter(willExist);
  const lookup = clusterLookup(clusters);
  const nodePools = poolResources.map((pool) => {
    const { cluster, byLiteralName } = clusterOfPool(pool, lookup);
    const own = pool.values.project;
    const project = own !== undefined && own !== null ? iam.catalog.projectOf(pool) : cluster ? iam.catalog.projectOf(cluster) : iam.catalog.projectOf(pool);
    return { resource: pool, cluster, clusterByLiteralName: byLiteralName, project };
  });
  const poolsOfCluster = new Map<Resource, Resource[]>();
  for (const p of nodePools) {
    if (p.cluster) addToList(poolsOfCluster, p.cluster, p.resource);
  }
  const clusterFacts: ClusterFacts[] = clusters.map((c) => ({
    resource: c,
    project: iam.catalog.projectOf(c),
    autopilot: autopilotOf(c.values),
    nodePools: poolsOfCluster.get(c) ?? [],
  }));
  const uses: NodeIdentityUse[] = [];
  for (const cluster of clusterFacts) uses.push(...clusterNodeIdentities(cluster, iam));
  for (const pool of nodePools) {
    const value = attribute(pool.resource.values, "node_config", "service_account");
    uses.push(use(pool.resource, pool.cluster, "node_config.service_account", value, pool.project, iam, false, attribute(pool.resource.values, "node_config", "oauth_scopes")));
  }
  return { clusters: clusterFacts, nodePools, nodeIdentities: uses, googleProviderMajors: possibleMajors(model.googleProviderVersion) };
}

function clusterNodeIdentities(cluster: ClusterFacts, iam: IamIndex): NodeIdentityUse[] {
  const { resource, project } = cluster;
  const values = resource.values;
  const uses: NodeIdentityUse[] = [];
  const napDefaults = block(attribute(values, "cluster_autoscaling", "auto_provisioning_defaults"));
  const napEnabled = booleanAttribute(values, "cluster_autoscaling", "enabled");
  if (cluster.autopilot !== false || napEnabled === true) {
    const where = "cluster_autoscaling.auto_provisioning_defaults.service_account";
    uses.push(use(resource, resource, where, napDefaults?.service_account, project, iam, false, napDefaults?.oauth_scopes));
    if (cluster.autopilot === true) return uses;
  }
  // In a plan, node_pool is computed (unknown) when the configuration sets none.
  const nodePools = isComputedOnly(values.node_pool) ? undefined : values.node_pool;
  if (isUnknown(nodePools)) {
    uses.push(use(resource, resource, "node_pool[*].node_config.service_account", nodePools, project, iam, false, nodePools));
    return uses;
  }
  const inlinePools = blocks(nodePools);
  inlinePools.forEach((pool, i) => {
    uses.push(use(resource, resource, `node_pool[${i}].node_config.service_account`, attribute(pool, "node_config", "service_account"), project, iam, false, attribute(pool, "node_config", "oauth_scopes")));
  });
  // Without inline pools, GKE creates a default pool from node_config, even when
  // remove_default_node_pool deletes it right after: its account must work for that moment.
  if (inlinePools.length === 0) {
    const remove = booleanAttribute(values, "remove_default_node_pool") === true;
    uses.push(use(resource, resource, "node_config.service_account", attribute(values, "node_config", "service_account"), project, iam, remove, attribute(values, "node_config", "oauth_scopes")));
  }
  return uses;
}

function use(resource: Resource, cluster: Resource | undefined, where: string, raw: Value | undefined, project: ProjectResolution, iam: IamIndex, temporaryDefaultPool: boolean, scopes: Value | undefined): NodeIdentityUse {
  // In a plan, a service account the configuration leaves unset is computed by the
  // provider: an unknown value with no reference behind it means "default".
  const value = isComputedOnly(raw) ? undefined : raw;
  return { resource, cluster, where, value, identity: iam.identities.nodeServiceAccount(value, project.key), project, temporaryDefaultPool, scopes: isComputedOnly(scopes) ? undefined : scopes };
}

/** A plan's unknown with no reference behind it: the provider computes it, the configuration does not set it. */
function isComputedOnly(value: Value | undefined): boolean {
  return isUnknown(value) && value.computedByProvider;
}

function autopilotOf(values: Values): boolean | "unknown" {
  const v = booleanAttribute(values, "enable_autopilot");
  if (isUnknown(v)) return "unknown";
  return v === true;
}

function willExist(r: Resource): boolean {
  return r.mode === "managed" && r.change !== "delete";
}

/** Clusters by address (instances under their base address too) and by name, built once. */
interface ClusterLookup {
  byAddress: Map<string, Resource>;
  byName: Map<string, Resource>;
}

function clusterLookup(clusters: Resource[]): ClusterLookup {
  const byAddress = new Map<string, Resource>();
  const byName = new Map<string, Resource>();
  for (const c of clusters) {
    byAddress.set(c.address, c);
    const base = withoutInstanceKey(c.address);
    if (!byAddress.has(base)) byAddress.set(base, c);
    if (typeof c.values.name === "string" && !byName.has(c.values.name)) byName.set(c.values.name, c);
  }
  return { byAddress, byName };
}

/** A node pool names its cluster by reference (`${google_container_cluster.x.name}`) or by a literal. */
function clusterOfPool(pool: Resource, clusters: ClusterLookup): { cluster?: Resource; byLiteralName: boolean } {
  const value = pool.values.cluster;
  if (isUnknown(value)) {
    for (const ref of value.references) {
      const cluster = clusters.byAddress.get(ref.replace(/\.(name|id|self_link)$/, ""));
      if (cluster) return { cluster, byLiteralName: false };
    }
    return { byLiteralName: false };
  }
  const viaReference = pool.references.map((a) => clusters.byAddress.get(a)).find((c) => c !== undefined);
  if (typeof value === "string") {
    const name = value.split("/").pop() ?? value;
    if (viaReference && viaReference.values.name === name) return { cluster: viaReference, byLiteralName: false };
    const byName = clusters.byName.get(name);
    return { cluster: byName, byLiteralName: byName !== undefined };
  }
  return { cluster: viaReference, byLiteralName: false };
}
