import type { Model, Resource, Value } from "../model/types";
import { attribute, blocks, stringAttribute } from "../model/access";
import { isUnknown } from "../model/unknown";
import type { ProjectCatalog, ProjectResolution } from "./iam/projects";
import type { GkeFacts } from "./gke/node-identities";
import type { GoogleIdentityKind } from "../knowledge/service-agents";
import { canonicalPath, isSet, targetOf, type Target } from "./targets";
import { projectsCreatedByThisApply } from "./projects-created";
import { readResourceIam, type ResourceIam } from "./resource-iam";

const KEY = "google_kms_crypto_key";
const RING = "google_kms_key_ring";

/** One place where a cluster or node pool asks a Google agent to use a Cloud KMS key. */
export interface KeyUse {
  /** The cluster or node pool that names the key. */
  resource: Resource;
  /** The cluster it belongs to, when known. */
  cluster?: Resource;
  where: string;
  /** The agent that uses the key: the GKE service agent (secrets) or the Compute Engine service agent (boot disks). */
  agent: GoogleIdentityKind;
  /** The project whose agent that is (the cluster's). */
  project: ProjectResolution;
  key: Target;
  /** The key ring the key is in, when it can be told. */
  ring?: Target;
  /** The project that holds the key, when it can be told. */
  keyProject?: string;
  keyLocation?: string;
}

export interface KmsKeyFacts {
  uses: KeyUse[];
  keyIam: ResourceIam;
  ringIam: ResourceIam;
  /** Projects a google_project of this configuration creates in this apply: their keys and rings are new too. */
  projectsCreated: ReadonlySet<string>;
}

function ringPath(ring: Resource, catalog: ProjectCatalog): string | undefined {
  if (typeof ring.values.id === "string" && ring.values.id.includes("keyRings/")) return canonicalPath(ring.values.id);
  const project = catalog.projectOf(ring).key;
  const { location, name } = ring.values;
  return project && typeof location === "string" && typeof name === "string" ? `projects/${catalog.canonical(project)}/locations/${location}/keyRings/${name}` : undefined;
}

function keyRingTarget(key: Resource, model: Model, catalog: ProjectCatalog): Target | undefined {
  return targetOf(key.values.key_ring, [RING], model, (r) => ringPath(r, catalog));
}

function keyPath(key: Resource, model: Model, catalog: ProjectCatalog): string | undefined {
  if (typeof key.values.id === "string" && key.values.id.includes("cryptoKeys/")) return canonicalPath(key.values.id);
  const ring = keyRingTarget(key, model, catalog);
  return ring?.path && typeof key.values.name === "string" ? `${ring.path}/cryptoKeys/${key.values.name}` : undefined;
}

const PATH = /^projects\/([^/]+)\/locations\/([^/]+)\/keyRings\/([^/]+)(?:\/cryptoKeys\/([^/]+))?$/;

function keyUse(resource: Resource, cluster: Resource | undefined, where: string, value: Value | undefined, agent: GoogleIdentityKind, project: ProjectResolution, model: Model, catalog: ProjectCatalog): KeyUse | undefined {
  const key = targetOf(value, [KEY], model, (r) => keyPath(r, model, catalog));
  if (!key) return undefined;
  const path = key.path ? PATH.exec(key.path) : null;
  // The ring as the configuration names it (its resource tells whether this apply creates it), else from the key's path.
  const ring: Target | undefined = (key.resource && keyRingTarget(key.resource, model, catalog)) ?? (path ? { path: key.path!.replace(/\/cryptoKeys\/[^/]+$/, "") } : undefined);
  const ringProject = ring?.resource ? catalog.projectOf(ring.resource).key : undefined;
  const ringLocation = ring?.resource ? stringAttribute(ring.resource.values, "location") : undefined;
  return {
    resource, ...(cluster && { cluster }), where, agent, project, key, ...(ring && { ring }),
    ...((path || ringProject) && { keyProject: path ? catalog.canonical(path[1]) : ringProject }),
    ...((path || typeof ringLocation === "string") && { keyLocation: path ? path[2] : (ringLocation as string) }),
  };
}

export function kmsKeyFacts(model: Model, catalog: ProjectCatalog, gke: GkeFacts): KmsKeyFacts {
  const uses: KeyUse[] = [];
  const add = (use: KeyUse | undefined) => use && uses.push(use);
  for (const { resource: cluster, project } of gke.clusters) {
    for (const encryption of blocks(cluster.values.database_encryption)) {
      const state = encryption.state;
      if (state === "ENCRYPTED" || (isUnknown(state) && isSet(state))) add(keyUse(cluster, cluster, "database_encryption.key_name", encryption.key_name, "gke-service-agent", project, model, catalog));
    }
    add(keyUse(cluster, cluster, "node_config.boot_disk_kms_key", attribute(cluster.values, "node_config", "boot_disk_kms_key"), "compute-service-agent", project, model, catalog));
    blocks(cluster.values.node_pool).forEach((pool, i) => add(keyUse(cluster, cluster, `node_pool[${i}].node_config.boot_disk_kms_key`, attribute(pool, "node_config", "boot_disk_kms_key"), "compute-service-agent", project, model, catalog)));
    add(keyUse(cluster, cluster, "cluster_autoscaling.auto_provisioning_defaults.boot_disk_kms_key", attribute(cluster.values, "cluster_autoscaling", "auto_provisioning_defaults", "boot_disk_kms_key"), "compute-service-agent", project, model, catalog));
  }
  for (const pool of gke.nodePools) {
    add(keyUse(pool.resource, pool.cluster, "node_config.boot_disk_kms_key", attribute(pool.resource.values, "node_config", "boot_disk_kms_key"), "compute-service-agent", pool.project, model, catalog));
  }
  const keyIam = readResourceIam(model, {
    member: "google_kms_crypto_key_iam_member",
    binding: "google_kms_crypto_key_iam_binding",
    policy: "google_kms_crypto_key_iam_policy",
    targetOf: (grant) => targetOf(grant.values.crypto_key_id, [KEY], model, (r) => keyPath(r, model, catalog)),
  });
  const ringIam = readResourceIam(model, {
    member: "google_kms_key_ring_iam_member",
    binding: "google_kms_key_ring_iam_binding",
    policy: "google_kms_key_ring_iam_policy",
    targetOf: (grant) => targetOf(grant.values.key_ring_id, [RING], model, (r) => ringPath(r, catalog)),
  });
  return { uses, keyIam, ringIam, projectsCreated: projectsCreatedByThisApply(model) };
}
