import type { Model, Resource, Value } from "../../model/types";
import { isUnknown } from "../../model/unknown";
import { block, blocks, stringAttribute } from "../../model/access";
import type { ProjectCatalog } from "../iam/projects";
import type { IamIndex } from "../iam/index-grants";
import type { Identity } from "../iam/identity";

export const REPOSITORY = "google_artifact_registry_repository";
const REPO_IAM = ["google_artifact_registry_repository_iam_member", "google_artifact_registry_repository_iam_binding"];
const REPO_POLICY = "google_artifact_registry_repository_iam_policy";

export interface RepoGrant {
  role: string | undefined;
  identity: Identity;
  conditional: boolean;
  resource: Resource;
}

/** What the plan does to a repository's own policy that is already there: what of it survives the apply. */
export interface RepoPolicyChanges {
  /** `_iam_binding` resources that stay: authoritative for their role. */
  authoritativeRoles: Set<string | undefined>;
  /** `_iam_member` resources the plan destroys: those live grants go with them. */
  destroyed: RepoGrant[];
  /** A `_iam_policy` that stays replaces the whole live policy. */
  wholePolicy?: Resource;
}

/** The configuration's Artifact Registry repositories and their own IAM, read once per model (GKE011). */
export interface RegistryFacts {
  /** Managed repositories the apply does not destroy. */
  repositories: Resource[];
  /** Grants on each repository, by its address. */
  grants: Map<string, RepoGrant[]>;
  /** What the plan changes of each repository's policy, by its address. */
  changes: Map<string, RepoPolicyChanges>;
}

/**
 * `projects/P/locations/L/repositories/R` of a repository the apply does not create (it is
 * unchanged, updated, or a configuration that does not say), so its own IAM policy may already
 * grant something: --live reads it. Undefined when created here or a part is only known after apply.
 */
export function existingRepositoryName(repo: Resource, catalog: ProjectCatalog): string | undefined {
  if (repo.mode !== "managed" || repo.change === "create" || repo.change === "replace" || repo.change === "delete") return undefined;
  const project = catalog.projectOf(repo).key;
  const location = repo.values.location;
  const id = repo.values.repository_id;
  if (!project || catalog.isCreatedHere(project) || typeof location !== "string" || typeof id !== "string" || !location || !id) return undefined;
  return `projects/${project}/locations/${location}/repositories/${id}`;
}

/** The repositories that stay, their repository-level grants by address, and what the plan changes of their live policies. */
export function registryFacts(model: Model, iam: IamIndex): RegistryFacts {
  const repositories = (model.byType.get(REPOSITORY) ?? []).filter((r) => r.mode === "managed" && r.change !== "delete");
  const ctx = { model, iam };
  const byName = new Map<string, Resource>();
  for (const r of repositories) {
    const name = stringAttribute(r.values, "repository_id");
    if (typeof name === "string") byName.set(name, r);
  }
  const out = new Map<string, RepoGrant[]>();
  const changes = new Map<string, RepoPolicyChanges>();
  const changesOf = (repo: Resource) => {
    let entry = changes.get(repo.address);
    if (!entry) changes.set(repo.address, (entry = { authoritativeRoles: new Set(), destroyed: [] }));
    return entry;
  };
  for (const type of REPO_IAM) {
    for (const g of ctx.model.byType.get(type) ?? []) {
      if (g.mode !== "managed") continue;
      const repo = repositoryOf(g.values.repository, byName, ctx);
      if (!repo) continue;
      const role = typeof g.values.role === "string" ? g.values.role : undefined;
      const conditional = block(g.values.condition) !== undefined;
      const members = type.endsWith("_member") ? [g.values.member] : Array.isArray(g.values.members) ? g.values.members : [g.values.members];
      const grants = members.map((m) => ({ role, identity: ctx.iam.identities.member(m), conditional, resource: g }));
      if (g.change === "delete") {
        // Destroying a member grant removes that grant; destroying a binding empties its role.
        if (type.endsWith("_member")) changesOf(repo).destroyed.push(...grants);
        else changesOf(repo).authoritativeRoles.add(role);
        continue;
      }
      if (type.endsWith("_binding")) changesOf(repo).authoritativeRoles.add(role);
      const list = out.get(repo.address) ?? [];
      list.push(...grants);
      out.set(repo.address, list);
    }
  }
  for (const g of ctx.model.byType.get(REPO_POLICY) ?? []) {
    if (g.mode !== "managed") continue;
    const repo = repositoryOf(g.values.repository, byName, ctx);
    if (!repo) continue;
    // Destroying the policy resource leaves the repository with an empty policy.
    changesOf(repo).wholePolicy = g;
    if (g.change === "delete") continue;
    const list = out.get(repo.address) ?? [];
    list.push(...policyGrants(g, ctx));
    out.set(repo.address, list);
  }
  return { repositories, grants: out, changes };
}

/**
 * The grants of a repository `_iam_policy`: `policy_data` is JSON in a plan, or a reference to a
 * `google_iam_policy` data source in a configuration. When neither can be read, one grant of an
 * unknown role to an unknown member stands for it, so the verdict stays open rather than failing.
 */
function policyGrants(policy: Resource, ctx: { model: Model; iam: IamIndex }): RepoGrant[] {
  const data = policy.values.policy_data;
  const unreadable = (reason: string): RepoGrant[] => [{ role: undefined, identity: { kind: "unknown", display: `(members of ${policy.address})`, reason }, conditional: false, resource: policy }];
  let bindings: Array<{ role?: unknown; members?: unknown; condition?: unknown }> | undefined;
  if (typeof data === "string") {
    try {
      bindings = (JSON.parse(data) as { bindings?: typeof bindings }).bindings ?? [];
    } catch {
      return unreadable(`${policy.address}.policy_data is not valid JSON`);
    }
  } else if (isUnknown(data)) {
    const source = data.references.map((ref) => ctx.model.byAddress.get(ref.replace(/\.policy_data$/, ""))).find((r) => r?.type === "google_iam_policy");
    if (source) bindings = blocks(source.values.binding).map((b) => ({ role: b.role, members: b.members, condition: block(b.condition) }));
  }
  if (!bindings) return unreadable(`the policy of ${policy.address} is only known after apply`);
  return bindings.flatMap((b) => {
    const role = typeof b.role === "string" ? b.role : undefined;
    const conditional = b.condition !== undefined && b.condition !== null;
    const members = Array.isArray(b.members) ? (b.members as Value[]) : [b.members as Value];
    return members.map((m) => ({ role, identity: ctx.iam.identities.member(m), conditional, resource: policy }));
  });
}

function repositoryOf(value: Value | undefined, byName: Map<string, Resource>, ctx: { model: Model }): Resource | undefined {
  if (isUnknown(value)) {
    for (const ref of value.references) {
      const found = ctx.model.byAddress.get(ref.replace(/\.(name|id|repository_id)$/, ""));
      if (found?.type === REPOSITORY) return found;
    }
    return undefined;
  }
  return typeof value === "string" ? byName.get(value.split("/").pop()!) : undefined;
}
