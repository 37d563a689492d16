import type { Value } from "../model/types";
import { isUnknown } from "../model/unknown";
import type { ProjectCatalog } from "./iam/projects";
import { GOOGLE_IDENTITIES, googleIdentity, recogniseGoogleIdentity, type GoogleIdentityKind } from "../knowledge/service-agents";

/** One Google-managed identity of one project (a service agent), as the rules look for it. */
export interface AgentOf {
  kind: GoogleIdentityKind;
  /** The project's key in the catalog (its id, or its number when no id is known). */
  project: string;
  /** The email when the project number is known. */
  email?: string;
}

export function agentOf(kind: GoogleIdentityKind, project: string, catalog: ProjectCatalog): AgentOf {
  const number = catalog.numberOf(project);
  return { kind, project, ...(number && { email: googleIdentity(kind).emailPattern.replace("{number}", number) }) };
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const templates = new Map<GoogleIdentityKind, RegExp>();

/** `service-${data.google_project.p.number}@compute-system…` → the reference, for this kind. */
function templatePattern(kind: GoogleIdentityKind): RegExp {
  let regex = templates.get(kind);
  if (!regex) {
    const [before, after] = googleIdentity(kind).emailPattern.split("{number}");
    templates.set(kind, (regex = new RegExp(`^(?:serviceAccount:)?${escape(before)}\\$\\{([^}]+)\\}${escape(after)}$`, "i")));
  }
  return regex;
}

/** Which agent kind a template such as `serviceAccount:service-${data.google_project.p.number}@…` names, and the reference in it. */
export function agentTemplateReference(template: string): { kind: GoogleIdentityKind; reference: string } | undefined {
  for (const { kind } of GOOGLE_IDENTITIES) {
    const match = templatePattern(kind).exec(template);
    if (match) return { kind, reference: match[1] };
  }
  return undefined;
}

/**
 * Whether an IAM member (as written in a grant) is this agent: "maybe" when the member or the
 * project number is only known after apply and nothing tells them apart.
 */
export function isAgentMember(member: Value | undefined, agent: AgentOf, catalog: ProjectCatalog): "yes" | "no" | "maybe" {
  if (typeof member === "string") {
    const found = recogniseGoogleIdentity(member);
    if (!found || found.kind !== agent.kind) return "no";
    if (catalog.canonical(found.projectNumber) === agent.project || found.projectNumber === agent.project) return "yes";
    // A number the catalog cannot link to an id may still be this project's, when its number is not known.
    if (agent.email) return "no";
    return /^\d+$/.test(catalog.canonical(found.projectNumber)) ? "maybe" : "no";
  }
  if (isUnknown(member)) {
    const match = member.template ? templatePattern(agent.kind).exec(member.template) : null;
    if (match) {
      const project = catalog.projectOfReference(match[1]);
      if (project?.key) return project.key === agent.project ? "yes" : "no";
      return "maybe";
    }
    // The email of a service account the configuration manages is not an agent; a variable or a
    // module output may be anyone.
    return member.template && /^(?:serviceAccount:)?\$\{(?:data\.)?google_service_account\.[^}]+\}$/.test(member.template) ? "no" : "maybe";
  }
  return "no";
}
