import type { GoogleClients } from "./clients";
import type { LiveBinding, LiveCryptoKey, LiveError, LiveFacts, LiveServerConfig, LiveSubnetwork, LiveWorkloadPool } from "./facts";
import type { LiveRequest } from "./request-types";
import { LiveCallError } from "./transport";

/**
 * The resource reads of GKE012–GKE016: subnetworks (secondary ranges, IAM policy), Cloud KMS keys
 * (state, key and key ring IAM policies), a project's clusters (its Workload Identity pool) and a
 * location's server config (valid versions). Plain REST GETs through the guarded client; the
 * transport has checked each answer's shape (response-shapes.ts) before it reaches here.
 */
export interface ReadTools {
  api: GoogleClients;
  /** One call per distinct key for the whole run. */
  once<T>(key: string, read: () => Promise<T>): Promise<T>;
  /** A failure becomes a LiveError. */
  attempt<T>(read: () => Promise<T>): Promise<T | LiveError>;
}

const SUBNETWORK = /^projects\/([^/]+)\/regions\/([^/]+)\/subnetworks\/([^/]+)$/;
const CRYPTO_KEY = /^projects\/([^/]+)\/locations\/([^/]+)\/keyRings\/([^/]+)\/cryptoKeys\/([^/]+)$/;
const LOCATION = /^projects\/([^/]+)\/locations\/([^/]+)$/;

/** Fills the resource facts `request` asks for into `facts`. */
export async function readResources(request: LiveRequest, facts: LiveFacts, tools: ReadTools): Promise<void> {
  const reads: Array<Promise<void>> = [];
  const subnetworks = Object.entries(request.subnetworks ?? {});
  if (subnetworks.length > 0) {
    const found: Record<string, LiveSubnetwork> = (facts.subnetworks = {});
    for (const [name, parts] of subnetworks) {
      const entry: LiveSubnetwork = (found[name] = { name });
      if (parts.includes("secondaryRanges")) reads.push(subnetworkRanges(name, tools).then((ranges) => void (entry.secondaryRanges = ranges)));
      if (parts.includes("iamPolicy")) reads.push(subnetworkPolicy(name, tools).then((policy) => void (entry.iamPolicy = policy)));
    }
  }
  const keys = unique(request.cryptoKeys ?? []);
  if (keys.length > 0) {
    const found: Record<string, LiveCryptoKey> = (facts.cryptoKeys = {});
    for (const name of keys) {
      const entry: LiveCryptoKey = (found[name] = { name });
      reads.push(keyState(name, tools).then((state) => void (entry.state = state)));
      reads.push(keyPolicy(name, tools).then((policy) => void (entry.iamPolicy = policy)));
      reads.push(ringPolicy(name.replace(/\/cryptoKeys\/[^/]+$/, ""), tools).then((policy) => void (entry.ringIamPolicy = policy)));
    }
  }
  const pools = unique(request.workloadPoolProjects ?? []);
  if (pools.length > 0) {
    const found: Record<string, LiveWorkloadPool | LiveError> = (facts.workloadPools = {});
    for (const project of pools) reads.push(workloadPool(project, tools).then((pool) => void (found[project] = pool)));
  }
  const locations = unique(request.serverConfigs ?? []);
  if (locations.length > 0) {
    const found: Record<string, LiveServerConfig | LiveError> = (facts.serverConfigs = {});
    for (const name of locations) reads.push(serverConfig(name, tools).then((config) => void (found[name] = config)));
  }
  await Promise.all(reads);
}

/** The segments of a resource name matched by `pattern`, each percent-encoded for a path; undefined when it does not match. */
function segments(name: string, pattern: RegExp): string[] | undefined {
  const match = pattern.exec(name);
  return match ? match.slice(1).map((segment) => encodeURIComponent(segment)) : undefined;
}

function malformed(name: string, what: string): LiveError {
  return { error: `${name} is not the name of a ${what}` };
}

function subnetworkRanges(name: string, tools: ReadTools): Promise<LiveSubnetwork["secondaryRanges"]> {
  const parts = segments(name, SUBNETWORK);
  if (!parts) return Promise.resolve(malformed(name, "subnetwork (projects/P/regions/R/subnetworks/S)"));
  const [project, region, subnetwork] = parts;
  return tools.once(`subnetwork:${name}`, () =>
    tools.attempt(() =>
      orNotFound(async () => {
        const data = (await tools.api.restGet("compute", `compute/v1/projects/${project}/regions/${region}/subnetworks/${subnetwork}`)) as { secondaryIpRanges?: Array<{ rangeName: string }> | null };
        return { exists: true as const, rangeNames: (data.secondaryIpRanges ?? []).map((range) => range.rangeName) };
      }),
    ),
  );
}

function subnetworkPolicy(name: string, tools: ReadTools): Promise<LiveBinding[] | LiveError> {
  const parts = segments(name, SUBNETWORK);
  if (!parts) return Promise.resolve(malformed(name, "subnetwork (projects/P/regions/R/subnetworks/S)"));
  const [project, region, subnetwork] = parts;
  return tools.once(`subnetwork-policy:${name}`, () =>
    tools.attempt(async () => policyBindings(await tools.api.restGet("compute", `compute/v1/projects/${project}/regions/${region}/subnetworks/${subnetwork}/getIamPolicy?optionsRequestedPolicyVersion=3`))),
  );
}

/** A key's purpose and its primary version's state; a key Google does not find is `exists: false`. */
function keyState(name: string, tools: ReadTools): Promise<LiveCryptoKey["state"]> {
  const parts = segments(name, CRYPTO_KEY);
  if (!parts) return Promise.resolve(malformed(name, "Cloud KMS key (projects/P/locations/L/keyRings/R/cryptoKeys/K)"));
  return tools.once(`key:${name}`, () =>
    tools.attempt(() =>
      orNotFound(async () => {
        const data = (await tools.api.restGet("cloudkms", `v1/${keyPath(parts)}`)) as { purpose?: string | null; primary?: { state?: string | null } | null };
        return { exists: true as const, ...(data.purpose && { purpose: data.purpose }), ...(data.primary?.state && { primaryState: data.primary.state }) };
      }),
    ),
  );
}

function keyPolicy(name: string, tools: ReadTools): Promise<LiveBinding[] | LiveError> {
  const parts = segments(name, CRYPTO_KEY);
  if (!parts) return Promise.resolve(malformed(name, "Cloud KMS key (projects/P/locations/L/keyRings/R/cryptoKeys/K)"));
  return tools.once(`key-policy:${name}`, () => tools.attempt(async () => policyBindings(await tools.api.restGet("cloudkms", `v1/${keyPath(parts)}:getIamPolicy?options.requestedPolicyVersion=3`))));
}

function ringPolicy(ring: string, tools: ReadTools): Promise<LiveBinding[] | LiveError> {
  const parts = segments(`${ring}/cryptoKeys/-`, CRYPTO_KEY);
  if (!parts) return Promise.resolve(malformed(ring, "Cloud KMS key ring (projects/P/locations/L/keyRings/R)"));
  const [project, location, keyRing] = parts;
  return tools.once(`ring-policy:${ring}`, () =>
    tools.attempt(async () => policyBindings(await tools.api.restGet("cloudkms", `v1/projects/${project}/locations/${location}/keyRings/${keyRing}:getIamPolicy?options.requestedPolicyVersion=3`))),
  );
}

/** A read whose 404, when Google said it, means the thing does not exist (not that the read failed). */
async function orNotFound<T>(read: () => Promise<T>): Promise<T | { exists: false }> {
  try {
    return await read();
  } catch (error) {
    if (statusOf(error) === 404) return { exists: false };
    throw error;
  }
}

function keyPath([project, location, ring, key]: string[]): string {
  return `projects/${project}/locations/${location}/keyRings/${ring}/cryptoKeys/${key}`;
}

/**
 * The project's clusters in every location (`locations/-`) that set a Workload Identity pool. When
 * Google says some zones could not be listed and none of the others has a pool, the answer is an
 * error: a partial list cannot say "no cluster".
 */
function workloadPool(project: string, tools: ReadTools): Promise<LiveWorkloadPool | LiveError> {
  return tools.once(`clusters:${project}`, () =>
    tools.attempt(async () => {
      const data = (await tools.api.restGet("container", `v1/projects/${encodeURIComponent(project)}/locations/-/clusters`)) as {
        clusters?: Array<{ name: string; location?: string | null; zone?: string | null; workloadIdentityConfig?: { workloadPool?: string | null } | null }> | null;
        missingZones?: string[] | null;
      };
      const clustersWithPool = (data.clusters ?? []).flatMap((cluster) => {
        const pool = cluster.workloadIdentityConfig?.workloadPool;
        return pool ? [{ cluster: `${cluster.location ?? cluster.zone ?? "?"}/${cluster.name}`, pool }] : [];
      });
      const missing = data.missingZones ?? [];
      if (clustersWithPool.length === 0 && missing.length > 0) throw new Error(`clusters.list: the clusters of ${missing.length} zone(s) (${missing.slice(0, 3).join(", ")}) could not be listed`);
      return { project, clustersWithPool };
    }),
  );
}

function serverConfig(name: string, tools: ReadTools): Promise<LiveServerConfig | LiveError> {
  const parts = segments(name, LOCATION);
  if (!parts) return Promise.resolve(malformed(name, "location (projects/P/locations/L)"));
  const [project, location] = parts;
  return tools.once(`server-config:${name}`, () =>
    tools.attempt(async () => {
      const data = (await tools.api.restGet("container", `v1/projects/${project}/locations/${location}/serverConfig`)) as {
        defaultClusterVersion?: string | null;
        validMasterVersions?: string[] | null;
        validNodeVersions?: string[] | null;
        channels?: Array<{ channel?: string | null; defaultVersion?: string | null; validVersions?: string[] | null }> | null;
      };
      const channels: LiveServerConfig["channels"] = {};
      for (const channel of data.channels ?? []) {
        if (channel.channel) channels[channel.channel] = { ...(channel.defaultVersion && { defaultVersion: channel.defaultVersion }), validVersions: channel.validVersions ?? [] };
      }
      return {
        name,
        ...(data.defaultClusterVersion && { defaultClusterVersion: data.defaultClusterVersion }),
        validMasterVersions: data.validMasterVersions ?? [],
        validNodeVersions: data.validNodeVersions ?? [],
        channels,
      };
    }),
  );
}

type WireBinding = { role: string; members?: string[] | null; condition?: { title?: string | null; expression?: string | null } | null };

function policyBindings(data: unknown): LiveBinding[] {
  return ((data as { bindings?: WireBinding[] | null }).bindings ?? []).map(toBinding);
}

export function toBinding(binding: { role?: string | null; members?: string[] | null; condition?: { title?: string | null; expression?: string | null } | null }): LiveBinding {
  const result: LiveBinding = { role: binding.role ?? "", members: binding.members ?? [] };
  if (binding.condition?.expression) {
    result.condition = { expression: binding.condition.expression };
    if (binding.condition.title) result.condition.title = binding.condition.title;
  }
  return result;
}

/**
 * HTTP status of a failed call when Google said it (its JSON error body came with it): a 404 from
 * a proxy's HTML page does not mean "not found". The gax clients may wrap the transport's error in `cause`.
 */
export function statusOf(error: unknown): number | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (current instanceof LiveCallError) return current.fromGoogle ? current.status : undefined;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function unique<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}
