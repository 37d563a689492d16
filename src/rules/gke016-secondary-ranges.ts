import type { Rule, RuleContext, Verdict } from "./types";
import { secondaryRangeNeeds } from "../facts/live-resource-needs";
import { worstPerAddress } from "./worst-per-address";
import { isUnknown } from "../model/unknown";
import { blocks } from "../model/access";
import { CLUSTER, NODE_POOL } from "../facts/gke/node-identities";
import { SECONDARY_RANGES } from "../knowledge/preconditions";
import { clusterSubnetwork } from "../facts/shared-vpc";
import { dataSourceHasRanges, secondaryRangeUses, subnetworkToReadLive, type SecondaryRangeUse } from "../facts/secondary-ranges";
import { textRemediation } from "./remediation";
import { hclString } from "./agent-grant-fix";
import { sh } from "../text/shell";
import { unreadReason } from "../facts/live-resources";

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
  liveNeeds: secondaryRangeNeeds,
  check(ctx: RuleContext): Verdict[] {
    return worstPerAddress(secondaryRangeUses(ctx.gke).map((use) => checkUse(use, ctx)));
  },
};

function checkUse(use: SecondaryRangeUse, ctx: RuleContext): Verdict {
  const address = use.resource.address;
  const details: Record<string, unknown> = { where: use.where, range: isUnknown(use.name) ? null : use.name };
  if (isUnknown(use.name)) return { status: "unknown", address, message: `The secondary range ${address} names (${use.where}) is only known after apply`, reason: use.name.reason, decideWith: "write the range name as a literal", details };
  const name = String(use.name);
  const subnetwork = clusterSubnetwork(use.cluster, ctx.model, ctx.iam.catalog);
  const subnet = subnetwork?.resource;
  const toRead = subnetworkToReadLive(subnetwork);
  const live = toRead ? ctx.live.secondaryRanges(toRead) : undefined;
  if (live && "value" in live) {
    const path = subnetwork!.path!;
    details.subnetwork = path;
    if (!live.value.exists) return { status: "fail", address, message: `${address} names the secondary range ${name} (${use.where}) of ${path}, which does not exist (read live)`, remediation: rangeFix(name, path.split("/").pop() ?? "SUBNET", path.split("/")[3] ?? "REGION", path), details };
    const known = live.value.rangeNames;
    if (known.includes(name)) return { status: "pass", address, message: `${path} has the secondary range ${name} that ${address} names (${use.where}; read live)`, details };
    return { status: "fail", address, message: `${address} names the secondary range ${name} (${use.where}), but ${path} has ${known.length ? `only ${known.join(", ")}` : "no secondary ranges"} (read live)`, remediation: rangeFix(name, path.split("/").pop() ?? "SUBNET", path.split("/")[3] ?? "REGION", path), details: { ...details, subnetworkRanges: known } };
  }
  if (!subnet) {
    const written = use.cluster.values.subnetwork;
    const which = subnetwork?.path ?? (typeof written === "string" ? `the subnetwork ${written}` : subnetwork ? "a subnetwork only known after apply" : "the default subnetwork of its network");
    const reason = live && "unreadable" in live ? unreadReason(`the subnetwork ${subnetwork!.path}`, live) : (subnetwork?.reason ?? "the subnetwork is managed outside this configuration");
    const describe = sh`gcloud compute networks subnets describe ${subnetwork?.path ?? (typeof written === "string" ? written : "SUBNET")} --format=${"value(secondaryIpRanges[].rangeName)"}`;
    return { status: "unknown", address, message: `${address} names the secondary range ${name} (${use.where}) of ${which}, which is not in the input`, reason, decideWith: subnetwork?.path && !live ? `--live reads the subnetwork (or ${describe})` : describe, details };
  }
  details.subnetwork = subnet.address;
  const ranges = subnet.values.secondary_ip_range;
  if (subnet.mode === "data" && !dataSourceHasRanges(subnet) && !isUnknown(ranges)) {
    const reason = live && "unreadable" in live ? unreadReason(`the subnetwork ${toRead}`, live) : `${subnet.address} reads the subnetwork only at plan or apply; its ranges are not in the input`;
    return { status: "unknown", address, message: `${address} names the secondary range ${name} (${use.where}) of the subnetwork ${subnet.address} reads`, reason, decideWith: live ? sh`gcloud compute networks subnets describe ${toRead ?? String(subnet.values.name ?? "SUBNET")} --format=${"value(secondaryIpRanges[].rangeName)"}` : "--live reads the subnetwork (or check the plan, where the data source is read)", details };
  }
  if (isUnknown(ranges)) return { status: "unknown", address, message: `The secondary ranges of ${subnet.address} are only known after apply`, reason: live && "unreadable" in live ? unreadReason(`the subnetwork ${toRead}`, live) : ranges.reason, decideWith: subnet.mode === "data" && !live ? "--live reads the subnetwork" : "write secondary_ip_range blocks with literal names", details };
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

/** A subnetwork outside the input: add the range with gcloud, or name one it has. */
function rangeFix(name: string, subnetName: string, region: string, path: string) {
  return textRemediation(
    `Add a secondary range named ${name} to ${path}, or name one it has.`,
    [sh`gcloud compute networks subnets update ${subnetName} --project=${path.split("/")[1] ?? "PROJECT"} --region=${region} --add-secondary-ranges=${`${name}=CIDR`}`],
    `// the subnetwork is managed outside this stack: add the range there, or name one of its ranges in ipAllocationPolicy / networkConfig.podRange`,
    `# the subnetwork is managed outside this configuration: add the range there, or name one of its ranges`,
  );
}
