import type { GcloudConfig } from "./gcloud-config";
import type { ClusterInfo, ClusterSummary, OperationInfo, TokenInfo } from "./google-reads";
import type { KubeAnswer, KubeFailure } from "./kube-api";
import type { Kubeconfig } from "./kubeconfig";
import type { ProgramRun } from "./programs";
import type { ClusterTarget, ReadError } from "./types";

/** Everything the doctor gathered: the steps are pure functions of this. */
export interface DoctorFacts {
  target: ClusterTarget;
  gcloud: GcloudConfig;
  /** Where the doctor's token came from, or why there is none. */
  credentials: { source: string; detail?: string } | ReadError;
  tokenInfo?: TokenInfo | ReadError;
  /** Of `container.clusters.get`, what testIamPermissions on the target project answered. */
  heldPermissions?: string[] | ReadError;
  cluster?: ClusterInfo | ReadError;
  /** Read when clusters.get answered 404: the project's clusters in every location. */
  clustersEverywhere?: ClusterSummary[] | ReadError;
  operations?: OperationInfo[] | ReadError;
  kubeconfig: Kubeconfig;
  /** `token`: with --as-kubectl, whether the plugin gave kubectl a token (the token itself is never kept here). */
  plugin: { path?: string; run?: ProgramRun; token?: { ok: true; expiry?: string } | { ok: false; problem: string } };
  kubectl: { path?: string; run?: ProgramRun };
  /** USE_GKE_GCLOUD_AUTH_PLUGIN as set in the environment. */
  useGkeGcloudAuthPlugin?: string;
  apiServer?: { endpoint: string; version?: KubeAnswer | KubeFailure; namespaces?: KubeAnswer | KubeFailure } | ReadError;
  now: Date;
}

export const CLUSTER_GET = "container.clusters.get";
