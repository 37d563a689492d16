import type { Model, Resource, Value } from "../../model/types";
import { isUnknown, readableTemplate, Unknown } from "../../model/unknown";
import { parseReference } from "../../model/expressions";
import type { ProjectCatalog } from "./projects";
import { googleIdentity, recogniseGoogleIdentity, type GoogleIdentityKind } from "../../knowledge/service-agents";
import { withoutInstanceKey } from "../../model/addresses";

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

/** The Google-managed identities rules reason about, by the knowledge base's kinds. */
type AgentKind = "gke-agent" | "compute-default" | "apis-agent";
const KNOWLEDGE_KIND: Record<AgentKind, GoogleIdentityKind> = {
  "gke-agent": "gke-service-agent",
  "compute-default": "compute-default-sa",
  "apis-agent": "google-apis-service-agent",
};
const AGENT_KIND = new Map<GoogleIdentityKind, AgentKind>(Object.entries(KNOWLEDGE_KIND).map(([k, v]) => [v, k as AgentKind]));

/** `service-${data.google_project.p.number}@container-engine-robot…` → the reference, per kind. */
const TEMPLATES: ReadonlyArray<{ kind: AgentKind; regex: RegExp }> = (Object.keys(KNOWLEDGE_KIND) as AgentKind[]).map((kind) => {
  const [before, after] = googleIdentity(KNOWLEDGE_KIND[kind]).emailPattern.split("{number}");
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return { kind, regex: new RegExp(`^${escape(before)}\\$\\{([^}]+)\\}${escape(after)}$`) };
});

const AGENT_NAMES: Record<AgentKind, string> = {
  "gke-agent": "the GKE service agent",
  "compute-default": "the Compute Engine default service account",
  "apis-agent": "the Google APIs service agent",
};

export function agentIdentity(kind: AgentKind, project: string, catalog: ProjectCatalog): Identity {
  const number = catalog.numberOf(project);
  const email = number ? agentEmail(kind, number) : undefined;
  return { key: `${kind}:${project}`, kind, project, email, display: email ?? `${AGENT_NAMES[kind]} of ${project} (${agentEmail(kind, "PROJECT_NUMBER")})` };
}

/** The agent's email; `number` may be a placeholder such as PROJECT_NUMBER for display. */
export function agentEmail(kind: AgentKind, number: string): string {
  return googleIdentity(KNOWLEDGE_KIND[kind]).emailPattern.replace("{number}", number);
}

export class IdentityResolver {
  private readonly accountsByEmail = new Map<string, Resource>();

  /** `crossStack`: the email a reference to another stack's output stands for, when that stack's configuration tells it. */
  constructor(
    private readonly model: Model,
    private readonly catalog: ProjectCatalog,
    private readonly crossStack?: (reference: string) => string | undefined,
  ) {
    for (const sa of model.byType.get("google_service_account") ?? []) {
      const email = this.accountEmail(sa);
      if (email) this.accountsByEmail.set(email, sa);
    }
  }

  /** An IAM member string: `serviceAccount:…`, `user:…`, `group:…`, or unknown. */
  member(value: Value | undefined): Identity {
    if (typeof value === "string") {
      // Many grants name the same member: one Identity per member text (identities are never changed).
      let identity = this.memberIdentities.get(value);
      if (!identity) this.memberIdentities.set(value, (identity = this.memberText(value)));
      return identity;
    }
    if (isUnknown(value)) return this.fromUnknown(value, true);
    return { kind: "unknown", display: "(no member)", reason: "the member is not set" };
  }

  private readonly memberIdentities = new Map<string, Identity>();

  private memberText(value: string): Identity {
    const [prefix, ...rest] = value.split(":");
    const email = rest.join(":");
    if (prefix === "serviceAccount") return this.email(email);
    if (rest.length === 0) return { key: value, display: value, kind: "other" };
    return { key: `${prefix}:${email.toLowerCase()}`, display: value, kind: "other" };
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
    const google = recogniseGoogleIdentity(email);
    const agent = google && AGENT_KIND.get(google.kind);
    if (google && agent) return { ...agentIdentity(agent, this.catalog.canonical(google.projectNumber), this.catalog), email };
    if (!email.includes("@")) return { key: `sa:${email}`, display: raw, kind: "unknown", reason: `"${raw}" is not a service account email` };
    return { key: `sa:${email}`, display: email, email, kind: "service-account", createdBy: this.accountsByEmail.get(email) };
  }

  private fromUnknown(value: Unknown, isMember: boolean): Identity {
    const template = value.template?.replace(/^serviceAccount:/, "");
    if (template) {
      for (const pattern of TEMPLATES) {
        const m = pattern.regex.exec(template);
        if (!m) continue;
        const project = this.catalog.projectOfReference(m[1]);
        if (project?.key) return agentIdentity(pattern.kind, project.key, this.catalog);
        return { kind: pattern.kind, display: readableTemplate(value.template!), reason: project && "reason" in project ? project.reason : `cannot tell which project \`${m[1]}\` is` };
      }
    }
    // The email of an account created here whose project is not known yet, as the model writes it
    // (`ACCOUNT_ID@${google_service_account.x.project}.iam.gserviceaccount.com`): still that account.
    const computedEmail = template && /^[^@${}]+@\$\{([^}]+)\.project\}\.iam\.gserviceaccount\.com$/.exec(template);
    if (computedEmail) {
      const resource = this.model.byAddress.get(computedEmail[1]);
      if (resource?.type === "google_service_account" && resource.mode === "managed") return this.account(resource);
    }
    // `${google_service_account.x.email}` (Terraform JSON) or a plan value that references it.
    const onlyReference = template && /^\$\{([^}]+)\}$/.exec(template)?.[1];
    const fromStack = onlyReference && this.crossStack?.(onlyReference);
    if (fromStack) return this.email(fromStack);
    const candidates = onlyReference ? [onlyReference] : template ? [] : value.references;
    const accounts = new Set<string>();
    let defaultAccount: string | undefined;
    for (const ref of candidates) {
      const parsed = parseReference(ref);
      if (parsed.kind === "resource" && parsed.target.endsWith(".")) continue;
      const type = parsed.type ?? "";
      // An instance key in the reference (`pool["a"]`) names that instance.
      if (type === "google_service_account" && ["email", "member", "name", "id", undefined].includes(parsed.attributePath[0])) accounts.add(parsed.index === undefined ? parsed.target : `${parsed.target}[${/^\d+$/.test(parsed.index) ? parsed.index : JSON.stringify(parsed.index)}]`);
      if (parsed.kind === "data" && type === "google_compute_default_service_account") defaultAccount = parsed.target;
    }
    if (accounts.size === 1 && !defaultAccount) {
      const target = [...accounts][0];
      const resource = this.model.byAddress.get(target) ?? this.singleInstance(target);
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
      display: value.template ? readableTemplate(value.template) : value.references.length ? `(from ${value.references.join(", ")})` : "(known after apply)",
      reason: `the ${what} is ${value.template ? readableTemplate(value.template) : "computed"}, which is only known after apply`,
    };
  }

  /** `google_service_account.x` written without its instance key, when it has exactly one instance. */
  private singleInstance(base: string): Resource | undefined {
    if (!this.instancesByBase) {
      this.instancesByBase = new Map();
      for (const r of this.model.resources) {
        const b = withoutInstanceKey(r.address);
        if (b !== r.address) this.instancesByBase.set(b, [...(this.instancesByBase.get(b) ?? []), r].slice(0, 2));
      }
    }
    const found = this.instancesByBase.get(base);
    return found && found.length === 1 ? found[0] : undefined;
  }

  private instancesByBase?: Map<string, Resource[]>;

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

/** Whether two identities are the same principal: "maybe" when either is only known after apply. */
export function sameIdentity(a: Identity, b: Identity): "yes" | "no" | "maybe" {
  if (a.key && b.key) {
    if (a.key === b.key) return "yes";
    if (a.email && b.email) return a.email === b.email ? "yes" : "no";
    // A service account created here whose email is unknown may still be named by a literal email.
    if (a.key.startsWith("sa-resource:") || b.key.startsWith("sa-resource:")) {
      const other = a.key.startsWith("sa-resource:") ? b : a;
      return other.kind === "service-account" && !(other.createdBy) ? "maybe" : "no";
    }
    return "no";
  }
  if (a.kind === "unknown" || b.kind === "unknown") return "maybe";
  if (a.kind !== b.kind) return "no";
  return "maybe";
}
