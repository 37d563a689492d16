import type { LiveServerConfig } from "./live";
import type { GkeVersion } from "./versions";

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
