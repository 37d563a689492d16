/**
 * What `--live` is asked to read ({@link LiveRequest}) and the facts it read from a live Google
 * Cloud project ({@link LiveFacts}), side by side: a new kind of read is a field of each. Everything
 * optional: a fact that could not be read is an {@link LiveError}, and the verdicts that need it stay
 * `unknown`. Plain data so the engine never needs the Google clients to use it; rules read it
 * through live-view.ts.
 */
export interface LiveError {
  error: string;
  /** The permission the caller lacks to read it, when the API said so. */
  missingPermission?: string;
}

export interface LiveBinding {
  role: string;
  members: string[];
  /** Present for conditional bindings. */
  condition?: { title?: string; expression: string };
}

export interface LiveProject {
  projectId: string;
  projectNumber: string;
  /** Ancestry from the project up: `projects/…`, `folders/…`, `organizations/…`. */
  ancestry?: string[] | LiveError;
  iamPolicy?: LiveBinding[] | LiveError;
  /** IAM policies of folders and the organisation along the ancestry. */
  ancestorPolicies?: Record<string, LiveBinding[] | LiveError>;
  enabledServices?: string[] | LiveError;
  /** Deny rules that apply to the project (IAM v2), flattened. */
  denyRules?: LiveDenyRule[] | LiveError;
  /** Permissions the caller (the deployer) holds on the project, from testIamPermissions. */
  callerPermissions?: string[] | LiveError;
}

export interface LiveDenyRule {
  policy: string;
  deniedPrincipals: string[];
  exceptionPrincipals: string[];
  deniedPermissions: string[];
  exceptionPermissions: string[];
  /** Where the policy is attached: `projects/…`, `folders/…` or `organizations/…`. */
  attachedTo?: string;
  /** A conditional deny rule applies only where its condition holds (resource tags). */
  condition?: { title?: string; expression: string };
}

export interface LiveServiceAccount {
  email: string;
  exists: boolean;
  disabled?: boolean;
  /** Whether the caller holds iam.serviceAccounts.actAs on it. */
  callerCanActAs?: boolean | LiveError;
}

/** An Artifact Registry repository the input names that may exist already. */
export interface LiveRepository {
  /** `projects/P/locations/L/repositories/R`, as the request named it. */
  name: string;
  /** false: Google says it is not there (the apply creates it), so no grant exists on it yet. */
  exists: boolean;
  /** Its own IAM policy (version 3), when it exists. */
  iamPolicy?: LiveBinding[];
}

/**
 * A Compute Engine subnetwork the input uses but does not create (GKE012, GKE016), by
 * `projects/P/regions/R/subnetworks/S`. Each part is read only when a rule needs it.
 */
export interface LiveSubnetwork {
  name: string;
  /** From subnetworks.get: the names of its secondary ranges; `exists: false` when Google says it is not there. */
  secondaryRanges?: { exists: true; rangeNames: string[] } | { exists: false } | LiveError;
  /** Its own IAM policy (subnetworks.getIamPolicy, version 3); grants on the project are in the project's. */
  iamPolicy?: LiveBinding[] | LiveError;
}

/** A Cloud KMS key a cluster or node pool uses and the input does not create (GKE014). */
export interface LiveCryptoKey {
  /** `projects/P/locations/L/keyRings/R/cryptoKeys/K`. */
  name: string;
  /**
   * From cryptoKeys.get: its purpose and the state of its primary version (`ENABLED`, `DISABLED`,
   * `DESTROYED`, `DESTROY_SCHEDULED`, …); no `primaryState` when the key has no primary version.
   */
  state?: { exists: true; purpose?: string; primaryState?: string } | { exists: false } | LiveError;
  /** The key's own IAM policy (cryptoKeys.getIamPolicy). */
  iamPolicy?: LiveBinding[] | LiveError;
  /** Its key ring's IAM policy (keyRings.getIamPolicy): a grant there covers every key in the ring. */
  ringIamPolicy?: LiveBinding[] | LiveError;
}

/** Whether a project already has its Workload Identity pool (GKE013), from its clusters. */
export interface LiveWorkloadPool {
  project: string;
  /** `LOCATION/NAME` of the clusters whose workloadIdentityConfig.workloadPool is set, and the pools they name. */
  clustersWithPool: Array<{ cluster: string; pool: string }>;
}

/** The versions GKE offers in one location (GKE015), from getServerConfig. */
export interface LiveServerConfig {
  /** `projects/P/locations/L`. */
  name: string;
  defaultClusterVersion?: string;
  validMasterVersions: string[];
  validNodeVersions: string[];
  /** Per release channel (`REGULAR`, `STABLE`, `RAPID`, `EXTENDED`): its default and valid versions. */
  channels: Record<string, { defaultVersion?: string; validVersions: string[] }>;
}

export interface LiveFacts {
  /**
   * Keyed by every name the project was asked for and by both its id and its number, so a rule
   * can look it up with whichever the plan has.
   */
  projects: Record<string, LiveProject | LiveError>;
  serviceAccounts: Record<string, LiveServiceAccount | LiveError>;
  /** role name → permissions, for predefined and custom roles read live. */
  roles: Record<string, string[] | LiveError>;
  /**
   * Artifact Registry repositories by `projects/P/locations/L/repositories/R`. Absent when none
   * was asked (facts from before this field existed, or an input without existing repositories).
   */
  artifactRepositories?: Record<string, LiveRepository | LiveError>;
  /**
   * Permissions the caller holds on folders and organisations (`folders/ID`, `organizations/ID`),
   * from testIamPermissions there: for plans that change folder or organisation IAM.
   */
  resourceCallerPermissions?: Record<string, string[] | LiveError>;
  /** Subnetworks by `projects/P/regions/R/subnetworks/S` (GKE012, GKE016). Absent when none was asked. */
  subnetworks?: Record<string, LiveSubnetwork>;
  /** Cloud KMS keys by `projects/P/locations/L/keyRings/R/cryptoKeys/K` (GKE014). */
  cryptoKeys?: Record<string, LiveCryptoKey>;
  /** Per project id: whether a cluster with Workload Identity exists there (GKE013). */
  workloadPools?: Record<string, LiveWorkloadPool | LiveError>;
  /** Per `projects/P/locations/L`: the versions GKE offers there (GKE015). */
  serverConfigs?: Record<string, LiveServerConfig | LiveError>;
}

/** What `--live` should read. Planned by live/request.ts from the fact base and the rules' `liveNeeds`; read by live/read.ts. */
export interface LiveRequest {
  /** Project ids or numbers. */
  projects: string[];
  /** Service account emails to look up (exist, disabled). */
  serviceAccounts: string[];
  /** Role names whose permissions to read: `roles/…`, `projects/P/roles/…`, `organizations/O/roles/…`. */
  roles: string[];
  /** Per project (id or number): permissions to test the caller for with testIamPermissions. */
  callerPermissions: Record<string, string[]>;
  /** Service account emails on which to test the caller for iam.serviceAccounts.actAs. */
  actAsChecks: string[];
  /**
   * Projects (id or number) whose Compute Engine default service account
   * (`NUMBER-compute@developer.gserviceaccount.com`) nodes may run as: its email needs the project
   * number, which only the live read knows. It is looked up and checked for actAs like the others.
   */
  defaultServiceAccountProjects?: string[];
  /**
   * Members (`serviceAccount:…`) whose roles in the live project and ancestor policies should have
   * their permissions read too: grants made outside the configuration count. The GKE service agent
   * of every project read, and the default account of `defaultServiceAccountProjects`, are added.
   */
  rolesHeldBy?: string[];
  /**
   * Artifact Registry repositories (`projects/P/locations/L/repositories/R`) the input names and
   * does not create: their own IAM policy may let node accounts pull. The roles they grant to
   * `rolesHeldBy` members (and Compute Engine default accounts) are read as well.
   */
  artifactRepositories?: string[];
  /** Per folder or organisation (`folders/ID`, `organizations/ID`): permissions to test the caller for there. */
  resourceCallerPermissions?: Record<string, string[]>;
  /** Subnetworks (`projects/P/regions/R/subnetworks/S`) the input uses and does not create, and what to read of each. */
  subnetworks?: Record<string, Array<"secondaryRanges" | "iamPolicy">>;
  /** Cloud KMS keys (`projects/P/locations/L/keyRings/R/cryptoKeys/K`) whose state and IAM policies (key and ring) to read. */
  cryptoKeys?: string[];
  /** Projects (ids) whose clusters to list, for whether their Workload Identity pool exists. */
  workloadPoolProjects?: string[];
  /** Locations (`projects/P/locations/L`) whose server config (valid versions) to read. */
  serverConfigs?: string[];
}

/**
 * What one rule needs `--live` to read, beside what the fact base reads anyway: any part of the
 * request. `rolesHeldBy` is not among them: it follows from `serviceAccounts`.
 */
export type LiveNeeds = Partial<Omit<LiveRequest, "rolesHeldBy">>;

export function isLiveError(value: unknown): value is LiveError {
  return typeof value === "object" && value !== null && "error" in value;
}
