import type { Resource, Value } from "../model/types";
import { isCreated } from "../model/change";
import { blocks } from "../model/access";
import type { GkeFacts } from "./gke/node-identities";
import type { LiveServerConfig } from "./live";
import { nodeVersionUses, type GkeVersion } from "./versions";

/** A version the apply asks GKE for, with the cluster whose location offers it. */
export interface VersionAsked {
  resource: Resource;
  cluster: Resource;
  where: string;
  value: Value;
  role: "control plane" | "nodes";
}

/**
 * Every version the apply sends to GKE: on a resource it creates, or one whose version it changes.
 * An unchanged version of an existing cluster or pool is not sent again, so whether GKE still
 * offers it does not matter to this apply.
 */
export function versionsAsked(gke: GkeFacts): VersionAsked[] {
  const asked: VersionAsked[] = nodeVersionUses(gke).flatMap((use) => (use.cluster ? [{ resource: use.resource, cluster: use.cluster, where: use.where, value: use.value, role: "nodes" as const }] : []));
  for (const { resource } of gke.clusters) {
    const min = resource.values.min_master_version;
    if (typeof min === "string" && min) asked.push({ resource, cluster: resource, where: "min_master_version", value: min, role: "control plane" });
    const node = resource.values.node_version;
    if (typeof node === "string" && node) asked.push({ resource, cluster: resource, where: "node_version", value: node, role: "nodes" });
  }
  return asked.filter((use) => isCreated(use.resource) || (use.resource.change === "update" && valueBefore(use) !== use.value));
}

/** The value at `where` (`version`, `node_pool[1].version`, `min_master_version`) before the apply. */
function valueBefore(use: VersionAsked): Value | undefined {
  const before = use.resource.before;
  if (!before) return undefined;
  const inline = /^node_pool\[(\d+)\]\.version$/.exec(use.where);
  return inline ? blocks(before.node_pool)[Number(inline[1])]?.version : before[use.where];
}

export type Offer = { offered: true; as: string } | { offered: false; inOtherLists?: string };

/** Whether a version as written (`1.X`, `1.X.Y`, `1.X.Y-gke.N`) names one of `versions`: a partial one names any of its patches. */
export function namesOneOf(version: Extract<GkeVersion, { kind: "exact" }>, versions: readonly string[]): string | undefined {
  const text = version.text;
  if (version.gke !== undefined) return versions.find((v) => v === text);
  const prefix = version.patch !== undefined ? `${text}-` : `${text}.`;
  return versions.find((v) => v === text || v.startsWith(prefix));
}

/**
 * Whether GKE offers `version` in a location, for the control plane or the nodes: in the release
 * channel's list when the cluster names one, else in the location's own list. A version offered
 * only in another list is reported, not taken (the cluster cannot use it as written).
 */
export function offeredVersion(config: LiveServerConfig, version: Extract<GkeVersion, { kind: "exact" }>, role: "control plane" | "nodes", channel: string | undefined): Offer {
  const own = role === "control plane" ? config.validMasterVersions : config.validNodeVersions;
  const channelList = channel ? config.channels[channel]?.validVersions : undefined;
  const primary = channelList ?? own;
  const found = namesOneOf(version, primary);
  if (found) return { offered: true, as: found };
  const lists: Array<[string, readonly string[]]> = [
    [role === "control plane" ? "validMasterVersions" : "validNodeVersions", own],
    ...Object.entries(config.channels).map(([name, c]): [string, readonly string[]] => [`the ${name} channel`, c.validVersions]),
  ];
  const elsewhere = lists.find(([, list]) => list !== primary && namesOneOf(version, list));
  return elsewhere ? { offered: false, inOtherLists: elsewhere[0] } : { offered: false };
}
