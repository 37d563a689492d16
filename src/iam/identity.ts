import type { Model, Resource, Value } from "../model/types";
import { isUnknown, Unknown } from "../model/unknown";
import { parseReference } from "../model/expressions";
import type { ProjectCatalog } from "./projects";

/**
 * Who a member or a node service account is. `key` identifies the identity across the
 * input: two values with the same key are the same principal. Keys:
 * `sa:<email>`, `sa-resource:<address>` (created here, email not known yet),
 * `gke-agent:<project>`, `compute-default:<project>`, `apis-agent:<project>`, or the
 * member string itself for users, groups and domains.
 */
export interface Identity {
  key?: string;
  /** How to show it to a person: an email, or a description. */
  display: string;
  /** The email when known. */
  email?: string;
  /** The `google_service_account` that creates it, when the configuration does. */
  createdBy?: Resource;
  kind: "service-account" | "gke-agent" | "compute-default" | "apis-agent" | "other" | "unknown";
  project?: string;
  /** For `unknown`: why the identity cannot be told before apply. */
  reason?: string;
}

const AGENT_PATTERNS: Array<{ kind: Identity["kind"]; email: RegExp; template: RegExp }> = [
  { kind: "gke-agent", email: /^service-(\d+)@container-engine-robot\.iam\.gserviceaccount\.com$/, template: /^service-\$\{([^}]+)\}@container-engine-robot\.iam\.gserviceaccount\.com$/ },
  { kind: "compute-default", email: /^(\d+)-compute@developer\.gserviceaccount\.com$/, template: /^\$\{([^}]+)\}-compute@developer\.gserviceaccount\.com$/ },
  { kind: "apis-agent", email: /^(\d+)@cloudservices\.gserviceaccount\.com$/, template: /^\$\{([^}]+)\}@cloudservices\.gserviceaccount\.com$/ },
];

const AGENT_NAMES = {
  "gke-agent": "the GKE service agent",
  "compute-default": "the Compute Engine default service account",
  "apis-agent": "the Google APIs service agent",
} as const;

export function agentIdentity(kind: "gke-agent" | "compute-default" | "apis-agent", project: string, catalog: ProjectCatalog): Identity {
  const number = catalog.numberOf(project);
  const email = number ? agentEmail(kind, number) : undefined;
  return { key: `${kind}:${project}`, kind, project, email, display: email ?? `${AGENT_NAMES[kind]} of ${project} (${agentEmail(kind, "PROJECT_NUMBER")})` };
}

export function agentEmail(kind: "gke-agent" | "compute-default" | "apis-agent", number: string): string {
  switch (kind) {
    case "gke-agent":
      return `service-${number}@container-engine-robot.iam.gserviceaccount.com`;
    case "compute-default":
      return `${number}-compute@developer.gserviceaccount.com`;
    case "apis-agent":
      return `${number}@cloudservices.gserviceaccount.com`;
  }
}

export class IdentityResolver {
  private readonly accountsByEmail = new Map<string, Resource>();

  constructor(
    private readonly model: Model,
    private readonly catalog: ProjectCatalog,
  ) {
    for (const sa of model.byType.get("google_service_account") ?? []) {
      const email = this.accountEmail(sa);
      if (email) this.accountsByEmail.set(email, sa);
    }
  }

  /** An IAM member string: `serviceAccount:…`, `user:…`, `group:…`, or unknown. */
  member(value: Value | undefined): Identity {
    if (typeof value === "string") {
      const [prefix, ...rest] = value.split(":");
      const email = rest.join(":");
      if (prefix === "serviceAccount") return this.email(email);
      if (rest.length === 0) return { key: value, display: value, kind: "other" };
      return { key: `${prefix}:${email.toLowerCase()}`, display: value, kind: "other" };
    }
    if (isUnknown(value)) return this.fromUnknown(value, true);
    return { kind: "unknown", display: "(no member)", reason: "the member is not set" };
  }

  /** A node `service_account` value: an email, `default`, unset, or unknown. */
  nodeServiceAccount(value: Value | undefined, clusterProject: string | undefined): Identity {
    if (value === undefined || value === null || value === "" || value === "default") {
      if (!clusterProject) return { kind: "unknown", display: "the Compute Engine default service account", reason: "the cluster's project is not known" };
      return agentIdentity("compute-default", clusterProject, this.catalog);
    }
    if (typeof value === "string") return this.email(value);
    if (isUnknown(value)) return this.fromUnknown(value, false);
    return { kind: "unknown", display: String(value), reason: "not a service account email" };
  }

  /** The identity of a `google_service_account` created by the configuration. */
  account(resource: Resource): Identity {
    const email = this.accountEmail(resource);
    if (email) return { ...this.email(email), createdBy: resource };
    return { key: `sa-resource:${resource.address}`, display: `the service account ${resource.address}`, kind: "service-account", createdBy: resource };
  }

  email(raw: string): Identity {
    const email = raw.trim().toLowerCase();
    for (const pattern of AGENT_PATTERNS) {
      const m = pattern.email.exec(email);
      if (m) return { ...agentIdentity(pattern.kind as "gke-agent", this.catalog.canonical(m[1]), this.catalog), email };
    }
    const createdBy = this.accountsByEmail.get(email);
    return { key: `sa:${email}`, display: email, email, kind: email.includes("@") ? "service-account" : "unknown", createdBy, ...(email.includes("@") ? {} : { reason: `"${raw}" is not an email`, key: `sa:${email}` }) };
  }

  private fromUnknown(value: Unknown, isMember: boolean): Identity {
    const template = value.template?.replace(/^serviceAccount:/, "");
    if (template) {
      for (const pattern of AGENT_PATTERNS) {
        const m = pattern.template.exec(template);
        if (!m) continue;
        const project = this.catalog.projectOfReference(m[1]);
        if (project?.key) return agentIdentity(pattern.kind as "gke-agent", project.key, this.catalog);
        return { kind: pattern.kind, display: value.template!, reason: project && "reason" in project ? project.reason : `cannot tell which project \`${m[1]}\` is` };
      }
    }
    // `${google_service_account.x.email}` (Terraform JSON) or a plan value that references it.
    const onlyReference = template && /^\$\{([^}]+)\}$/.exec(template)?.[1];
    const candidates = onlyReference ? [onlyReference] : template ? [] : value.references;
    const accounts = new Set<string>();
    let defaultAccount: string | undefined;
    for (const ref of candidates) {
      const parsed = parseReference(ref);
      if (parsed.kind === "resource" && parsed.target.endsWith(".")) continue;
      const type = parsed.target.replace(/^data\./, "").split(".")[0];
      if (type === "google_service_account" && ["email", "member", "name", "id", undefined].includes(parsed.attributePath[0])) accounts.add(parsed.target);
      if (parsed.kind === "data" && type === "google_compute_default_service_account") defaultAccount = parsed.target;
    }
    if (accounts.size === 1 && !defaultAccount) {
      const target = [...accounts][0];
      const resource = this.model.byAddress.get(target) ?? [...this.model.byAddress.values()].find((r) => r.address.startsWith(`${target}[`));
      if (resource?.mode === "managed") return this.account(resource);
      if (resource?.mode === "data" && typeof resource.values.email === "string") return this.email(resource.values.email);
      if (resource) return { kind: "unknown", display: resource.address, reason: `the email of ${resource.address} is read at apply` };
    }
    if (defaultAccount && accounts.size === 0) {
      const resource = this.model.byAddress.get(defaultAccount);
      const project = resource ? this.catalog.projectOf(resource) : undefined;
      if (project?.key) return agentIdentity("compute-default", project.key, this.catalog);
    }
    const what = isMember ? "member" : "service account";
    return {
      kind: "unknown",
      display: value.template ?? (value.references.length ? `(from ${value.references.join(", ")})` : "(known after apply)"),
      reason: `the ${what} is ${value.template ? `\`${value.template}\`` : "computed"}, which is only known after apply`,
    };
  }

  private accountEmail(resource: Resource): string | undefined {
    if (typeof resource.values.email === "string") return resource.values.email.toLowerCase();
    const accountId = resource.values.account_id;
    const project = this.catalog.projectOf(resource);
    if (typeof accountId === "string" && project.key && !/^\d+$/.test(project.key)) {
      return `${accountId}@${project.key}.iam.gserviceaccount.com`.toLowerCase();
    }
    return undefined;
  }
}
