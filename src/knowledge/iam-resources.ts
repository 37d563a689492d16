/** The google provider's project IAM resource types, by what each does to the project's policy. */
export const PROJECT_IAM = {
  /** Adds one member to one role. */
  member: "google_project_iam_member",
  /** Sets the whole member list of one role (authoritative for it). */
  binding: "google_project_iam_binding",
  /** Sets the whole policy (authoritative for every role). */
  policy: "google_project_iam_policy",
  /** Takes one member away from one role. */
  remove: "google_project_iam_member_remove",
  customRole: "google_project_iam_custom_role",
} as const;

/** Every resource type that changes who holds a role on a project. */
export const PROJECT_GRANT_TYPES: readonly string[] = [PROJECT_IAM.member, PROJECT_IAM.binding, PROJECT_IAM.policy, PROJECT_IAM.remove];

/** Resource types that grant roles on one service account (actAs is granted there too). */
export const SERVICE_ACCOUNT_GRANT_TYPES: readonly string[] = ["google_service_account_iam_member", "google_service_account_iam_binding", "google_service_account_iam_policy"];
