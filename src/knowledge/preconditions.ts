// What must be true before GKE can use a Shared VPC, a Workload Identity pool, a Cloud KMS key or a
// node version, as data with its sources. Read on the date below; the rule pages cite the same pages.
import { googleIdentity, type GoogleIdentityKind } from "./service-agents";

export const PRECONDITIONS_RETRIEVED = "2026-12-01";

export interface PreconditionSource {
  url: string;
  /** What the page establishes, in our words. */
  establishes: string;
}

/** Shared VPC: what the service project's agents need in the host project. */
export const SHARED_VPC = {
  /** Held by the service project's GKE service agent on the host project. */
  hostServiceAgentUserRole: "roles/container.hostServiceAgentUser",
  /** Held by the GKE service agent and the Google APIs service agent on the subnetwork or the host project. */
  networkUserRole: "roles/compute.networkUser",
  /** The permission of networkUser that using a subnetwork needs (compared through the role table). */
  subnetworkUsePermission: "compute.subnetworks.use",
  /** Optional: lets GKE create and manage firewall rules in the host project. */
  securityAdminRole: "roles/compute.securityAdmin",
  sources: [
    { url: "https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-shared-vpc", establishes: "the service project's GKE service agent needs Host Service Agent User on the host project; it and the Google APIs service agent need Compute Network User on the shared subnets or the host project; Security Admin only lets GKE manage firewall rules" },
    { url: "https://cloud.google.com/vpc/docs/shared-vpc", establishes: "a subnetwork's self-link names the host project that owns it" },
  ] satisfies PreconditionSource[],
} as const;

/** Workload Identity Federation for GKE. */
export const WORKLOAD_IDENTITY = {
  role: "roles/iam.workloadIdentityUser",
  /** The pool of a project is `PROJECT_ID.svc.id.goog`. */
  poolSuffix: ".svc.id.goog",
  sources: [
    { url: "https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity", establishes: "a cluster's workload pool is PROJECT_ID.svc.id.goog of its own project; Kubernetes service accounts are named serviceAccount:PROJECT_ID.svc.id.goog[NAMESPACE/KSA] in IAM" },
    { url: "https://cloud.google.com/kubernetes-engine/docs/concepts/workload-identity", establishes: "each project has one fixed, Google-managed workload identity pool, PROJECT_ID.svc.id.goog, used by its clusters" },
    { url: "https://github.com/terraform-google-modules/terraform-google-kubernetes-engine/issues/916", establishes: "(public error report, not Google's page) granting to PROJECT_ID.svc.id.goog[NS/KSA] before any cluster with Workload Identity exists in the project fails with 400 Identity Pool does not exist" },
  ] satisfies PreconditionSource[],
} as const;

/** Cloud KMS keys GKE's agents use. */
export const KMS_KEYS = {
  role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
  /** The permissions a holder of the role uses; other roles count when the role table shows them. */
  permissions: ["cloudkms.cryptoKeyVersions.useToEncrypt", "cloudkms.cryptoKeyVersions.useToDecrypt"],
  /** States of a key's primary version that cannot encrypt (Cloud KMS `CryptoKeyVersionState`). */
  unusablePrimaryStates: ["DISABLED", "DESTROYED", "DESTROY_SCHEDULED"] as readonly string[],
  sources: [
    { url: "https://cloud.google.com/kubernetes-engine/docs/how-to/encrypting-secrets", establishes: "application-layer secrets encryption needs the cluster project's GKE service agent to hold Cloud KMS CryptoKey Encrypter/Decrypter on the key; the key should be in the cluster's location (a recommendation)" },
    { url: "https://cloud.google.com/kubernetes-engine/docs/how-to/using-cmek", establishes: "CMEK node boot disks need the cluster project's Compute Engine service agent to hold Cloud KMS CryptoKey Encrypter/Decrypter on the key" },
    { url: "https://cloud.google.com/kms/docs/key-states", establishes: "(read 2026-12-02) only an enabled key version can be used; disabled, scheduled-for-destruction and destroyed versions cannot encrypt" },
    { url: "https://cloud.google.com/kms/docs/reference/rest/v1/projects.locations.keyRings.cryptoKeys", establishes: "(read 2026-12-02) a key's primary version is the one Encrypt uses; only ENCRYPT_DECRYPT keys have one" },
  ] satisfies PreconditionSource[],
} as const;

/** Service agents exist once their API is enabled or their identity is created. */
export const SERVICE_AGENT_CREATION = {
  /** The API whose enabling creates each identity GKE relies on (the Google APIs service agent comes with the project). */
  createdBy: {
    "gke-service-agent": "container.googleapis.com",
    "gke-node-service-agent": "container.googleapis.com",
    "compute-service-agent": "compute.googleapis.com",
    "compute-default-sa": "compute.googleapis.com",
  } as Partial<Record<GoogleIdentityKind, string>>,
  /** google-beta resource that asks Google to create a service's agent ahead of use. */
  identityResource: "google_project_service_identity",
  sources: [
    { url: "https://cloud.google.com/iam/docs/service-agents", establishes: "which service agent belongs to which service, and that Google creates it when the service is enabled (the Compute Engine default service account with the Compute Engine API)" },
    { url: "https://cloud.google.com/iam/docs/create-service-agents", establishes: "service agents are created when their service is enabled and used, or on request; a role cannot be granted to a service agent that does not exist yet" },
  ] satisfies PreconditionSource[],
} as const;

/** Secondary ranges a VPC-native cluster or node pool names by name must exist in the subnetwork. */
export const SECONDARY_RANGES = {
  sources: [
    { url: "https://cloud.google.com/kubernetes-engine/docs/how-to/alias-ips", establishes: "a VPC-native cluster uses the subnetwork's secondary ranges named for Pods and Services, or ranges GKE creates from CIDR blocks it is given" },
    { url: "https://cloud.google.com/kubernetes-engine/docs/how-to/multi-pod-cidr", establishes: "a node pool's Pod range (pod_range) names a secondary range of the cluster's subnetwork unless GKE is asked to create it" },
  ] satisfies PreconditionSource[],
} as const;

/** GKE's own version skew between nodes and control plane. */
export const VERSION_SKEW = {
  /** Nodes may be at most this many minor versions older than the control plane, never newer. */
  maxMinorVersionsBehind: 2,
  sources: [
    { url: "https://cloud.google.com/kubernetes-engine/versioning", establishes: "node pools can be up to two minor versions older than the control plane and cannot be newer" },
  ] satisfies PreconditionSource[],
} as const;

/**
 * A Google-managed identity's email with any text in place of the project number, for fixes
 * (`${PROJECT_NUMBER}`, `${project.number}`): the pattern stays the knowledge base's.
 */
export function agentEmailWith(kind: GoogleIdentityKind, numberText: string): string {
  return googleIdentity(kind).emailPattern.replace("{number}", numberText);
}
