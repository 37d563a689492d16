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
}

/**
 * What one rule needs `--live` to read, beside what the fact base reads anyway: any part of the
 * request. `rolesHeldBy` is not among them: it follows from `serviceAccounts`.
 */
export type LiveNeeds = Partial<Omit<LiveRequest, "rolesHeldBy">>;

/**
 * The project to ask Google about: one the input names and the apply does not create (a project
 * created here does not exist yet, and the configuration already says what it will be).
 */
export function existingProject(resolution: { key?: string; createdHere?: boolean }): string | undefined {
  return resolution.key && !resolution.createdHere ? resolution.key : undefined;
}
