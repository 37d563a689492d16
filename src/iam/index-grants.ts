import type { Model, Resource, Value } from "../model/types";
import { isUnknown, Unknown } from "../model/unknown";
import { stringAttribute, stringList, block, blocks } from "../model/access";
import type { LiveFacts, LiveBinding, LiveDenyRule } from "../live/facts";
import { isLiveError } from "../live/facts";
import { roleHasPermission } from "../knowledge/roles";
import { ProjectCatalog, type ProjectResolution } from "./projects";
import { IdentityResolver, type Identity } from "./identity";
import { inheritedGrants, isConditional, type AncestorGrant, type ProjectAncestry } from "./ancestry";
import { addToList } from "../model/multimap";

/** One way an identity may receive a role on a project. */
export interface Grant {
  role: string | Unknown;
  identity: Identity;
  project: ProjectResolution;
  /** The resource that makes the grant; undefined for grants read live. */
  resource?: Resource;
  /** `inherited`: made on a folder or organisation above the project (see ancestry.ts). */
  kind: "member" | "binding" | "policy" | "live" | "inherited";
  conditional: boolean;
  /** The plan destroys the resource that makes this grant. */
  destroyed: boolean;
}

/** A resource that sets the whole member list of one role (binding) or of every role (policy). */
export interface AuthoritativeSet {
  resource: Resource;
  kind: "binding" | "policy";
  project: ProjectResolution;
  /** For a binding: its role. */
  role?: string | Unknown;
  /** The members per role, or Unknown when the policy's content is not known before apply. */
  bindings: Array<{ role: string | Unknown; members: Identity[]; conditional: boolean }> | Unknown;
  destroyed: boolean;
}

export interface Removal {
  resource: Resource;
  role: string | Unknown;
  identity: Identity;
  project: ProjectResolution;
}

export type Answer = { holds: "yes"; via: Grant[] } | { holds: "no"; why?: string; by?: Resource } | { holds: "maybe"; reason: string };

export interface PermissionReport {
  granted: Map<string, Grant[]>;
  missing: string[];
  undetermined: Array<{ permission: string; reason: string }>;
  /** Roles on the way that the apply strips from the identity (authoritative resources, removals). */
  stripped: Array<{ resource: Resource; role: string; why: string }>;
  /** Of `missing`: permissions a held role gives but an unconditional deny rule (read live) takes away. */
  deniedButGranted: string[];
}

const NO_SETS: readonly AuthoritativeSet[] = [];
const NO_REMOVALS: readonly Removal[] = [];

const PROJECT_IAM = {
  member: "google_project_iam_member",
  binding: "google_project_iam_binding",
  policy: "google_project_iam_policy",
  remove: "google_project_iam_member_remove",
  customRole: "google_project_iam_custom_role",
};

/**
 * Answers "which permissions will identity X hold on project P after this apply, and how
 * sure are we?" from the grants, authoritative bindings, policies and removals in the input,
 * merged with the live IAM policy when `--live` read it.
 */
export class IamIndex {
  readonly catalog: ProjectCatalog;
  readonly identities: IdentityResolver;
  readonly grants: Grant[] = [];
  readonly authoritative: AuthoritativeSet[] = [];
  readonly removals: Removal[] = [];
  /** Folder and organisation grants as made, and what the input shows of each project's ancestry. */
  private readonly ancestorGrants: AncestorGrant[];
  private readonly ancestry: ProjectAncestry;
  /** Custom roles defined in the configuration, by role name and by address. */
  private readonly customRoles = new Map<string, { resource: Resource; permissions: string[] | Unknown }>();

  constructor(
    readonly model: Model,
    private readonly live?: LiveFacts,
  ) {
    this.catalog = new ProjectCatalog(model, live);
    this.identities = new IdentityResolver(model, this.catalog);
    this.readCustomRoles();
    this.readMembers();
    this.readBindings();
    this.readPolicies();
    this.readRemovals();
    const inherited = inheritedGrants(model, this.catalog, this.identities, live);
    this.grants.push(...inherited.grants);
    this.ancestorGrants = inherited.ancestorGrants;
    this.ancestry = inherited.ancestry;
    this.readLive();
    this.buildIndex();
  }

  // Lookups by project and identity, so that a query costs the grants that can matter to it,
  // not every grant in the input (10,000 node pools against 10,000 members stay linear).
  private readonly byProjectIdentity = new Map<string, Grant[]>();
  private readonly byProject = new Map<string, Grant[]>();
  /** Grants whose identity or project is not known: they may match any query. */
  private readonly fuzzy: Grant[] = [];
  /** The same, split: identity unknown on a known project, and project unknown. */
  private readonly unknownIdentityByProject = new Map<string, Grant[]>();
  private readonly unknownProject: Grant[] = [];
  private readonly relevantCache = new Map<string, Grant[]>();
  private readonly literalAccountsByProject = new Map<string, Grant[]>();
  private readonly accountResourcesByProject = new Map<string, Grant[]>();
  private readonly authoritativeByProject = new Map<string, AuthoritativeSet[]>();
  private readonly removalsByProject = new Map<string, Removal[]>();

  private buildIndex(): void {
    for (const g of this.grants) {
      const project = g.project.key;
      if (project === undefined || g.identity.key === undefined) {
        this.fuzzy.push(g);
        if (project === undefined) {
          this.unknownProject.push(g);
          continue;
        }
        addToList(this.unknownIdentityByProject, project, g);
      }
      addToList(this.byProject, project, g);
      if (g.identity.key !== undefined) addToList(this.byProjectIdentity, `${project}|${g.identity.key}`, g);
      if (g.identity.key?.startsWith("sa-resource:")) addToList(this.accountResourcesByProject, project, g);
      else if (g.identity.kind === "service-account" && !g.identity.createdBy) addToList(this.literalAccountsByProject, project, g);
    }
    for (const a of this.authoritative) if (a.project.key !== undefined && !a.destroyed) addToList(this.authoritativeByProject, a.project.key, a);
    for (const r of this.removals) if (r.project.key !== undefined) addToList(this.removalsByProject, r.project.key, r);
  }

  /** Every grant that may concern this identity on this project (a superset; callers still compare). */
  private relevantGrants(identity: Identity, project: string): Grant[] {
    // Asked many times for the same Identity object (every role, every permission): look it up by
    // the object first, without building the text key.
    let ofIdentity = this.relevantByIdentity.get(identity);
    if (!ofIdentity) this.relevantByIdentity.set(identity, (ofIdentity = new Map()));
    let grants = ofIdentity.get(project);
    if (!grants) ofIdentity.set(project, (grants = this.relevantGrantsByKey(identity, project)));
    return grants;
  }

  /** Identities are never changed, so what concerns one object stays true. */
  private readonly relevantByIdentity = new WeakMap<Identity, Map<string, Grant[]>>();

  private relevantGrantsByKey(identity: Identity, project: string): Grant[] {
    const cacheKey = identity.key === undefined ? undefined : `${project}|${identity.key}|${identity.kind}|${identity.createdBy ? "c" : ""}`;
    const cached = cacheKey && this.relevantCache.get(cacheKey);
    if (cached) return cached;
    let out: Grant[];
    if (identity.key === undefined) out = [...(this.byProject.get(project) ?? []), ...this.unknownProject];
    else {
      out = [...(this.byProjectIdentity.get(`${project}|${identity.key}`) ?? []), ...(this.unknownIdentityByProject.get(project) ?? []), ...this.unknownProject];
      if (identity.key.startsWith("sa-resource:")) out.push(...(this.literalAccountsByProject.get(project) ?? []));
      else if (identity.kind === "service-account" && !identity.createdBy) out.push(...(this.accountResourcesByProject.get(project) ?? []));
      out = [...new Set(out)];
    }
    if (cacheKey) this.relevantCache.set(cacheKey, out);
    return out;
  }


  private readCustomRoles(): void {
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

  private readMembers(): void {
    for (const r of this.model.byType.get(PROJECT_IAM.member) ?? []) {
      this.grants.push({
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

  private readBindings(): void {
    for (const r of this.model.byType.get(PROJECT_IAM.binding) ?? []) {
      const role = this.role(r.values.role);
      const project = this.catalog.projectOf(r);
      const conditional = isConditional(r.values.condition);
      const members = this.memberList(r.values.members);
      const destroyed = r.change === "delete";
      if (isUnknown(members)) {
        this.grants.push({ role, identity: { kind: "unknown", display: "(members known after apply)", reason: members.reason }, project, resource: r, kind: "binding", conditional, destroyed });
      } else {
        for (const identity of members) this.grants.push({ role, identity, project, resource: r, kind: "binding", conditional, destroyed });
      }
      // A conditional binding is authoritative only for that role and condition pair.
      if (!conditional) this.authoritative.push({ resource: r, kind: "binding", project, role, bindings: isUnknown(members) ? members : [{ role, members, conditional }], destroyed });
    }
  }

  private readPolicies(): void {
    for (const r of this.model.byType.get(PROJECT_IAM.policy) ?? []) {
      const project = this.catalog.projectOf(r);
      const bindings = this.policyBindings(r);
      const destroyed = r.change === "delete";
      if (!isUnknown(bindings)) {
        for (const b of bindings) for (const identity of b.members) this.grants.push({ role: b.role, identity, project, resource: r, kind: "policy", conditional: b.conditional, destroyed });
      }
      this.authoritative.push({ resource: r, kind: "policy", project, bindings, destroyed });
    }
  }

  /** `policy_data` is a JSON string (plan) or a reference to a `google_iam_policy` data source. */
  private policyBindings(r: Resource): Array<{ role: string | Unknown; members: Identity[]; conditional: boolean }> | Unknown {
    const data = r.values.policy_data;
    if (typeof data === "string") {
      try {
        const parsed = JSON.parse(data) as { bindings?: Array<{ role?: unknown; members?: unknown; condition?: unknown }> };
        return (parsed.bindings ?? []).map((b) => ({
          role: typeof b.role === "string" ? b.role : new Unknown("binding without role"),
          members: Array.isArray(b.members) ? b.members.map((m) => this.identities.member(typeof m === "string" ? m : undefined)) : [],
          conditional: b.condition !== undefined && b.condition !== null,
        }));
      } catch {
        return new Unknown(`${r.address}.policy_data is not valid JSON`);
      }
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

  private readRemovals(): void {
    for (const r of this.model.byType.get(PROJECT_IAM.remove) ?? []) {
      if (r.change === "delete") continue;
      this.removals.push({ resource: r, role: this.role(r.values.role), identity: this.identities.member(r.values.member), project: this.catalog.projectOf(r) });
    }
  }

  private memberList(value: Value | undefined): Identity[] | Unknown {
    const list = isUnknown(value) ? value : Array.isArray(value) ? value : [];
    if (isUnknown(list)) return list;
    return list.map((m) => this.identities.member(m));
  }

  private readLive(): void {
    // A project read live may be stored under its id and under its number: one policy, added once.
    const added = new Set<string>();
    for (const [key, project] of Object.entries(this.live?.projects ?? {})) {
      if (isLiveError(project)) continue;
      const resolution: ProjectResolution = { key: this.catalog.canonical(project.projectId ?? key), createdHere: false };
      if (added.has(resolution.key)) continue;
      added.add(resolution.key);
      const add = (bindings: LiveBinding[], kind: "live" | "inherited") => {
        for (const b of bindings) for (const m of b.members) {
          this.grants.push({ role: b.role, identity: this.identities.member(m), project: resolution, kind, conditional: b.condition !== undefined, destroyed: false });
        }
      };
      if (Array.isArray(project.iamPolicy)) add(project.iamPolicy, "live");
      // Read on a folder or the organisation: inherited, so the plan's project-level changes cannot take it away.
      for (const policy of Object.values(project.ancestorPolicies ?? {})) if (Array.isArray(policy)) add(policy, "inherited");
    }
  }

  /** Whether the live project policy (and its ancestors') were read, so no grant is invisible. */
  liveCoverage(project: string): { complete: boolean; reason?: string } {
    if (!this.live) return { complete: false, reason: "grants made outside this configuration cannot be seen without --live" };
    const entry = Object.entries(this.live.projects).find(([k, p]) => this.catalog.canonical(k) === project || (!isLiveError(p) && (p.projectId === project || p.projectNumber === project)))?.[1];
    if (!entry || isLiveError(entry)) return { complete: false, reason: `the live project ${project} could not be read${entry ? `: ${entry.error}` : ""}` };
    if (!Array.isArray(entry.iamPolicy)) return { complete: false, reason: `the IAM policy of ${project} could not be read${entry.iamPolicy ? `: ${entry.iamPolicy.error}` : ""}` };
    const unreadable = Object.entries(entry.ancestorPolicies ?? {}).find(([, p]) => isLiveError(p));
    if (unreadable) return { complete: false, reason: `the IAM policy of ${unreadable[0]} could not be read` };
    return { complete: true };
  }

  /** Does the identity hold the role on the project after apply? */
  holdsRole(identity: Identity, project: string, role: string): Answer {
    return this.roleVerdict(identity, project, role);
  }

  /**
   * A grant on a folder or organisation that may reach the project: the input (or --live) does not
   * show that the project is below it, nor all of the project's ancestors. Undefined when none.
   */
  private ancestorGrantMayApply(identity: Identity, project: string, roleMatches: (role: string | Unknown) => boolean): string | undefined {
    if (this.ancestorGrants.length === 0) return undefined;
    let known: { nodes: string[]; complete: boolean } | undefined;
    for (const g of this.ancestorGrants) {
      if (g.destroyed || !roleMatches(g.role) || sameIdentity(g.identity, identity) === "no") continue;
      known ??= this.ancestry.knownAncestry(project);
      // Below it: already counted as an inherited grant. Not below it: all ancestors are known.
      if (g.node && (known.nodes.includes(g.node) || known.complete)) continue;
      const on = g.node ?? "a folder or organisation only known after apply";
      const role = typeof g.role === "string" ? g.role : "a role only known after apply";
      return `${g.resource.address} grants ${role} to ${g.identity.display} on ${on}, and the input does not show whether ${project} is below it (--live reads the project's ancestry; so does a folder_id or org_id on a google_project of this configuration)`;
    }
    return undefined;
  }

  private roleVerdict(identity: Identity, project: string, role: string): Answer {
    const answer = this.roleVerdictHere(identity, project, role);
    if (answer.holds !== "no") return answer;
    // Whatever the project's own policy says, a folder or organisation grant above it still holds.
    const above = this.ancestorGrantMayApply(identity, project, (r) => r === role || isUnknown(r));
    return above ? { holds: "maybe", reason: above } : answer;
  }

  private roleVerdictHere(identity: Identity, project: string, role: string): Answer {
    // 1. Authoritative resources that stay decide the member list of their roles.
    const sets = this.authoritativeByProject.get(project) ?? NO_SETS;
    const policy = sets.find((a) => a.kind === "policy");
    const relevant = sets.length ? sets.filter((a) => a.kind === "policy" || a.role === role) : NO_SETS;
    const grants = this.relevantGrants(identity, project);
    // A grant on a folder or organisation above the project holds whatever the project's own policy says.
    // (Loops that make a list only when something matches: this runs per identity, project and role.)
    let inherited: Grant[] | undefined;
    for (const g of grants) {
      if (g.kind === "inherited" && !g.destroyed && !g.conditional && g.role === role && g.project.key === project && sameIdentity(g.identity, identity) === "yes") (inherited ??= []).push(g);
    }
    if (inherited) return { holds: "yes", via: inherited };
    for (const set of relevant) {
      if (isUnknown(set.bindings)) return { holds: "maybe", reason: `${set.resource.address} sets the project's ${set.kind === "policy" ? "whole IAM policy" : `members of ${role}`} from a value only known after apply` };
      const matching = set.bindings.filter((b) => b.role === role);
      const members = matching.flatMap((b) => b.members);
      if (matching.some((b) => !b.conditional) && members.some((m) => sameIdentity(m, identity) === "yes")) {
        return { holds: "yes", via: grants.filter((g) => g.resource === set.resource && g.role === role && sameIdentity(g.identity, identity) === "yes") };
      }
      if (members.some((m) => sameIdentity(m, identity) === "maybe")) return { holds: "maybe", reason: `${set.resource.address} lists a member of ${role} that is only known after apply` };
      if (set.kind === "binding" || policy) {
        return { holds: "no", why: `${set.resource.address} is authoritative for ${set.kind === "policy" ? "the whole project policy" : role} and does not list ${identity.display}`, by: set.resource };
      }
    }
    // 2. Explicit removals.
    const removal = (this.removalsByProject.get(project) ?? NO_REMOVALS).find((r) => r.role === role && sameIdentity(r.identity, identity) === "yes");
    if (removal) return { holds: "no", why: `${removal.resource.address} removes ${role} from ${identity.display}`, by: removal.resource };
    // 3. Non-authoritative grants that stay.
    let definite: Grant[] | undefined;
    for (const g of grants) {
      const kept = !g.destroyed && g.kind !== "policy" && g.role === role && g.project.key === project;
      if (kept && !g.conditional && sameIdentity(g.identity, identity) === "yes" && !this.destroyedLiveGrant(g)) (definite ??= []).push(g);
    }
    if (definite) return { holds: "yes", via: definite };
    const destroyed = grants.find((g) => g.destroyed && g.role === role && g.project.key === project && sameIdentity(g.identity, identity) === "yes");
    const uncertain = this.uncertainGrant(identity, project, (r) => r === role || isUnknown(r));
    if (uncertain) return { holds: "maybe", reason: uncertain };
    if (destroyed?.resource) return { holds: "no", why: `the plan destroys ${destroyed.resource.address}, which grants ${role} to ${identity.display}`, by: destroyed.resource };
    const outside = this.outsideGrantsPossible(identity, project);
    if (outside) return { holds: "maybe", reason: outside };
    return { holds: "no", why: `nothing grants ${role} to ${identity.display} on ${project}` };
  }

  /** A live grant whose Terraform resource the plan destroys does not survive the apply. */
  private destroyedLiveGrant(grant: Grant): boolean {
    if (grant.kind !== "live") return false;
    if (grant.project.key === undefined) return false;
    return this.relevantGrants(grant.identity, grant.project.key).some((g) => g.destroyed && g.role === grant.role && g.project.key === grant.project.key && sameIdentity(g.identity, grant.identity) === "yes");
  }

  private uncertainGrant(identity: Identity, project: string, roleMatches: (role: string | Unknown) => boolean): string | undefined {
    for (const g of this.relevantGrants(identity, project)) {
      if (g.destroyed || !roleMatches(g.role)) continue;
      const same = sameIdentity(g.identity, identity);
      if (same === "no") continue;
      const where = g.resource?.address ?? "the live policy";
      if (g.project.key !== undefined && g.project.key !== project) continue;
      if (g.project.key === undefined) return `${where} may grant it, but its project is not known before apply (${g.project.reason})`;
      if (same === "maybe") return `${where} grants a role to ${g.identity.display}, which may be ${identity.display}: ${g.identity.reason ?? "only known after apply"}`;
      if (g.conditional) return `${where} grants it only under an IAM condition`;
      if (isUnknown(g.role)) return `${where} grants a role that is only known after apply`;
    }
    return undefined;
  }

  /** Grants made outside the configuration are invisible unless the identity or project is new, or --live read them. */
  private outsideGrantsPossible(identity: Identity, project: string): string | undefined {
    if (this.catalog.isCreatedHere(project)) {
      // Google itself may grant Editor to the default account of a new project.
      if (identity.kind !== "compute-default") return undefined;
      return `Google grants Editor to the Compute Engine default service account of a new project only where the organisation policy iam.automaticIamGrantsForDefaultServiceAccounts is not enforced (it is by default for organisations created after 2024-05-03)`;
    }
    if (identity.createdBy && identity.createdBy.change !== "no-op" && identity.createdBy.change !== "update") return undefined;
    const policy = (this.authoritativeByProject.get(project) ?? []).find((a) => a.kind === "policy");
    if (policy && !isUnknown(policy.bindings)) return undefined;
    const coverage = this.liveCoverage(project);
    return coverage.complete ? undefined : `${identity.display} is not created by this configuration, and ${coverage.reason}`;
  }

  /** Checks a set of permissions for an identity on a project, role by role. */
  permissions(identity: Identity, project: string, required: readonly string[]): PermissionReport {
    const report: PermissionReport = { granted: new Map(), missing: [], undetermined: [], stripped: [], deniedButGranted: [] };
    const roles = this.candidateRoles(identity, project);
    // Roles and their answers side by side: read once per required permission, without entry pairs.
    const roleList = [...roles];
    const answers = roleList.map((role) => this.roleVerdict(identity, project, role));
    answers.forEach((answer, i) => {
      if (answer.holds === "no" && answer.by) report.stripped.push({ resource: answer.by, role: roleList[i], why: answer.why ?? "" });
    });
    // Why a permission no role answers for may still be held: the same for every permission, so found once.
    let why: { reason: string | undefined } | undefined;
    const otherwise = (): string | undefined => {
      why ??= { reason: this.uncertainGrant(identity, project, (r) => isUnknown(r) || !roles.has(r)) ?? this.outsideGrantsPossible(identity, project) };
      return why.reason;
    };
    for (const permission of required) {
      const via: Grant[] = [];
      let maybe: string | undefined;
      for (let i = 0; i < roleList.length; i++) {
        const role = roleList[i];
        const answer = answers[i];
        const contains = this.roleContains(role, permission);
        if (contains === false) continue;
        if (answer.holds === "yes" && contains === true) for (const g of answer.via) via.push(g);
        else if (answer.holds === "yes") maybe ??= `${role} is granted, but its permissions are not in the bundled role table (--live reads them)`;
        else if (answer.holds === "maybe" && contains === true) maybe ??= answer.reason;
      }
      const denied = this.denied(identity, project, permission);
      if (denied === "yes") {
        // Missing whatever is granted; whether a role gives it tells the rules which fix applies.
        report.missing.push(permission);
        if (via.length) report.deniedButGranted.push(permission);
        continue;
      }
      if (via.length) {
        // An unreadable or conditional deny only matters for a permission that is granted:
        // one no role gives is missing whatever the deny policies say.
        if (denied !== "no") report.undetermined.push({ permission, reason: denied.maybe });
        else report.granted.set(permission, via);
        continue;
      }
      // A folder or organisation grant that may reach the project (its ancestry not shown).
      maybe ??= this.ancestorGrantMayApply(identity, project, (r) => typeof r !== "string" || this.roleContains(r, permission) !== false);
      // The apply takes away a role that gave the permission: the configuration's own intent
      // is that the identity no longer has it, whatever else may exist outside.
      const takenAway = report.stripped.find((s) => this.roleContains(s.role, permission) === true);
      if (takenAway && !maybe) {
        report.missing.push(permission);
        continue;
      }
      maybe ??= otherwise();
      if (maybe) report.undetermined.push({ permission, reason: maybe });
      else report.missing.push(permission);
    }
    return report;
  }

  /** Roles any grant on the project could give the identity. */
  private candidateRoles(identity: Identity, project: string): Set<string> {
    const roles = new Set<string>();
    for (const g of this.relevantGrants(identity, project)) {
      if (typeof g.role !== "string") continue;
      if (g.project.key !== undefined && g.project.key !== project) continue;
      if (sameIdentity(g.identity, identity) === "no") continue;
      roles.add(g.role);
    }
    return roles;
  }

  /** true / false / "unknown" when the role's permissions are not known here. */
  roleContains(role: string, permission: string): boolean | "unknown" {
    const custom = this.customRoles.get(role);
    if (custom) return isUnknown(custom.permissions) ? "unknown" : custom.permissions.includes(permission);
    const live = this.live?.roles[role];
    if (Array.isArray(live)) return live.includes(permission);
    return roleHasPermission(role, permission);
  }

  /**
   * Whether an IAM deny policy read live denies the permission: "yes", "no", or a reason why
   * it cannot be told (deny policies unreadable, a conditional deny rule that matches).
   */
  private denied(identity: Identity, project: string, permission: string): "yes" | "no" | { maybe: string } {
    const read = this.denyRulesFor(identity, project);
    if (read === undefined) return "no";
    if ("unreadable" in read) return { maybe: read.unreadable };
    const matching = read.rules.filter((rule) => deniesPermission(rule, permission));
    if (matching.some((rule) => !rule.condition)) return "yes";
    if (matching.length) return { maybe: conditionalDenial(matching[0], permission) };
    return "no";
  }

  /**
   * The deny rules read live that name the identity (or everyone) without excepting it, or why
   * they could not be read; undefined when there is nothing to weigh (offline, the project not
   * read, an identity without an email).
   */
  private denyRulesFor(identity: Identity, project: string): { rules: LiveDenyRule[] } | { unreadable: string } | undefined {
    if (!this.live) return undefined;
    const entry = this.live.projects[project];
    if (!entry || isLiveError(entry) || entry.denyRules === undefined) return undefined;
    if (isLiveError(entry.denyRules)) return { unreadable: `the IAM deny policies of ${project} could not be read: ${entry.denyRules.error}` };
    if (!identity.email) return undefined;
    const principal = `principal://iam.googleapis.com/projects/-/serviceAccounts/${identity.email}`;
    const rules = entry.denyRules.filter((rule) =>
      (rule.deniedPrincipals.includes(principal) || rule.deniedPrincipals.includes("principalSet://goog/public:all")) && !rule.exceptionPrincipals.includes(principal),
    );
    return { rules };
  }

  /**
   * Which of the permissions the deny policies read live take from the identity, each with the
   * policy that does it; and which cannot be told (deny policies unreadable, or denied only
   * under a condition). Offline, or for a project --live did not read, both lists are empty.
   * `unlisted`, when `permissions` is only part of what the identity needs, says whether a
   * permission may be needed without being listed: a deny rule on such a permission leaves it
   * undetermined rather than unnoticed.
   */
  denials(identity: Identity, project: string, permissions: readonly string[], unlisted?: (permission: string) => boolean): Denials {
    const result: Denials = { denied: [], undetermined: [] };
    const read = this.denyRulesFor(identity, project);
    if (read === undefined) return result;
    if ("unreadable" in read) {
      for (const permission of permissions) result.undetermined.push({ permission, reason: read.unreadable });
      return result;
    }
    if (read.rules.length === 0) return result;
    for (const permission of permissions) {
      let conditional: LiveDenyRule | undefined;
      let firm: LiveDenyRule | undefined;
      for (const rule of read.rules) {
        if (!deniesPermission(rule, permission)) continue;
        if (!rule.condition) {
          firm = rule;
          break;
        }
        conditional ??= rule;
      }
      if (firm) result.denied.push({ permission, policy: firm.policy, ...(firm.attachedTo !== undefined && { attachedTo: firm.attachedTo }) });
      else if (conditional) result.undetermined.push({ permission, reason: conditionalDenial(conditional, permission) });
    }
    if (unlisted) {
      for (const rule of read.rules) {
        for (const pattern of rule.deniedPermissions) {
          const permission = shortPermission(pattern);
          if (!unlisted(permission) || rule.exceptionPermissions.some((p) => permissionMatches(p, permission))) continue;
          result.undetermined.push({ permission, reason: `the deny policy ${rule.policy} denies ${permission}${rule.condition ? ` under a condition (${rule.condition.expression})` : ""}, which may be one of the permissions needed: the list of them is incomplete` });
        }
      }
    }
    return result;
  }
}

/** What {@link IamIndex.denials} finds. */
export interface Denials {
  /** Denied by an unconditional deny rule: `policy` is its full name, `attachedTo` where it is attached. */
  denied: Array<{ permission: string; policy: string; attachedTo?: string }>;
  undetermined: Array<{ permission: string; reason: string }>;
}

/** Whether a rule (already known to name the principal) denies this permission. */
function deniesPermission(rule: LiveDenyRule, permission: string): boolean {
  return rule.deniedPermissions.some((p) => permissionMatches(p, permission)) && !rule.exceptionPermissions.some((p) => permissionMatches(p, permission));
}

function conditionalDenial(rule: LiveDenyRule, permission: string): string {
  return `the deny policy ${rule.policy} denies ${permission} under a condition (${rule.condition!.expression})`;
}

/** `compute.googleapis.com/networks.get` → `compute.networks.get` (wildcards kept). */
function shortPermission(pattern: string): string {
  const [service, rest] = pattern.includes("/") ? pattern.split("/") : ["", pattern];
  return service ? `${service.split(".")[0]}.${rest}` : rest;
}

/** Deny policies name permissions as `service.googleapis.com/resource.verb`, or with wildcards. */
function permissionMatches(pattern: string, permission: string): boolean {
  const short = shortPermission(pattern);
  if (short === permission) return true;
  if (short.endsWith("*")) return permission.startsWith(short.slice(0, -1));
  return false;
}

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
