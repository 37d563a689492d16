import type { Model, Resource, Value } from "../model/types";
import { isUnknown } from "../model/unknown";
import type { ProjectCatalog } from "./iam/projects";
import { recogniseGoogleIdentity, type GoogleIdentityKind } from "../knowledge/service-agents";
import { SERVICE_AGENT_CREATION } from "../knowledge/preconditions";
import { isCreated } from "../model/change";
import { agentTemplateReference } from "./agents";

/** A grant this apply makes to a Google-created identity that exists only once its API is on. */
export interface AgentGrant {
  resource: Resource;
  kind: GoogleIdentityKind;
  /** The member as written (for messages). */
  member: string;
  /** The project the identity belongs to (by its number, or the reference its email is built from). */
  agentProject: { key: string } | { key?: undefined; reason: string };
  /** The API whose enabling creates it. */
  api: string;
}

function membersOf(r: Resource): Array<Value | undefined> {
  if (r.type.endsWith("_iam_member")) return [r.values.member];
  if (r.type.endsWith("_iam_binding")) return Array.isArray(r.values.members) ? r.values.members : [];
  return [];
}

function agentOfMember(member: Value | undefined, catalog: ProjectCatalog): Omit<AgentGrant, "resource" | "api"> | undefined {
  if (typeof member === "string") {
    const found = recogniseGoogleIdentity(member);
    return found ? { kind: found.kind, member, agentProject: { key: catalog.canonical(found.projectNumber) } } : undefined;
  }
  if (!isUnknown(member) || !member.template) return undefined;
  const found = agentTemplateReference(member.template);
  if (!found) return undefined;
  const project = catalog.projectOfReference(found.reference);
  return { kind: found.kind, member: member.template, agentProject: project?.key ? { key: project.key } : { reason: project && "reason" in project ? project.reason : `cannot tell which project \`${found.reference}\` is` } };
}

/** Every grant to such an identity that this apply creates, in any `_iam_member` / `_iam_binding` resource. */
export function agentGrants(model: Model, catalog: ProjectCatalog): AgentGrant[] {
  const out: AgentGrant[] = [];
  for (const r of model.resources) {
    if (r.mode !== "managed" || !isCreated(r)) continue;
    for (const member of membersOf(r)) {
      const found = agentOfMember(member, catalog);
      const api = found && SERVICE_AGENT_CREATION.createdBy[found.kind];
      if (found && api) out.push({ resource: r, api, ...found });
    }
  }
  return out;
}
