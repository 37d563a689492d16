import * as shapes from "./response-shapes";
import type { Shape } from "./shape";

/**
 * The only Google API methods `--live` may call. Every one of them reads; none changes anything.
 * Some reads are POSTs in Google's REST mapping (`:getIamPolicy`, `:testIamPermissions`,
 * `:getAncestry`), so matching is on HTTP method AND path, never on the verb alone.
 *
 * The guarded auth client (transport.ts) checks every outgoing request against this list before
 * it reaches the network: a method missing here cannot be called, whatever the code above asks.
 */
export interface AllowedMethod {
  /** Google's method id, e.g. `cloudresourcemanager.projects.getIamPolicy`. */
  id: string;
  /** The API whose host serves it (`iam` for iam.googleapis.com): the transport sends it to that origin only. */
  service: string;
  httpMethod: "GET" | "POST";
  /** Matches the URL path (without query). Segments are matched percent-encoded or not. */
  path: RegExp;
  /** The permission the caller needs for the call, used to explain a bare 403. */
  permission?: string;
  /** The shape of a successful answer (the fields the reader uses); one that does not fit is refused. */
  response: Shape;
}

const SEGMENT = "[^/]+";

export const ALLOWED_METHODS: readonly AllowedMethod[] = [
  {
    id: "cloudresourcemanager.projects.get",
    service: "cloudresourcemanager",
    response: shapes.PROJECT_V3,
    httpMethod: "GET",
    path: new RegExp(`^/v3/projects/${SEGMENT}$`),
    permission: "resourcemanager.projects.get",
  },
  {
    // v1 is documented for project ids, v3 for numbers: each is used for what it documents.
    id: "cloudresourcemanager.v1.projects.get",
    service: "cloudresourcemanager",
    response: shapes.PROJECT_V1,
    httpMethod: "GET",
    path: new RegExp(`^/v1/projects/[^/:]+$`),
    permission: "resourcemanager.projects.get",
  },
  {
    id: "cloudresourcemanager.projects.getAncestry",
    service: "cloudresourcemanager",
    response: shapes.ANCESTRY,
    httpMethod: "POST",
    path: new RegExp(`^/v1/projects/[^/:]+:getAncestry$`),
    permission: "resourcemanager.projects.get",
  },
  {
    id: "cloudresourcemanager.projects.getIamPolicy",
    service: "cloudresourcemanager",
    response: shapes.POLICY,
    httpMethod: "POST",
    path: new RegExp(`^/v1/projects/[^/:]+:getIamPolicy$`),
    permission: "resourcemanager.projects.getIamPolicy",
  },
  {
    id: "cloudresourcemanager.projects.testIamPermissions",
    service: "cloudresourcemanager",
    response: shapes.PERMISSIONS,
    httpMethod: "POST",
    path: new RegExp(`^/v1/projects/[^/:]+:testIamPermissions$`),
  },
  {
    // Needs no permission: it answers which of the asked permissions the caller holds there.
    id: "cloudresourcemanager.folders.testIamPermissions",
    service: "cloudresourcemanager",
    response: shapes.PERMISSIONS,
    httpMethod: "POST",
    path: new RegExp(`^/v3/folders/[^/:]+:testIamPermissions$`),
  },
  {
    id: "cloudresourcemanager.organizations.testIamPermissions",
    service: "cloudresourcemanager",
    response: shapes.PERMISSIONS,
    httpMethod: "POST",
    path: new RegExp(`^/v3/organizations/[^/:]+:testIamPermissions$`),
  },
  {
    id: "cloudresourcemanager.folders.getIamPolicy",
    service: "cloudresourcemanager",
    response: shapes.POLICY,
    httpMethod: "POST",
    path: new RegExp(`^/v3/folders/[^/:]+:getIamPolicy$`),
    permission: "resourcemanager.folders.getIamPolicy",
  },
  {
    id: "cloudresourcemanager.organizations.getIamPolicy",
    service: "cloudresourcemanager",
    response: shapes.POLICY,
    httpMethod: "POST",
    path: new RegExp(`^/v3/organizations/[^/:]+:getIamPolicy$`),
    permission: "resourcemanager.organizations.getIamPolicy",
  },
  {
    id: "serviceusage.services.list",
    service: "serviceusage",
    response: shapes.SERVICES,
    httpMethod: "GET",
    path: new RegExp(`^/v1/projects/${SEGMENT}/services$`),
    permission: "serviceusage.services.list",
  },
  {
    // Predefined roles can be read by anyone; custom roles need iam.roles.get.
    id: "iam.roles.get",
    service: "iam",
    response: shapes.ROLE,
    httpMethod: "GET",
    path: new RegExp(`^/v1/roles/${SEGMENT}$`),
  },
  {
    id: "iam.projects.roles.get",
    service: "iam",
    response: shapes.ROLE,
    httpMethod: "GET",
    path: new RegExp(`^/v1/projects/${SEGMENT}/roles/${SEGMENT}$`),
    permission: "iam.roles.get",
  },
  {
    id: "iam.organizations.roles.get",
    service: "iam",
    response: shapes.ROLE,
    httpMethod: "GET",
    path: new RegExp(`^/v1/organizations/${SEGMENT}/roles/${SEGMENT}$`),
    permission: "iam.roles.get",
  },
  {
    id: "iam.projects.serviceAccounts.get",
    service: "iam",
    response: shapes.SERVICE_ACCOUNT,
    httpMethod: "GET",
    path: new RegExp(`^/v1/projects/${SEGMENT}/serviceAccounts/[^/:]+$`),
    permission: "iam.serviceAccounts.get",
  },
  {
    id: "iam.projects.serviceAccounts.testIamPermissions",
    service: "iam",
    response: shapes.PERMISSIONS,
    httpMethod: "POST",
    path: new RegExp(`^/v1/projects/${SEGMENT}/serviceAccounts/[^/:]+:testIamPermissions$`),
  },
  {
    // Artifact Registry maps this read to a GET (`?options.requestedPolicyVersion=3`).
    id: "artifactregistry.projects.locations.repositories.getIamPolicy",
    service: "artifactregistry",
    response: shapes.POLICY,
    httpMethod: "GET",
    path: new RegExp(`^/v1/projects/${SEGMENT}/locations/${SEGMENT}/repositories/[^/:]+:getIamPolicy$`),
    permission: "artifactregistry.repositories.getIamPolicy",
  },
  {
    id: "iam.policies.listPolicies",
    service: "iam",
    response: shapes.DENY_POLICY_LIST,
    httpMethod: "GET",
    path: new RegExp(`^/v2/policies/${SEGMENT}/denypolicies$`),
    permission: "iam.denypolicies.list",
  },
  {
    id: "iam.policies.getPolicy",
    service: "iam",
    response: shapes.DENY_POLICY,
    httpMethod: "GET",
    path: new RegExp(`^/v2/policies/${SEGMENT}/denypolicies/${SEGMENT}$`),
    permission: "iam.denypolicies.get",
  },
  {
    id: "compute.subnetworks.get",
    service: "compute",
    response: shapes.SUBNETWORK,
    httpMethod: "GET",
    path: new RegExp(`^/compute/v1/projects/${SEGMENT}/regions/${SEGMENT}/subnetworks/${SEGMENT}$`),
    permission: "compute.subnetworks.get",
  },
  {
    // Compute Engine maps this read to a GET on `/getIamPolicy` (`?optionsRequestedPolicyVersion=3`).
    id: "compute.subnetworks.getIamPolicy",
    service: "compute",
    response: shapes.POLICY,
    httpMethod: "GET",
    path: new RegExp(`^/compute/v1/projects/${SEGMENT}/regions/${SEGMENT}/subnetworks/${SEGMENT}/getIamPolicy$`),
    permission: "compute.subnetworks.getIamPolicy",
  },
  {
    id: "cloudkms.projects.locations.keyRings.cryptoKeys.get",
    service: "cloudkms",
    response: shapes.CRYPTO_KEY,
    httpMethod: "GET",
    path: new RegExp(`^/v1/projects/${SEGMENT}/locations/${SEGMENT}/keyRings/${SEGMENT}/cryptoKeys/[^/:]+$`),
    permission: "cloudkms.cryptoKeys.get",
  },
  {
    // Cloud KMS maps this read to a GET (`?options.requestedPolicyVersion=3`).
    id: "cloudkms.projects.locations.keyRings.cryptoKeys.getIamPolicy",
    service: "cloudkms",
    response: shapes.POLICY,
    httpMethod: "GET",
    path: new RegExp(`^/v1/projects/${SEGMENT}/locations/${SEGMENT}/keyRings/${SEGMENT}/cryptoKeys/[^/:]+:getIamPolicy$`),
    permission: "cloudkms.cryptoKeys.getIamPolicy",
  },
  {
    id: "cloudkms.projects.locations.keyRings.getIamPolicy",
    service: "cloudkms",
    response: shapes.POLICY,
    httpMethod: "GET",
    path: new RegExp(`^/v1/projects/${SEGMENT}/locations/${SEGMENT}/keyRings/[^/:]+:getIamPolicy$`),
    permission: "cloudkms.keyRings.getIamPolicy",
  },
  {
    // On `locations/-`, for whether a cluster of the project has set its Workload Identity pool.
    id: "container.projects.locations.clusters.list",
    service: "container",
    response: shapes.CLUSTERS_WITH_POOLS,
    httpMethod: "GET",
    path: new RegExp(`^/v1/projects/${SEGMENT}/locations/-/clusters$`),
    permission: "container.clusters.list",
  },
  {
    // Its reference page names no permission; a 403 names the one Google wants.
    id: "container.projects.locations.getServerConfig",
    service: "container",
    response: shapes.SERVER_CONFIG,
    httpMethod: "GET",
    path: new RegExp(`^/v1/projects/${SEGMENT}/locations/[^/:]+/serverConfig$`),
  },
];

/**
 * The Google reads of `preflight doctor` (src/doctor), on top of a project testIamPermissions. A
 * list of its own, so that `--live` keeps exactly the reads it documents and the doctor only these.
 */
export const DOCTOR_METHODS: readonly AllowedMethod[] = [
  {
    id: "container.projects.locations.clusters.get",
    service: "container",
    response: shapes.CLUSTER,
    httpMethod: "GET",
    path: new RegExp(`^/v1/projects/${SEGMENT}/locations/${SEGMENT}/clusters/[^/:]+$`),
    permission: "container.clusters.get",
  },
  {
    // On `locations/-`: finds a cluster asked for in the wrong location.
    id: "container.projects.locations.clusters.list",
    service: "container",
    response: shapes.CLUSTER_LIST,
    httpMethod: "GET",
    path: new RegExp(`^/v1/projects/${SEGMENT}/locations/${SEGMENT}/clusters$`),
    permission: "container.clusters.list",
  },
  {
    id: "container.projects.locations.operations.list",
    service: "container",
    response: shapes.OPERATION_LIST,
    httpMethod: "GET",
    path: new RegExp(`^/v1/projects/${SEGMENT}/locations/${SEGMENT}/operations$`),
    permission: "container.operations.list",
  },
  {
    // Says whose token it is, its scopes and expiry; the token goes in the Authorization header, never the URL.
    id: "oauth2.tokeninfo",
    service: "oauth2",
    response: shapes.TOKEN_INFO,
    httpMethod: "POST",
    path: /^\/tokeninfo$/,
  },
  ALLOWED_METHODS.find((method) => method.id === "cloudresourcemanager.projects.testIamPermissions")!,
];

/** The allowed method a request is, or undefined when it is not allowed. */
export function matchAllowedMethod(httpMethod: string, url: string | URL, allowlist: readonly AllowedMethod[] = ALLOWED_METHODS): AllowedMethod | undefined {
  let pathname: string;
  try {
    pathname = new URL(String(url)).pathname;
  } catch {
    return undefined;
  }
  const method = httpMethod.toUpperCase();
  return allowlist.find((allowed) => allowed.httpMethod === method && allowed.path.test(pathname));
}

/**
 * The Kubernetes API reads of `preflight doctor`. Not a Google API, so a stricter rule: GET only,
 * over https, to exactly the endpoint `clusters.get` gave for the cluster, on these paths, with no
 * query but a numeric `limit`, and no user info in the URL.
 */
export const KUBERNETES_READS: ReadonlyArray<{ id: string; path: string }> = [
  { id: "kubernetes.version", path: "/version" },
  { id: "kubernetes.namespaces.list", path: "/api/v1/namespaces" },
];

export function matchKubernetesRead(httpMethod: string, url: string, clusterEndpoint: string): { id: string; path: string } | undefined {
  let parsed: URL;
  let expected: URL;
  try {
    parsed = new URL(url);
    expected = new URL(`https://${clusterEndpoint}`);
  } catch {
    return undefined;
  }
  if (httpMethod.toUpperCase() !== "GET" || parsed.protocol !== "https:" || parsed.username || parsed.password || parsed.hash) return undefined;
  if (parsed.host !== expected.host || expected.pathname !== "/") return undefined;
  const query = [...parsed.searchParams.entries()];
  if (!query.every(([key, value]) => key === "limit" && /^\d{1,4}$/.test(value))) return undefined;
  return KUBERNETES_READS.find((read) => read.path === parsed.pathname);
}

/** Thrown before any byte leaves the process when a request is not on the allowlist (or not sent where its API is served). */
export class RefusedRequestError extends Error {
  constructor(
    readonly httpMethod: string,
    readonly pathname: string,
    door = "--live",
    reason = `not on the read-only allowlist of ${door}`,
  ) {
    super(`refused ${httpMethod} ${pathname}: ${reason}`);
    this.name = "RefusedRequestError";
  }
}
