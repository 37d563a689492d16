import type { Rule, RuleContext, Verdict } from "./types";
import type { Resource, Value } from "../model/types";
import { isUnknown } from "../model/unknown";
import { block, stringAttribute } from "../model/access";
import { sameIdentity } from "../iam/index-grants";
import type { Identity } from "../iam/identity";
import { CLUSTER, NODE_POOL, type NodeIdentityUse, distinctNodeIdentities } from "../gke/node-identities";
import { grantRoleRemediation } from "./remediation";

const REPOSITORY = "google_artifact_registry_repository";
const PULL = "artifactregistry.repositories.downloadArtifacts";
const READER = "roles/artifactregistry.reader";
const REPO_IAM = ["google_artifact_registry_repository_iam_member", "google_artifact_registry_repository_iam_binding"];

interface RepoGrant {
  role: string | undefined;
  identity: Identity;
  conditional: boolean;
  resource: Resource;
}

/**
 * GKE011: when the configuration has a private Artifact Registry repository, the node accounts
 * can pull from it: downloadArtifacts through a project-level or repository-level grant.
 */
export const gke011RegistryPull: Rule = {
  meta: {
    id: "GKE011",
    slug: "registry-pull",
    title: "Node service accounts can pull from the configuration's Artifact Registry",
    severity: "warning",
    rationale:
      "Nodes pull container images with their own service account. A dedicated node account, or a default account without the automatic " +
      "Editor grant, has no Artifact Registry access unless it is given roles/artifactregistry.reader (or another role with " +
      "artifactregistry.repositories.downloadArtifacts): pods in a private repository then stay in ImagePullBackOff (403 from the registry).",
    googleDocUrl: "https://cloud.google.com/artifact-registry/docs/integrate-gke",
    resourceTypes: [CLUSTER, NODE_POOL, REPOSITORY],
  },
  check(ctx: RuleContext): Verdict[] {
    const repositories = (ctx.model.byType.get(REPOSITORY) ?? []).filter((r) => r.mode === "managed" && r.change !== "delete");
    if (repositories.length === 0) return [];
    const repoGrants = repositoryGrants(ctx, repositories);
    const answers = new Map<string, Verdict["status"] | { reason: string }>();
    return distinctNodeIdentities(ctx.gke).map((use) => checkUse(use, repositories, repoGrants, answers, ctx));
  },
};

/** Repository-level grants, by repository address, read once. */
function repositoryGrants(ctx: RuleContext, repositories: Resource[]): Map<string, RepoGrant[]> {
  const byName = new Map<string, Resource>();
  for (const r of repositories) {
    const name = stringAttribute(r.values, "repository_id");
    if (typeof name === "string") byName.set(name, r);
  }
  const out = new Map<string, RepoGrant[]>();
  for (const type of REPO_IAM) {
    for (const g of ctx.model.byType.get(type) ?? []) {
      if (g.mode !== "managed" || g.change === "delete") continue;
      const repo = repositoryOf(g.values.repository, byName, ctx);
      if (!repo) continue;
      const role = typeof g.values.role === "string" ? g.values.role : undefined;
      const conditional = block(g.values.condition) !== undefined;
      const members = type.endsWith("_member") ? [g.values.member] : Array.isArray(g.values.members) ? g.values.members : [g.values.members];
      const list = out.get(repo.address) ?? [];
      for (const m of members) list.push({ role, identity: ctx.iam.identities.member(m), conditional, resource: g });
      out.set(repo.address, list);
    }
  }
  return out;
}

function repositoryOf(value: Value | undefined, byName: Map<string, Resource>, ctx: RuleContext): Resource | undefined {
  if (isUnknown(value)) {
    for (const ref of value.references) {
      const found = ctx.model.byAddress.get(ref.replace(/\.(name|id|repository_id)$/, ""));
      if (found?.type === REPOSITORY) return found;
    }
    return undefined;
  }
  return typeof value === "string" ? byName.get(value.split("/").pop()!) : undefined;
}

function checkUse(use: NodeIdentityUse, repositories: Resource[], repoGrants: Map<string, RepoGrant[]>, answers: Map<string, Verdict["status"] | { reason: string }>, ctx: RuleContext): Verdict {
  const { identity, resource } = use;
  const address = resource.address;
  if (!identity.key) {
    return { status: "unknown", address, message: `The node account of ${address} (${use.where}) is only known after apply, so its access to ${repositories[0].address} cannot be checked`, reason: identity.reason, decideWith: "name a google_service_account of this configuration, or run with --live" };
  }
  const failing: Resource[] = [];
  const undecided: Array<{ repo: Resource; reason: string }> = [];
  for (const repo of repositories) {
    const answer = canPull(identity, repo, repoGrants.get(repo.address) ?? [], answers, ctx);
    if (answer === "fail") failing.push(repo);
    else if (typeof answer === "object") undecided.push({ repo, reason: answer.reason });
  }
  const details = { identity: identity.email ?? identity.display, repositories: repositories.map((r) => r.address), cannotPull: failing.map((r) => r.address), undecided: undecided.map((u) => u.repo.address) };
  if (failing.length) {
    const repo = failing[0];
    const project = ctx.iam.catalog.projectOf(repo).key;
    return {
      status: "fail",
      address,
      message: `Nodes of ${address} run as ${identity.display}, which cannot pull from ${failing.map((r) => r.address).join(", ")} (no ${PULL}): private images end in ImagePullBackOff`,
      remediation: grantRoleRemediation({ summary: `Grant ${READER} to ${identity.display} on ${project ?? "the registry's project"} (or on the repository).`, project, projectNumber: project ? ctx.iam.catalog.numberOf(project) : undefined, identity, role: READER, resourceName: "nodes_registry_reader" }),
      details,
    };
  }
  if (undecided.length) {
    return { status: "unknown", address, message: `Cannot tell whether ${identity.display} (nodes of ${address}) can pull from ${undecided.map((u) => u.repo.address).join(", ")}`, reason: undecided[0].reason, decideWith: "--live, or grant the role in this configuration", details };
  }
  return { status: "pass", address, message: `${identity.display} (nodes of ${address}) can pull from every Artifact Registry repository of this configuration`, details };
}

function canPull(identity: Identity, repo: Resource, grants: RepoGrant[], answers: Map<string, Verdict["status"] | { reason: string }>, ctx: RuleContext): Verdict["status"] | { reason: string } {
  for (const g of grants) {
    if (g.conditional || !g.role || sameIdentity(g.identity, identity) !== "yes") continue;
    if (ctx.iam.roleContains(g.role, PULL) === true) return "pass";
  }
  const project = ctx.iam.catalog.projectOf(repo).key;
  if (!project) return { reason: `the project of ${repo.address} is not known before apply` };
  // Project-level answers are shared by every pool with the same account.
  const key = `${identity.key}|${project}`;
  const cached = answers.get(key);
  if (cached) return cached;
  const report = ctx.iam.permissions(identity, project, [PULL]);
  const answer: Verdict["status"] | { reason: string } = report.granted.size ? "pass" : report.undetermined.length ? { reason: report.undetermined[0].reason } : "fail";
  answers.set(key, answer);
  if (answer !== "fail") return answer;
  // A repository grant that may apply (conditional, member or role known only after apply) leaves it open.
  const maybe = grants.find((g) => sameIdentity(g.identity, identity) !== "no" && (!g.role || ctx.iam.roleContains(g.role, PULL) !== false));
  return maybe ? { reason: `${maybe.resource.address} may grant it (${maybe.conditional ? "under an IAM condition" : "its member or role is only known after apply"})` } : answer;
}
