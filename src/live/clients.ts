import type { cloudresourcemanager_v1, cloudresourcemanager_v3 } from "@googleapis/cloudresourcemanager";
import type { iam_v1 } from "@googleapis/iam";
import type { serviceusage_v1 } from "@googleapis/serviceusage";
import type { v2 as iamV2 } from "@google-cloud/iam";
import type { ArtifactRegistryClient } from "@google-cloud/artifact-registry";
import type { OAuth2Client } from "google-auth-library";
import { serviceEndpoint } from "./endpoint";
import type { GuardedAuthClient } from "./transport";

/**
 * The Google client libraries, created on first use. They are `require`d here, not imported at the
 * top, so that `preflight` without `--live` never loads them (they cost ~60 ms and ~150 ms), and
 * each only when a read needs it (Artifact Registry only when the input has an existing repository).
 */
export interface GoogleClients {
  crmV1(): cloudresourcemanager_v1.Cloudresourcemanager;
  crmV3(): cloudresourcemanager_v3.Cloudresourcemanager;
  iamV1(): iam_v1.Iam;
  serviceUsage(): serviceusage_v1.Serviceusage;
  /** IAM v2 deny policies, through `@google-cloud/iam` in REST mode (`fallback: true`). */
  denyPolicies(): iamV2.PoliciesClient;
  /** Artifact Registry (repository IAM policies), through `@google-cloud/artifact-registry` in REST mode. */
  artifactRegistry(): ArtifactRegistryClient;
  /**
   * A plain REST GET through the same guarded client, for Compute Engine, Cloud KMS and the
   * Container API: their client libraries would add megabytes for a handful of reads. `path` is
   * the part after the service's root (`compute/v1/projects/…`), its segments already encoded.
   */
  restGet(service: RestService, path: string): Promise<unknown>;
}

export type RestService = "compute" | "cloudkms" | "container";

export function createClients(auth: GuardedAuthClient, apiEndpoint: string | undefined, universeDomain?: string): GoogleClients {
  // The @googleapis clients type `auth` as a few concrete classes; any AuthClient works at run time.
  const sharedAuth = auth as unknown as OAuth2Client;
  const root = (service: "cloudresourcemanager" | "iam" | "serviceusage") => serviceEndpoint(apiEndpoint, service)?.rootUrl;
  const memo = <T>(create: () => T): (() => T) => {
    let value: T | undefined;
    return () => (value ??= create());
  };
  return {
    crmV1: memo(() => {
      const { cloudresourcemanager } = require("@googleapis/cloudresourcemanager") as typeof import("@googleapis/cloudresourcemanager");
      return cloudresourcemanager({ version: "v1", auth: sharedAuth, rootUrl: root("cloudresourcemanager"), retry: false });
    }),
    crmV3: memo(() => {
      const { cloudresourcemanager } = require("@googleapis/cloudresourcemanager") as typeof import("@googleapis/cloudresourcemanager");
      return cloudresourcemanager({ version: "v3", auth: sharedAuth, rootUrl: root("cloudresourcemanager"), retry: false });
    }),
    iamV1: memo(() => {
      const { iam } = require("@googleapis/iam") as typeof import("@googleapis/iam");
      return iam({ version: "v1", auth: sharedAuth, rootUrl: root("iam"), retry: false });
    }),
    serviceUsage: memo(() => {
      const { serviceusage } = require("@googleapis/serviceusage") as typeof import("@googleapis/serviceusage");
      return serviceusage({ version: "v1", auth: sharedAuth, rootUrl: root("serviceusage"), retry: false });
    }),
    denyPolicies: memo(() => {
      const { v2 } = require("@google-cloud/iam") as typeof import("@google-cloud/iam");
      const endpoint = serviceEndpoint(apiEndpoint, "iam")?.gax;
      return new v2.PoliciesClient({ fallback: true, authClient: auth, ...(endpoint ?? {}) });
    }),
    artifactRegistry: memo(() => {
      const { ArtifactRegistryClient } = require("@google-cloud/artifact-registry") as typeof import("@google-cloud/artifact-registry");
      const endpoint = serviceEndpoint(apiEndpoint, "artifactregistry")?.gax;
      return new ArtifactRegistryClient({ fallback: true, authClient: auth, ...(endpoint ?? {}) });
    }),
    restGet: async (service, path) => {
      const rootUrl = serviceEndpoint(apiEndpoint, service)?.rootUrl ?? `https://${service}.${universeDomain || "googleapis.com"}/`;
      const response = await auth.request<unknown>({ method: "GET", url: `${rootUrl}${path}`, responseType: "json" });
      return response.data;
    },
  };
}
