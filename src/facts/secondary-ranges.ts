import type { Resource, Value } from "../model/types";
import { attribute, blocks, booleanAttribute } from "../model/access";
import type { GkeFacts } from "./gke/node-identities";
import { isUnknown } from "../model/unknown";
import { isSet, type Target } from "./targets";

/** A secondary range a cluster or node pool names, which must exist in the cluster's subnetwork. */
export interface SecondaryRangeUse {
  resource: Resource;
  cluster: Resource;
  where: string;
  name: Value;
}

/**
 * Every range named by a VPC-native cluster (`ip_allocation_policy`) or a node pool
 * (`network_config.pod_range`, unless GKE is asked to create it).
 */
export function secondaryRangeUses(gke: GkeFacts): SecondaryRangeUse[] {
  const uses: SecondaryRangeUse[] = [];
  const add = (resource: Resource, cluster: Resource, where: string, name: Value | undefined) => {
    if (isSet(name)) uses.push({ resource, cluster, where, name });
  };
  for (const { resource: cluster } of gke.clusters) {
    add(cluster, cluster, "ip_allocation_policy.cluster_secondary_range_name", attribute(cluster.values, "ip_allocation_policy", "cluster_secondary_range_name"));
    add(cluster, cluster, "ip_allocation_policy.services_secondary_range_name", attribute(cluster.values, "ip_allocation_policy", "services_secondary_range_name"));
    blocks(cluster.values.node_pool).forEach((pool, i) => {
      if (booleanAttribute(pool, "network_config", "create_pod_range") !== true) add(cluster, cluster, `node_pool[${i}].network_config.pod_range`, attribute(pool, "network_config", "pod_range"));
    });
  }
  for (const pool of gke.nodePools) {
    if (!pool.cluster || booleanAttribute(pool.resource.values, "network_config", "create_pod_range") === true) continue;
    add(pool.resource, pool.cluster, "network_config.pod_range", attribute(pool.resource.values, "network_config", "pod_range"));
  }
  return uses;
}

/**
 * The path of a cluster's subnetwork whose ranges only `--live` can tell: one outside the input, or
 * read by a data source whose ranges are known only after apply (a cdk.tf.json never has them).
 */
export function subnetworkToReadLive(target: Target | undefined): string | undefined {
  if (!target?.path) return undefined;
  const resource = target.resource;
  return !resource || (resource.mode === "data" && !dataSourceHasRanges(resource)) ? target.path : undefined;
}

/**
 * Whether a data source's values show the subnetwork's ranges: a plan that read it holds them (an
 * empty list when there are none); a cdk.tf.json holds only the data source's arguments.
 */
export function dataSourceHasRanges(resource: Resource): boolean {
  const ranges = resource.values.secondary_ip_range;
  return ranges !== undefined && !isUnknown(ranges);
}
