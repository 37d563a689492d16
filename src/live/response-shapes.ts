import { bool, dictionary, either, id, integer, list, matching, oneOf, record, text, type Shape } from "./shape";

/**
 * The shape of each answer `--live` reads, as Google documents the method's response message:
 * the fields src/live/read.ts uses, with the types it relies on. An allowlisted method's
 * `response` is one of these; the transport refuses a 2xx answer that does not fit.
 */
const condition = record({}, { expression: text, title: text, description: text });
const binding = record({ role: id }, { members: list(id), condition });

/** Google sends an etag with every policy, the empty one included (`{"version":1,"etag":"ACAB"}`); `{}` is not one. */
export const POLICY: Shape = record({ etag: id }, { bindings: list(binding), version: integer });

export const PERMISSIONS: Shape = record({}, { permissions: list(id) });

/** v3 `Project`: its name is `projects/NUMBER`. */
export const PROJECT_V3: Shape = record({ name: matching(/^projects\/\d+$/, "projects/NUMBER"), projectId: id });

/** v1 `Project`. */
export const PROJECT_V1: Shape = record({ projectId: id, projectNumber: matching(/^\d+$/, "a project number") });

export const ANCESTRY: Shape = record({}, { ancestor: list(record({ resourceId: record({ type: oneOf("project", "folder", "organization"), id }) })) });

export const SERVICES: Shape = record({}, { services: list(record({}, { name: id, config: record({}, { name: id }) })), nextPageToken: id });

export const ROLE: Shape = record({}, { name: id, includedPermissions: list(id), deleted: bool });

/** A `ServiceAccount` always carries its email; `{}` would otherwise read as "exists, enabled". */
export const SERVICE_ACCOUNT: Shape = record({ email: id }, { name: id, disabled: bool });

export const DENY_POLICY_LIST: Shape = record({}, { policies: list(record({ name: id })), nextPageToken: id });

const denyRule = record(
  {},
  {
    deniedPrincipals: list(id),
    exceptionPrincipals: list(id),
    deniedPermissions: list(id),
    exceptionPermissions: list(id),
    denialCondition: condition,
  },
);
export const DENY_POLICY: Shape = record({ name: id }, { rules: list(record({}, { denyRule })) });

/** Google's error body (`google.rpc.Status` in JSON): a 404 or 403 is believed only in this shape. */
export const GOOGLE_ERROR: Shape = record({ error: record({ code: integer }, { message: text, status: id, details: list(record({}, { reason: id, metadata: dictionary(id) })) }) });

// The resource reads of GKE012–GKE016 (src/live/read-resources.ts).

/** Compute Engine `Subnetwork`: the names of its secondary ranges. */
export const SUBNETWORK: Shape = record({ name: id }, { selfLink: id, secondaryIpRanges: list(record({ rangeName: id }, { ipCidrRange: id })) });

/** Cloud KMS `CryptoKey`: its purpose and primary version's state (absent for keys with no primary). */
export const CRYPTO_KEY: Shape = record({ name: id }, { purpose: id, primary: record({}, { name: id, state: id }) });

/** Container `ListClustersResponse`, for whether a cluster has set its Workload Identity pool. */
export const CLUSTERS_WITH_POOLS: Shape = record({}, { clusters: list(record({ name: id }, { location: id, zone: id, workloadIdentityConfig: record({}, { workloadPool: id }) })), missingZones: list(id) });

/** Container `ServerConfig`: the versions offered in a location. */
export const SERVER_CONFIG: Shape = record(
  {},
  {
    defaultClusterVersion: id,
    validMasterVersions: list(id),
    validNodeVersions: list(id),
    channels: list(record({}, { channel: id, defaultVersion: id, validVersions: list(id) })),
  },
);

// The reads of `preflight doctor` (src/doctor/google-reads.ts): what it takes from each answer.
const clusterCondition = record({}, { code: id, canonicalCode: id, message: text });

export const CLUSTER: Shape = record(
  {},
  {
    name: id,
    location: id,
    zone: id,
    status: id,
    statusMessage: text,
    endpoint: id,
    currentMasterVersion: id,
    masterAuth: record({}, { clusterCaCertificate: text }),
    privateClusterConfig: record({}, { privateEndpoint: id }),
    conditions: list(clusterCondition),
    nodePools: list(record({}, { name: id, status: id, statusMessage: text, version: id, conditions: list(clusterCondition) })),
  },
);

export const CLUSTER_LIST: Shape = record({}, { clusters: list(record({}, { name: id, location: id, zone: id, status: id })) });

export const OPERATION_LIST: Shape = record({}, { operations: list(record({}, { name: id, operationType: id, status: id, targetLink: id, startTime: id })) });

/** tokeninfo sends `expires_in` as a string of digits; a number is taken too. */
export const TOKEN_INFO: Shape = record({}, { email: id, scope: text, expires_in: either(id, integer), azp: id, aud: id });
