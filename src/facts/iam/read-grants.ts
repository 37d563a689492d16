import type { Model, Resource, Value } from "../../model/types";
import { isUnknown, Unknown } from "../../model/unknown";
import { stringList, blocks } from "../../model/access";
import type { LiveBinding } from "../live";
import type { LiveView } from "../live-view";
import { PROJECT_IAM } from "../../knowledge/iam-resources";
import type { ProjectCatalog, ProjectResolution } from "./projects";
import type { IdentityResolver, Identity } from "./identity";
import { isConditional } from "./ancestry";
import { parsePolicyData } from "./policy-data";
import type { AuthoritativeSet, Grant, Removal } from "./grants";

/** A custom role defined in the configuration. */
export interface CustomRole {
  resource: Resource;
  permissions: string[] | Unknown;
}

/** What the configuration's project IAM resources grant, set and remove. */
export interface ConfiguredIam {
  grants: Grant[];
  authoritative: AuthoritativeSet[];
  removals: Removal[];
  /** By role name (`projects/P/roles/R`) and by address. */
  customRoles: Map<string, CustomRole>;
}

type Bindings = Array<{ role: string | Unknown; members: Identity[]; conditional: boolean }>;

/** Reads the project IAM resources of the configuration, in a fixed order (custom roles first: grants name them). */
export function readConfiguredIam(model: Model, catalog: ProjectCatalog, identities: IdentityResolver): ConfiguredIam {
  const out: ConfiguredIam = { grants: [], authoritative: [], removals: [], customRoles: new Map() };
  const reader = new ProjectIamReader(model, catalog, identities, out.customRoles);
  reader.readCustomRoles();
  reader.readMembers(out.grants);
  reader.readBindings(out.grants, out.authoritative);
  reader.readPolicies(out.grants, out.authoritative);
  reader.readRemovals(out.removals);
  return out;
}

class ProjectIamReader {
  constructor(
    private readonly model: Model,
    private readonly catalog: ProjectCatalog,
    private readonly identities: IdentityResolver,
    private readonly customRoles: Map<string, CustomRole>,
  ) {}

  readCustomRoles(): void {
    for (const r of this.model.byType.get(PROJECT_IAM.customRole) ?? []) {
      if (r.change === "delete") continue;
      const project = this.catalog.projectOf(r);
      const roleId = r.values.role_id;
      const permissions = stringList(r.values, "permissions");
      const list = isUnknown(permissions) || permissions === undefined ? new Unknown("the custom role's permissions are not known before apply") : permissions.filter((p): p is string => typeof p === "string");
      const entry = { resource: r, permissions: list };
      this.customRoles.set(r.address, entry);
      if (typeof roleId === "string" && project.key) this.customRoles.set(`projects/${project.key}/roles/${roleId}`, entry);
    }
  }

  private role(value: Value | undefined): string | Unknown {
    if (typeof value === "string") return value;
    if (isUnknown(value)) {
      for (const ref of value.references) {
        const base = ref.replace(/\.(name|id|role_id)$/, "");
        if (this.customRoles.has(base)) return base; // the address stands for the custom role
      }
      return value;
    }
    return new Unknown("the role is not set");
  }

  readMembers(grants: Grant[]): void {
    for (const r of this.model.byType.get(PROJECT_IAM.member) ?? []) {
      grants.push({
        role: this.role(r.values.role),
        identity: this.identities.member(r.values.member),
        project: this.catalog.projectOf(r),
        resource: r,
        kind: "member",
        conditional: isConditional(r.values.condition),
        destroyed: r.change === "delete",
      });
    }
  }

  readBindings(grants: Grant[], authoritative: AuthoritativeSet[]): void {
    for (const r of this.model.byType.get(PROJECT_IAM.binding) ?? []) {
      const role = this.role(r.values.role);
      const project = this.catalog.projectOf(r);
      const conditional = isConditional(r.values.condition);
      const members = this.memberList(r.values.members);
      const destroyed = r.change === "delete";
      if (isUnknown(members)) {
        grants.push({ role, identity: { kind: "unknown", display: "(members known after apply)", reason: members.reason }, project, resource: r, kind: "binding", conditional, destroyed });
      } else {
        for (const identity of members) grants.push({ role, identity, project, resource: r, kind: "binding", conditional, destroyed });
      }
      // A conditional binding is authoritative only for that role and condition pair.
      if (!conditional) authoritative.push({ resource: r, kind: "binding", project, role, bindings: isUnknown(members) ? members : [{ role, members, conditional }], destroyed });
    }
  }

  readPolicies(grants: Grant[], authoritative: AuthoritativeSet[]): void {
    for (const r of this.model.byType.get(PROJECT_IAM.policy) ?? []) {
      const project = this.catalog.projectOf(r);
      const bindings = this.policyBindings(r);
      const destroyed = r.change === "delete";
      if (!isUnknown(bindings)) {
        for (const b of bindings) for (const identity of b.members) grants.push({ role: b.role, identity, project, resource: r, kind: "policy", conditional: b.conditional, destroyed });
      }
      authoritative.push({ resource: r, kind: "policy", project, bindings, destroyed });
    }
  }

  /** `policy_data` is a JSON string (plan) or a reference to a `google_iam_policy` data source. */
  private policyBindings(r: Resource): Bindings | Unknown {
    const data = r.values.policy_data;
    if (typeof data === "string") {
      const parsed = parsePolicyData(r.address, data);
      return isUnknown(parsed) ? parsed : parsed.map((b) => ({ ...b, members: b.members.map((m) => this.identities.member(m)) }));
    }
    if (isUnknown(data)) {
      const source = data.references.map((ref) => ref.replace(/\.policy_data$/, "")).map((a) => this.model.byAddress.get(a)).find((d) => d?.type === "google_iam_policy");
      if (source) {
        return blocks(source.values.binding).map((b) => {
          const members = this.memberList(b.members);
          return {
            role: this.role(b.role),
            members: isUnknown(members) ? [{ kind: "unknown" as const, display: "(members known after apply)", reason: members.reason }] : members,
            conditional: isConditional(b.condition),
          };
        });
      }
      return new Unknown(`the policy of ${r.address} is only known after apply`, data.references);
    }
    return new Unknown(`${r.address} has no policy_data`);
  }

  readRemovals(removals: Removal[]): void {
    for (const r of this.model.byType.get(PROJECT_IAM.remove) ?? []) {
      if (r.change === "delete") continue;
      removals.push({ resource: r, role: this.role(r.values.role), identity: this.identities.member(r.values.member), project: this.catalog.projectOf(r) });
    }
  }

  private memberList(value: Value | undefined): Identity[] | Unknown {
    const list = isUnknown(value) ? value : Array.isArray(value) ? value : [];
    if (isUnknown(list)) return list;
    return list.map((m) => this.identities.member(m));
  }
}

/** The grants of the project policies (and their ancestors') that --live read. */
export function readLiveGrants(live: LiveView, catalog: ProjectCatalog, identities: IdentityResolver): Grant[] {
  const grants: Grant[] = [];
  // A project read live may be stored under its id and under its number: one policy, added once.
  const added = new Set<string>();
  for (const [key, project] of live.projectsRead()) {
    const resolution: ProjectResolution = { key: catalog.canonical(project.projectId ?? key), createdHere: false };
    if (added.has(resolution.key)) continue;
    added.add(resolution.key);
    const add = (bindings: LiveBinding[], kind: "live" | "inherited") => {
      for (const b of bindings) for (const m of b.members) {
        grants.push({ role: b.role, identity: identities.member(m), project: resolution, kind, conditional: b.condition !== undefined, destroyed: false });
      }
    };
    if (project.iamPolicy && "value" in project.iamPolicy) add(project.iamPolicy.value, "live");
    // Read on a folder or the organisation: inherited, so the plan's project-level changes cannot take it away.
    for (const { policy } of project.ancestorPolicies) if (policy && "value" in policy) add(policy.value, "inherited");
  }
  return grants;
}

/** Whether the live project policy (and its ancestors') were read, so no grant is invisible. */
export function liveCoverage(live: LiveView, catalog: ProjectCatalog, project: string): { complete: boolean; reason?: string } {
  if (!live.enabled) return { complete: false, reason: "grants made outside this configuration cannot be seen without --live" };
  const entry = live.projectMatching(project, (key) => catalog.canonical(key));
  if (!entry || !("value" in entry)) return { complete: false, reason: `the live project ${project} could not be read${entry ? `: ${entry.unreadable}` : ""}` };
  const policy = entry.value.iamPolicy;
  if (!policy || !("value" in policy)) return { complete: false, reason: `the IAM policy of ${project} could not be read${policy ? `: ${policy.unreadable}` : ""}` };
  const unreadable = entry.value.ancestorPolicies.find(({ policy }) => policy && !("value" in policy));
  if (unreadable) return { complete: false, reason: `the IAM policy of ${unreadable.node} could not be read` };
  return { complete: true };
}
