/** What `--live` should read. Built from the models by request.ts; read by read.ts. */
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
}

export interface LiveOptions {
  /** Replaces the root of every Google API endpoint; see endpoint.ts. Else PREFLIGHT_API_ENDPOINT. */
  apiEndpoint?: string;
  /** Else GOOGLE_OAUTH_ACCESS_TOKEN, else Application Default Credentials. */
  accessToken?: string;
  /** Calls in flight at once (default 8). */
  concurrency?: number;
  /** Per call, per attempt, for the headers and the whole body (default 20 000 ms; else PREFLIGHT_LIVE_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Largest answer read, in bytes (default 16 MiB; else PREFLIGHT_LIVE_MAX_RESPONSE_BYTES). */
  maxResponseBytes?: number;
  /** Further attempts on 408 / 429 / 5xx / dropped connections (default 4; else PREFLIGHT_LIVE_RETRIES). */
  retries?: number;
  /** First backoff delay in ms (default 500; else PREFLIGHT_LIVE_BACKOFF_MS), doubled each retry; 16 times it is the longest wait, Retry-After included. */
  backoffMs?: number;
  /** Called as reads finish; `total` grows while the ancestry is discovered. */
  onProgress?: (done: number, total: number) => void;
  /** Environment to read GOOGLE_OAUTH_ACCESS_TOKEN, PREFLIGHT_API_ENDPOINT and PREFLIGHT_LIVE_* from (tests). */
  env?: NodeJS.ProcessEnv;
}
