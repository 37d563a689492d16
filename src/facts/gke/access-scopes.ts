/**
 * Node access scopes (`oauth_scopes`): the OAuth scopes of the tokens nodes get from the metadata
 * server. A scope limits what IAM allows: an image pull from Artifact Registry or Container
 * Registry needs a storage scope or cloud-platform, whatever the account is granted.
 *
 * Sources (read 2026-12-01):
 * - GKE, Access scopes: https://cloud.google.com/kubernetes-engine/docs/how-to/access-scopes
 *   (scopes left unset get GKE's defaults: devstorage.read_only among others for the Compute Engine
 *   default account, cloud-platform for a custom account; scopes set by hand are used as given)
 * - GKE, Migrating from legacy access scopes (same page's history): overriding the scopes while
 *   pulling private images from Artifact Registry requires the storage read-only scope.
 * - Artifact Registry, Deploy to Google Cloud: https://cloud.google.com/artifact-registry/docs/deploy
 *   (access scopes further limit API access with application default credentials)
 * - google provider, tpgresource/service_scope.go (canonicalizeServiceScope): the short names the
 *   provider accepts for a scope, expanded before the request.
 */
import type { Value } from "../../model/types";
import { isUnknown } from "../../model/unknown";

export const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";
const DEVSTORAGE_SCOPES = new Set([
  "https://www.googleapis.com/auth/devstorage.read_only",
  "https://www.googleapis.com/auth/devstorage.read_write",
  "https://www.googleapis.com/auth/devstorage.full_control",
]);

/** The provider's short names of the scopes that matter here (it expands them as gcloud does). */
const ALIASES: Record<string, string> = {
  "cloud-platform": CLOUD_PLATFORM_SCOPE,
  "storage-ro": "https://www.googleapis.com/auth/devstorage.read_only",
  "storage-rw": "https://www.googleapis.com/auth/devstorage.read_write",
  "storage-full": "https://www.googleapis.com/auth/devstorage.full_control",
};

export function canonicalScope(scope: string): string {
  return Object.prototype.hasOwnProperty.call(ALIASES, scope) ? ALIASES[scope]! : scope;
}

/** What the node scopes allow of an image pull from Artifact Registry or Container Registry. */
export type PullScopes =
  | { kind: "defaults" }
  | { kind: "allows"; scope: string }
  | { kind: "blocks"; scopes: string[] }
  | { kind: "unknown"; reason: string };

export function pullScopes(value: Value | undefined): PullScopes {
  // Unset, or left to the provider in a plan: GKE's defaults, which allow pulls. An empty list
  // is the same request as an unset one (no scopes sent).
  if (value === undefined || value === null) return { kind: "defaults" };
  if (isUnknown(value)) return value.computedByProvider ? { kind: "defaults" } : { kind: "unknown", reason: `oauth_scopes is only known after apply (${value.reason})` };
  if (!Array.isArray(value)) return { kind: "unknown", reason: "oauth_scopes is not a list" };
  if (value.length === 0) return { kind: "defaults" };
  let undecided: string | undefined;
  const given: string[] = [];
  for (const item of value) {
    if (typeof item !== "string") {
      undecided ??= isUnknown(item) ? `a scope is only known after apply (${item.reason})` : "a scope is not a string";
      continue;
    }
    const scope = canonicalScope(item.trim());
    if (scope === CLOUD_PLATFORM_SCOPE || DEVSTORAGE_SCOPES.has(scope)) return { kind: "allows", scope: item };
    given.push(item);
  }
  return undecided ? { kind: "unknown", reason: undecided } : { kind: "blocks", scopes: given };
}
