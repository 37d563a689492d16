import type { Model } from "../../model/types";
import { isUnknown, type Unknown } from "../../model/unknown";
import type { LiveFacts } from "../live";
import { liveView, type LiveView } from "../live-view";
import { roleHasPermission } from "../../knowledge/roles";
import { ProjectCatalog } from "./projects";
import { IdentityResolver, sameIdentity, type Identity } from "./identity";
import { inheritedGrants, type AncestorGrant, type ProjectAncestry } from "./ancestry";
import type { Answer, AuthoritativeSet, Denials, Grant, PermissionReport, Removal } from "./grants";
import { liveCoverage, readConfiguredIam, readLiveGrants, type CustomRole } from "./read-grants";
import { GrantLookup } from "./grant-lookup";
import { deniedBy, denialsOf, denyRulesFor } from "./deny-rules";
import { crossStackEmail, inStack, upstreamIam, type UpstreamStack } from "./upstream-grants";

export type { Answer, AuthoritativeSet, Denials, Grant, PermissionReport, Removal } from "./grants";
export { sameIdentity } from "./identity";

/**
 * Answers "which permissions will identity X hold on project P after this apply, and how
 * sure are we?" from the grants, authoritative bindings, policies and removals in the input,
 * merged with the live IAM policy when `--live` read it.
 */
export class IamIndex {
  readonly catalog: ProjectCatalog;
  readonly identities: IdentityResolver;
  readonly grants: Grant[];
  readonly authoritative: AuthoritativeSet[];
  readonly removals: Removal[];
  /** Folder and organisation grants as made, and what the input shows of each project's ancestry. */
  private readonly ancestorGrants: AncestorGrant[];
  private readonly ancestry: ProjectAncestry;
  /** Custom roles defined in the configuration, by role name and by address. */
  private readonly customRoles: Map<string, CustomRole>;
  private readonly lookup: GrantLookup;
  private readonly live: LiveView;

  /**
   * `grants`, `authoritative` and `removals` are this configuration's own; the answers also count
   * what the `upstream` stacks (deployed before this one) grant, set and remove.
   */
  constructor(
    readonly model: Model,
    liveFacts?: LiveFacts,
    readonly upstream: readonly UpstreamStack[] = [],
  ) {
    const live = (this.live = liveView(liveFacts));
    this.catalog = new ProjectCatalog(model, live, upstream.map((s) => s.model));
    this.identities = new IdentityResolver(model, this.catalog, upstream.length ? (reference) => crossStackEmail(upstream, reference) : undefined);
    const configured = readConfiguredIam(model, this.catalog, this.identities);
    this.customRoles = configured.customRoles;
    this.grants = configured.grants;
    this.authoritative = configured.authoritative;
    this.removals = configured.removals;
    const inherited = inheritedGrants(model, this.catalog, this.identities, live);
    this.grants.push(...inherited.grants);
    this.ancestorGrants = inherited.ancestorGrants;
    this.ancestry = inherited.ancestry;
    this.grants.push(...readLiveGrants(live, this.catalog, this.identities));
    if (upstream.length === 0) this.lookup = new GrantLookup(this.grants, this.authoritative, this.removals);
    else {
      const before = upstreamIam(upstream, this.identities, this.catalog);
      this.lookup = new GrantLookup([...this.grants, ...before.grants], [...this.authoritative, ...before.authoritative], [...this.removals, ...before.removals]);
    }
  }

  /** Whether the live project policy (and its ancestors') were read, so no grant is invisible. */
  liveCoverage(project: string): { complete: boolean; reason?: string } {
    return liveCoverage(this.live, this.catalog, project);
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
    const relevant = this.authoritativeFor(project, role);
    const policy = relevant.find((a) => a.kind === "policy");
    const grants = this.lookup.relevant(identity, project);
    // A grant on a folder or organisation above the project holds whatever the project's own policy says.
    // (Loops that make a list only when something matches: this runs per identity, project and role.)
    let inherited: Grant[] | undefined;
    for (const g of grants) {
      if (g.kind === "inherited" && !g.destroyed && !g.conditional && g.role === role && g.project.key === project && sameIdentity(g.identity, identity) === "yes") (inherited ??= []).push(g);
    }
    if (inherited) return { holds: "yes", via: inherited };
    for (const set of relevant) {
      const by = inStack(set.resource.address, set.stack);
      if (isUnknown(set.bindings)) return { holds: "maybe", reason: `${by} sets the project's ${set.kind === "policy" ? "whole IAM policy" : `members of ${role}`} from a value only known after apply` };
      const matching = set.bindings.filter((b) => b.role === role);
      const members = matching.flatMap((b) => b.members);
      if (matching.some((b) => !b.conditional) && members.some((m) => sameIdentity(m, identity) === "yes")) {
        return { holds: "yes", via: grants.filter((g) => g.resource === set.resource && g.role === role && sameIdentity(g.identity, identity) === "yes") };
      }
      if (members.some((m) => sameIdentity(m, identity) === "maybe")) return { holds: "maybe", reason: `${by} lists a member of ${role} that is only known after apply` };
      if (set.kind === "binding" || policy) {
        return { holds: "no", why: `${by} is authoritative for ${set.kind === "policy" ? "the whole project policy" : role} and does not list ${identity.display}`, by: set.resource, stack: set.stack };
      }
    }
    // 2. Explicit removals.
    const removal = this.lookup.removalsOn(project).find((r) => r.role === role && sameIdentity(r.identity, identity) === "yes");
    if (removal) return { holds: "no", why: `${inStack(removal.resource.address, removal.stack)} removes ${role} from ${identity.display}`, by: removal.resource, stack: removal.stack };
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

  /**
   * The authoritative bindings and policies that decide the members of the role on the project.
   * This stack's own are applied after the upstream stacks' ones: when it has any, they decide.
   */
  private authoritativeFor(project: string, role: string): readonly AuthoritativeSet[] {
    const sets = this.lookup.authoritativeOn(project);
    if (sets.length === 0) return sets;
    const relevant = sets.filter((a) => a.kind === "policy" || a.role === role);
    const own = relevant.filter((a) => a.stack === undefined);
    return own.length > 0 ? own : relevant;
  }

  /** A live grant whose Terraform resource the plan destroys does not survive the apply. */
  private destroyedLiveGrant(grant: Grant): boolean {
    if (grant.kind !== "live") return false;
    if (grant.project.key === undefined) return false;
    return this.lookup.relevant(grant.identity, grant.project.key).some((g) => g.destroyed && g.role === grant.role && g.project.key === grant.project.key && sameIdentity(g.identity, grant.identity) === "yes");
  }

  private uncertainGrant(identity: Identity, project: string, roleMatches: (role: string | Unknown) => boolean): string | undefined {
    for (const g of this.lookup.relevant(identity, project)) {
      if (g.destroyed || !roleMatches(g.role)) continue;
      const same = sameIdentity(g.identity, identity);
      if (same === "no") continue;
      const where = g.resource ? inStack(g.resource.address, g.stack) : "the live policy";
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
    const policy = this.lookup.authoritativeOn(project).find((a) => a.kind === "policy");
    if (policy && !isUnknown(policy.bindings)) return undefined;
    const coverage = this.liveCoverage(project);
    return coverage.complete ? undefined : `${identity.display} is not created by this configuration, and ${coverage.reason}`;
  }

  /** The authoritative project policy that leaves no room for grants made elsewhere, said as a reason. */
  private policyOmitting(identity: Identity, project: string): string | undefined {
    const policy = this.lookup.authoritativeOn(project).find((a) => a.kind === "policy" && !isUnknown(a.bindings));
    return policy && `${inStack(policy.resource.address, policy.stack)} sets the whole IAM policy of ${project}, which gives ${identity.display} none of them`;
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
      else {
        report.missing.push(permission);
        report.closedBy ??= this.policyOmitting(identity, project);
      }
    }
    return report;
  }

  /** Roles any grant on the project could give the identity. */
  private candidateRoles(identity: Identity, project: string): Set<string> {
    const roles = new Set<string>();
    for (const g of this.lookup.relevant(identity, project)) {
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
    const live = this.live.rolePermissions(role);
    if (live && "value" in live) return live.value.includes(permission);
    return roleHasPermission(role, permission);
  }

  /** Whether an IAM deny policy read live denies the permission: "yes", "no", or why it cannot be told. */
  private denied(identity: Identity, project: string, permission: string): "yes" | "no" | { maybe: string } {
    return deniedBy(denyRulesFor(this.live, identity, project), permission);
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
    return denialsOf(denyRulesFor(this.live, identity, project), permissions, unlisted);
  }
}
