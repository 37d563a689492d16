import type { Resource, Value } from "../model/types";
import { isUnknown } from "../model/unknown";
import { blocks } from "../model/access";
import type { GkeFacts } from "./gke/node-identities";
import { isSet } from "./targets";

/**
 * A GKE version as Terraform may write it: `1.30`, `1.30.5`, `1.30.5-gke.1014001`, or an alias
 * that the server resolves (`latest`, `-` for the default). Only what skew needs is kept.
 */
export type GkeVersion =
  | { kind: "exact"; text: string; minor: number; patch?: number; gke?: number }
  | { kind: "alias"; text: string };

const VERSION = /^1\.(\d+)(?:\.(\d+)(?:-gke\.(\d+))?)?$/;

/** undefined when the text is not a version GKE accepts. */
export function parseGkeVersion(text: string): GkeVersion | undefined {
  const trimmed = text.trim();
  if (trimmed === "latest" || trimmed === "-") return { kind: "alias", text: trimmed };
  const m = VERSION.exec(trimmed);
  if (!m) return undefined;
  return { kind: "exact", text: trimmed, minor: Number(m[1]), ...(m[2] !== undefined && { patch: Number(m[2]) }), ...(m[3] !== undefined && { gke: Number(m[3]) }) };
}

export type Comparison = "older" | "same" | "newer" | "maybe-newer";

/**
 * How a node version compares with the control plane's, below the minor: a partial version
 * (`1.30`) stands for whichever patch GKE picks, so it may be newer than `1.30.5-gke.1`.
 */
export function comparePatch(node: Extract<GkeVersion, { kind: "exact" }>, plane: Extract<GkeVersion, { kind: "exact" }>): Comparison {
  if (node.minor !== plane.minor) return node.minor < plane.minor ? "older" : "newer";
  const parts = (v: typeof node) => [v.patch, v.gke];
  const [a, b] = [parts(node), parts(plane)];
  for (let i = 0; i < 2; i++) {
    if (a[i] === undefined) return b[i] === undefined ? "same" : "maybe-newer";
    if (b[i] === undefined) return "maybe-newer";
    if (a[i]! !== b[i]!) return a[i]! < b[i]! ? "older" : "newer";
  }
  return "same";
}

/** A node version set somewhere, and the control plane it runs against. */
export interface NodeVersionUse {
  resource: Resource;
  cluster?: Resource;
  where: string;
  value: Value;
}

/** Every place a node version is written: separate node pools and the cluster's inline pools. */
export function nodeVersionUses(gke: GkeFacts): NodeVersionUse[] {
  const uses: NodeVersionUse[] = [];
  for (const pool of gke.nodePools) {
    const value = pool.resource.values.version;
    if (isSet(value)) uses.push({ resource: pool.resource, ...(pool.cluster && { cluster: pool.cluster }), where: "version", value });
  }
  for (const { resource } of gke.clusters) {
    blocks(resource.values.node_pool).forEach((pool, i) => {
      const value = pool.version;
      if (isSet(value)) uses.push({ resource, cluster: resource, where: `node_pool[${i}].version`, value });
    });
  }
  return uses;
}

/**
 * The control plane's version as the plan knows it: `master_version` when the plan shows it (an
 * existing cluster), else `min_master_version`, which the provider creates the cluster at.
 */
export function controlPlaneVersion(cluster: Resource): { value: Value; from: string } | undefined {
  const master = cluster.values.master_version;
  if (typeof master === "string" && master) return { value: master, from: "master_version" };
  const min = cluster.values.min_master_version;
  if (typeof min === "string" && min) return { value: min, from: "min_master_version" };
  if (isUnknown(min) && isSet(min)) return { value: min, from: "min_master_version" };
  if (isUnknown(master) && cluster.change !== "create" && cluster.change !== "planned") return { value: master, from: "master_version" };
  return undefined;
}
