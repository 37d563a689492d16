import type { Rule, RuleContext, Verdict } from "./types";
import { worstPerAddress } from "./worst-per-address";
import type { Resource, Value } from "../model/types";
import { isUnknown } from "../model/unknown";
import { attribute, blocks, booleanAttribute } from "../model/access";
import { CLUSTER, NODE_POOL } from "../facts/gke/node-identities";
import { SECONDARY_RANGES } from "../knowledge/preconditions";
import { clusterSubnetwork } from "../facts/shared-vpc";
import { isSet } from "../facts/targets";
import { textRemediation } from "./remediation";
import { hclString } from "./agent-grant-fix";
import { sh } from "./shell";

interface RangeUse {
  resource: Resource;
  cluster: Resource;
  where: string;
  name: Value;
}

/**
 * GKE016: secondary ranges named by a VPC-native cluster (`ip_allocation_policy`) or a node pool
 * (`network_config.pod_range`) must exist in the cluster's subnetwork. Ranges given as CIDR
 * blocks are created by GKE: nothing to check.
 */
export const gke016SecondaryRanges: Rule = {
  meta: {
    id: "GKE016",
    slug: "secondary-ranges",
    title: "Secondary ranges a cluster or node pool names exist in its subnetwork",
    severity: "error",
    rationale:
      "Creating a cluster or node pool that names a secondary range its subnetwork does not have fails (400: the secondary range does not exist in the subnetwork).",
    googleDocUrl: SECONDARY_RANGES.sources[0].url,
    resourceTypes: [CLUSTER, NODE_POOL, "google_compute_subnetwork"],
  },
  check(ctx: RuleContext): Verdict[] {
    return worstPerAddress(rangeUses(ctx).map((use) => checkUse(use, ctx)));
  },
};

function rangeUses(ctx: RuleContext): RangeUse[] {
  const uses: RangeUse[] = [];
  const add = (resource: Resource, cluster: Resource, where: string, name: Value | undefined) => {
    if (isSet(name)) uses.push({ resource, cluster, where, name });
  };
  for (const { resource: cluster } of ctx.gke.clusters) {
    add(cluster, cluster, "ip_allocation_policy.cluster_secondary_range_name", attribute(cluster.values, "ip_allocation_policy", "cluster_secondary_range_name"));
    add(cluster, cluster, "ip_allocation_policy.services_secondary_range_name", attribute(cluster.values, "ip_allocation_policy", "services_secondary_range_name"));
    blocks(cluster.values.node_pool).forEach((pool, i) => {
      if (booleanAttribute(pool, "network_config", "create_pod_range") !== true) add(cluster, cluster, `node_pool[${i}].network_config.pod_range`, attribute(pool, "network_config", "pod_range"));
    });
  }
  for (const pool of ctx.gke.nodePools) {
    if (!pool.cluster || booleanAttribute(pool.resource.values, "network_config", "create_pod_range") === true) continue;
    add(pool.resource, pool.cluster, "network_config.pod_range", attribute(pool.resource.values, "network_config", "pod_range"));
  }
  return uses;
}

function checkUse(use: RangeUse, ctx: RuleContext): Verdict {
  const address = use.resource.address;
  const details: Record<string, unknown> = { where: use.where, range: isUnknown(use.name) ? null : use.name };
  if (isUnknown(use.name)) return { status: "unknown", address, message: `The secondary range ${address} names (${use.where}) is only known after apply`, reason: use.name.reason, decideWith: "write the range name as a literal", details };
  const name = String(use.name);
  const subnetwork = clusterSubnetwork(use.cluster, ctx.model, ctx.iam.catalog);
  const subnet = subnetwork?.resource;
  if (!subnet) {
    const written = use.cluster.values.subnetwork;
    const which = subnetwork?.path ?? (typeof written === "string" ? `the subnetwork ${written}` : subnetwork ? "a subnetwork only known after apply" : "the default subnetwork of its network");
    return { status: "unknown", address, message: `${address} names the secondary range ${name} (${use.where}) of ${which}, which is not in the input`, reason: subnetwork?.reason ?? "the subnetwork is managed outside this configuration", decideWith: sh`gcloud compute networks subnets describe ${subnetwork?.path ?? (typeof written === "string" ? written : "SUBNET")} --format=${"value(secondaryIpRanges[].rangeName)"} (--live does not read subnetworks)`, details };
  }
  details.subnetwork = subnet.address;
  const ranges = subnet.values.secondary_ip_range;
  if (isUnknown(ranges)) return { status: "unknown", address, message: `The secondary ranges of ${subnet.address} are only known after apply`, reason: ranges.reason, decideWith: "write secondary_ip_range blocks with literal names", details };
  const names = blocks(ranges).map((r) => r.range_name);
  if (names.includes(name)) return { status: "pass", address, message: `${subnet.address} has the secondary range ${name} that ${address} names (${use.where})`, details };
  if (names.some(isUnknown)) return { status: "unknown", address, message: `${address} names ${name}; a secondary range name of ${subnet.address} is only known after apply`, reason: "a range_name is computed", decideWith: "write range_name as literals", details };
  const known = names.filter((n): n is string => typeof n === "string");
  return {
    status: "fail",
    address,
    message: `${address} names the secondary range ${name} (${use.where}), but ${subnet.address} has ${known.length ? `only ${known.join(", ")}` : "no secondary ranges"}`,
    remediation: textRemediation(
      `Add a secondary range named ${name} to ${subnet.address}, or name one it has.`,
      [sh`gcloud compute networks subnets update ${String(subnet.values.name ?? "SUBNET")} --region=${String(subnet.values.region ?? "REGION")} --add-secondary-ranges=${`${name}=CIDR`}`],
      `// on ${subnet.constructPath ?? subnet.address}:\nsecondaryIpRange: [/* existing ranges */ { rangeName: ${JSON.stringify(name)}, ipCidrRange: "CIDR" }],`,
      `# in ${subnet.address}:\nsecondary_ip_range {\n  range_name    = ${hclString(name)}\n  ip_cidr_range = "CIDR"\n}`,
    ),
    details: { ...details, subnetworkRanges: known },
  };
}
