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
  httpMethod: "GET" | "POST";
  /** Matches the URL path (without query). Segments are matched percent-encoded or not. */
  path: RegExp;
  /** The permission the caller needs for the call, used to explain a bare 403. */
  permission?: string;
}

const SEGMENT = "[^/]+";

export const ALLOWED_METHODS: readonly AllowedMethod[] = [
  {
    id: "cloudresourcemanager.projects.get",
    httpMethod: "GET",
    path: new RegExp(`^/v3/projects/${SEGMENT}$`),
    permission: "resourcemanager.projects.get",
  },
  {
    // v1 is documented for project ids, v3 for numbers: each is used for what it documents.
    id: "cloudresourcemanager.v1.projects.get",
    httpMethod: "GET",
    path: new RegExp(`^/v1/projects/[^/:]+$`),
    permission: "resourcemanager.projects.get",
  },
  {
    id: "cloudresourcemanager.projects.getAncestry",
    httpMethod: "POST",
    path: new RegExp(`^/v1/projects/[^/:]+:getAncestry$`),
    permission: "resourcemanager.projects.get",
  },
  {
    id: "cloudresourcemanager.projects.getIamPolicy",
    httpMethod: "POST",
    path: new RegExp(`^/v1/projects/[^/:]+:getIamPolicy$`),
    permission: "resourcemanager.projects.getIamPolicy",
  },
  {
    id: "cloudresourcemanager.projects.testIamPermissions",
    httpMethod: "POST",
    path: new RegExp(`^/v1/projects/[^/:]+:testIamPermissions$`),
  },
  {
    // Needs no permission: it answers which of the asked permissions the caller holds there.
    id: "cloudresourcemanager.folders.testIamPermissions",
    httpMethod: "POST",
    path: new RegExp(`^/v3/folders/[^/:]+:testIamPermissions$`),
  },
  {
    id: "cloudresourcemanager.organizations.testIamPermissions",
    httpMethod: "POST",
    path: new RegExp(`^/v3/organizations/[^/:]+:testIamPermissions$`),
  },
  {
    id: "cloudresourcemanager.folders.getIamPolicy",
    httpMethod: "POST",
    path: new RegExp(`^/v3/folders/[^/:]+:getIamPolicy$`),
    permission: "resourcemanager.folders.getIamPolicy",
  },
  {
    id: "cloudresourcemanager.organizations.getIamPolicy",
    httpMethod: "POST",
    path: new RegExp(`^/v3/organizations/[^/:]+:getIamPolicy$`),
    permission: "resourcemanager.organizations.getIamPolicy",
  },
  {
    id: "serviceusage.services.list",
    httpMethod: "GET",
    path: new RegExp(`^/v1/projects/${SEGMENT}/services$`),
    permission: "serviceusage.services.list",
  },
  {
    // Predefined roles can be read by anyone; custom roles need iam.roles.get.
    id: "iam.roles.get",
    httpMethod: "GET",
    path: new RegExp(`^/v1/roles/${SEGMENT}$`),
  },
  {
    id: "iam.projects.roles.get",
    httpMethod: "GET",
    path: new RegExp(`^/v1/projects/${SEGMENT}/roles/${SEGMENT}$`),
    permission: "iam.roles.get",
  },
  {
    id: "iam.organizations.roles.get",
    httpMethod: "GET",
    path: new RegExp(`^/v1/organizations/${SEGMENT}/roles/${SEGMENT}$`),
    permission: "iam.roles.get",
  },
  {
    id: "iam.projects.serviceAccounts.get",
    httpMethod: "GET",
    path: new RegExp(`^/v1/projects/${SEGMENT}/serviceAccounts/[^/:]+$`),
    permission: "iam.serviceAccounts.get",
  },
  {
    id: "iam.projects.serviceAccounts.testIamPermissions",
    httpMethod: "POST",
    path: new RegExp(`^/v1/projects/${SEGMENT}/serviceAccounts/[^/:]+:testIamPermissions$`),
  },
  {
    // Artifact Registry maps this read to a GET (`?options.requestedPolicyVersion=3`).
    id: "artifactregistry.projects.locations.repositories.getIamPolicy",
    httpMethod: "GET",
    path: new RegExp(`^/v1/projects/${SEGMENT}/locations/${SEGMENT}/repositories/[^/:]+:getIamPolicy$`),
    permission: "artifactregistry.repositories.getIamPolicy",
  },
  {
    id: "iam.policies.listPolicies",
    httpMethod: "GET",
    path: new RegExp(`^/v2/policies/${SEGMENT}/denypolicies$`),
    permission: "iam.denypolicies.list",
  },
  {
    id: "iam.policies.getPolicy",
    httpMethod: "GET",
    path: new RegExp(`^/v2/policies/${SEGMENT}/denypolicies/${SEGMENT}$`),
    permission: "iam.denypolicies.get",
  },
];

/** The allowed method a request is, or undefined when it is not allowed. */
export function matchAllowedMethod(httpMethod: string, url: string | URL): AllowedMethod | undefined {
  let pathname: string;
  try {
    pathname = new URL(String(url)).pathname;
  } catch {
    return undefined;
  }
  const method = httpMethod.toUpperCase();
  return ALLOWED_METHODS.find((allowed) => allowed.httpMethod === method && allowed.path.test(pathname));
}

/** Thrown before any byte leaves the process when a request is not on the allowlist. */
export class RefusedRequestError extends Error {
  constructor(
    readonly httpMethod: string,
    readonly pathname: string,
  ) {
    super(`refused ${httpMethod} ${pathname}: not on the read-only allowlist of --live`);
    this.name = "RefusedRequestError";
  }
}
