// Google-managed identities GKE relies on, keyed by kind. Emails are derived from the project
// NUMBER (not the id), so they can be checked in a plan once the number is known.
// Sources: docs/sources.md (S1 iann0036/iam-dataset, S6 Artifact Registry docs,
// S9 GoogleCloudPlatform/gcpdiag, S10 GoogleCloudPlatform/cloud-foundation-fabric).

export type GoogleIdentityKind =
  | "gke-service-agent"
  | "gke-node-service-agent"
  | "google-apis-service-agent"
  | "compute-default-sa"
  | "compute-service-agent";

export interface GoogleIdentity {
  kind: GoogleIdentityKind;
  displayName: string;
  /** Email with the literal placeholder {number} for the project number. */
  emailPattern: string;
  /** Role the identity normally holds on its project; undefined when none is documented with confidence. */
  projectRole?: string;
  /** Google creates and grants it when the API is enabled (false: a user-managed default account). */
  googleManaged: boolean;
  /** What breaks without it, in our words. */
  neededFor: string;
  sources: readonly string[];
  note?: string;
}

const FACTS = "docs/sources.md";

export const GOOGLE_IDENTITIES: readonly GoogleIdentity[] = Object.freeze([
  {
    kind: "gke-service-agent",
    displayName: "Kubernetes Engine Service Agent",
    emailPattern: "service-{number}@container-engine-robot.iam.gserviceaccount.com",
    projectRole: "roles/container.serviceAgent",
    googleManaged: true,
    neededFor: "every cluster and node-pool operation GKE performs on the project (VMs, networks, instance groups)",
    sources: [
      FACTS,
      "GoogleCloudPlatform/cloud-foundation-fabric@11c1d248 modules/project/service-agents.yaml",
      "GoogleCloudPlatform/gcpdiag@06ec8584 gcpdiag/lint/gke/err_2021_007_gke_sa.py",
    ],
  },
  {
    kind: "gke-node-service-agent",
    displayName: "Kubernetes Engine Node Service Agent",
    emailPattern: "service-{number}@gcp-sa-gkenode.iam.gserviceaccount.com",
    projectRole: "roles/container.defaultNodeServiceAgent",
    googleManaged: true,
    neededFor: "node logging/monitoring on newer GKE versions (exact scope unverified)",
    sources: [FACTS, "GoogleCloudPlatform/cloud-foundation-fabric@11c1d248 modules/project/service-agents.yaml"],
  },
  {
    kind: "google-apis-service-agent",
    displayName: "Google APIs Service Agent",
    emailPattern: "{number}@cloudservices.gserviceaccount.com",
    projectRole: "roles/editor",
    googleManaged: true,
    neededFor: "internal Google processes such as managed instance groups creating node VMs",
    sources: [FACTS, "GoogleCloudPlatform/gcpdiag@06ec8584 gcpdiag/lint/gke/err_2021_008_api_service_agent.py"],
    note: "Whether new projects still grant it roles/editor automatically is unverified (fabric's agent list shows no role).",
  },
  {
    kind: "compute-default-sa",
    displayName: "Compute Engine default service account",
    emailPattern: "{number}-compute@developer.gserviceaccount.com",
    projectRole: "roles/editor",
    googleManaged: false,
    neededFor: "the node identity when node_config.service_account is unset or \"default\"",
    sources: [FACTS, "https://cloud.google.com/artifact-registry/docs/integrate-gke", "GoogleCloudPlatform/gcpdiag@06ec8584 gcpdiag/queries/gke.py"],
    note: "Editor is granted only where the iam.automaticIamGrantsForDefaultServiceAccounts constraint is not enforced (enforced by default for organisations created after 2024-05-03).",
  },
  {
    kind: "compute-service-agent",
    displayName: "Compute Engine Service Agent",
    emailPattern: "service-{number}@compute-system.iam.gserviceaccount.com",
    projectRole: "roles/compute.serviceAgent",
    googleManaged: true,
    neededFor: "creating VMs that run as a service account",
    sources: [FACTS, "GoogleCloudPlatform/cloud-foundation-fabric@11c1d248 modules/project/service-agents.yaml"],
  },
] satisfies GoogleIdentity[]);

const PROJECT_NUMBER = /^[1-9]\d{0,18}$/;

export function isProjectNumber(value: string): boolean {
  return PROJECT_NUMBER.test(value);
}

export function googleIdentity(kind: GoogleIdentityKind): GoogleIdentity {
  const found = GOOGLE_IDENTITIES.find((identity) => identity.kind === kind);
  if (!found) throw new Error(`unknown Google identity kind: ${kind}`);
  return found;
}

/** The identity's email for a project number; throws on anything that is not a project number. */
export function googleIdentityEmail(kind: GoogleIdentityKind, projectNumber: string | number): string {
  const number = String(projectNumber);
  if (!isProjectNumber(number)) throw new Error(`not a project number: ${JSON.stringify(number)}`);
  return googleIdentity(kind).emailPattern.replace("{number}", number);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// One anchored regular expression per kind, built from the pattern so the two cannot drift apart.
const MATCHERS: ReadonlyArray<{ kind: GoogleIdentityKind; regex: RegExp }> = GOOGLE_IDENTITIES.map((identity) => {
  const [before, after] = identity.emailPattern.split("{number}");
  return { kind: identity.kind, regex: new RegExp(`^${escapeRegExp(before)}([1-9]\\d{0,18})${escapeRegExp(after)}$`) };
});

/**
 * Recognises a Google-managed identity. Accepts a bare email or an IAM member
 * ("serviceAccount:…"); emails are compared case-insensitively as IAM does.
 */
export function recogniseGoogleIdentity(emailOrMember: string): { kind: GoogleIdentityKind; projectNumber: string } | undefined {
  const email = emailOrMember.trim().replace(/^serviceAccount:/i, "").toLowerCase();
  for (const { kind, regex } of MATCHERS) {
    const match = regex.exec(email);
    if (match) return { kind, projectNumber: match[1] };
  }
  return undefined;
}

/**
 * The Compute Engine default service account's email. Unlike {@link googleIdentityEmail} it takes
 * a placeholder (PROJECT_NUMBER, for fix text) or a number read live as it is.
 */
export function computeDefaultAccountEmail(projectNumber: string | number | undefined): string {
  return googleIdentity("compute-default-sa").emailPattern.replace("{number}", String(projectNumber));
}

/** The Compute Engine default service account of a project whose number is not known, as fix text names it. */
export const COMPUTE_DEFAULT_ACCOUNT_PLACEHOLDER = computeDefaultAccountEmail("PROJECT_NUMBER");
