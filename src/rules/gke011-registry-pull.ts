import type { Rule, RuleContext, Verdict } from "./types";
import type { Resource } from "../model/types";
import { sameIdentity } from "../facts/iam/index-grants";
import type { Identity } from "../facts/iam/identity";
import { CLUSTER, NODE_POOL, type NodeIdentityUse, distinctNodeIdentities } from "../facts/gke/node-identities";
import { bothRemediations, denyExceptionRemediation, grantRoleRemediation, textRemediation } from "./remediation";
import { CLOUD_PLATFORM_SCOPE, pullScopes } from "../facts/gke/access-scopes";
import { denyPoliciesText } from "./deny";
import type { Denials } from "../facts/iam/index-grants";
import { REPOSITORY, existingRepositoryName, type RepoGrant, type RepoPolicyChanges } from "../facts/gke/registries";
import type { LiveBinding } from "../facts/live";
import { existingProject, type LiveNeeds } from "../facts/live-request";

const PULL = "artifactregistry.repositories.downloadArtifacts";
const READER = "roles/artifactregistry.reader";

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
  liveNeeds: registriesToRead,
  check(ctx: RuleContext): Verdict[] {
    const { repositories, grants: repoGrants, changes } = ctx.facts.registries;
    if (repositories.length === 0) return [];
    const answers = new Map<string, Verdict["status"] | { reason: string }>();
    return distinctNodeIdentities(ctx.gke).map((use) => {
      // The scopes of every place sharing this check (a cluster's default pool and auto-provisioning).
      const scopes = ctx.gke.nodeIdentities.filter((u) => u.resource === use.resource && (u === use || (u.identity.key !== undefined && u.identity.key === use.identity.key)));
      const blocked = scopeFailure(scopes, repositories);
      if (blocked) return blocked;
      const verdict = checkUse(use, repositories, repoGrants, changes, answers, ctx);
      const undecided = scopes.map((u) => ({ u, scopes: pullScopes(u.scopes) })).find((s) => s.scopes.kind === "unknown");
      if (verdict.status !== "pass" || !undecided || undecided.scopes.kind !== "unknown") return verdict;
      return {
        status: "unknown",
        address: use.resource.address,
        message: `${use.identity.display} (nodes of ${use.resource.address}) is allowed to pull from every Artifact Registry repository of this configuration, but the nodes' access scopes (${scopesPath(undecided.u)}) are not known, and without a storage or cloud-platform scope the pull fails`,
        reason: undecided.scopes.reason,
        decideWith: `set ${scopesPath(undecided.u)} to literals, or leave it unset (GKE's defaults allow pulls)`,
        details: verdict.details,
      };
    });
  },
};

/** `node_config.oauth_scopes` as the CDKTF props that set it: `nodeConfig: { oauthScopes: [...] }`. */
function scopesLiteral(path: string): string {
  const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  const parts = path.split(".");
  const inner = `["${CLOUD_PLATFORM_SCOPE}"]`;
  return parts.reduceRight((value, part, i) => {
    const key = camel(part.replace(/\[\d+\]$/, ""));
    if (i === parts.length - 1) return `${key}: ${value}`;
    return /\]$/.test(part) ? `${key}: [{ ${value} }]` : `${key}: { ${value} }`;
  }, inner);
}

/** `node_config.oauth_scopes` beside `node_config.service_account`. */
function scopesPath(use: NodeIdentityUse): string {
  return use.where.replace(/service_account$/, "oauth_scopes");
}

/**
 * Scopes set by hand without cloud-platform or a devstorage scope: the node's token cannot
 * read the registry, whatever IAM grants (https://cloud.google.com/kubernetes-engine/docs/how-to/access-scopes).
 */
function scopeFailure(uses: NodeIdentityUse[], repositories: Resource[]): Verdict | undefined {
  for (const use of uses) {
    const scopes = pullScopes(use.scopes);
    if (scopes.kind !== "blocks") continue;
    const path = scopesPath(use);
    const address = use.resource.address;
    const repos = repositories.map((r) => r.address).join(", ");
    return {
      status: "fail",
      address,
      message: `Nodes of ${address} run with access scopes ${scopes.scopes.join(", ")} (${path}), which hold neither cloud-platform nor a devstorage scope: pulling images from ${repos} fails with 403 whatever IAM grants ${use.identity.display}`,
      remediation: textRemediation(
        `Add ${CLOUD_PLATFORM_SCOPE} to ${path} of ${address} and let IAM decide what the node account may do, which is Google's recommended form (scopes are a legacy limit on top of IAM; a devstorage.read_only scope would also allow pulls but keeps the legacy limit). Changing the scopes of existing nodes replaces the node pool.`,
        [],
        `// in the props of ${use.resource.constructPath ?? address}:\n${scopesLiteral(path)}`,
        `# in ${address}, ${path.replace(/\.oauth_scopes$/, "")}:\noauth_scopes = ["${CLOUD_PLATFORM_SCOPE}"]`,
      ),
      details: { identity: use.identity.email ?? use.identity.display, where: path, scopes: scopes.scopes, repositories: repositories.map((r) => r.address) },
    };
  }
  return undefined;
}

function checkUse(use: NodeIdentityUse, repositories: Resource[], repoGrants: Map<string, RepoGrant[]>, changes: Map<string, RepoPolicyChanges>, answers: Map<string, Verdict["status"] | { reason: string }>, ctx: RuleContext): Verdict {
  const { identity, resource } = use;
  const address = resource.address;
  if (!identity.key) {
    return { status: "unknown", address, message: `The node account of ${address} (${use.where}) is only known after apply, so its access to ${repositories[0].address} cannot be checked`, reason: identity.reason, decideWith: "name a google_service_account of this configuration, or run with --live" };
  }
  const failing: Array<{ repo: Resource; ungranted: boolean; denied?: Denials["denied"][number] }> = [];
  const undecided: Array<{ repo: Resource; reason: string }> = [];
  for (const repo of repositories) {
    const answer = canPull(identity, repo, repoGrants.get(repo.address) ?? [], changes.get(repo.address), answers, ctx);
    if (answer === "fail") failing.push({ repo, ungranted: true });
    else if (typeof answer === "object" && "denied" in answer) failing.push({ repo, ungranted: answer.ungranted, denied: answer.denied });
    else if (typeof answer === "object") undecided.push({ repo, reason: answer.reason });
  }
  const details = { identity: identity.email ?? identity.display, repositories: repositories.map((r) => r.address), cannotPull: failing.map((f) => f.repo.address), undecided: undecided.map((u) => u.repo.address) };
  if (failing.length) {
    const ungranted = failing.filter((f) => f.ungranted);
    const denied = failing.flatMap((f) => (f.denied ? [f.denied] : []));
    const project = ctx.iam.catalog.projectOf((ungranted[0] ?? failing[0]).repo).key;
    const grantFix = () => grantRoleRemediation({ summary: `Grant ${READER} to ${identity.display} on ${project ?? "the registry's project"} (or on the repository).`, project, projectNumber: project ? ctx.iam.catalog.numberOf(project) : undefined, identity, role: READER, resourceName: "nodes_registry_reader" });
    const repos = failing.map((f) => f.repo.address).join(", ");
    if (denied.length === 0) {
      return { status: "fail", address, message: `Nodes of ${address} run as ${identity.display}, which cannot pull from ${repos} (no ${PULL}): private images end in ImagePullBackOff`, remediation: grantFix(), details };
    }
    // A deny rule wins over any grant: granting the reader role does nothing against it.
    const denyFix = denyExceptionRemediation({
      email: identity.email ?? "SERVICE_ACCOUNT_EMAIL",
      who: identity.display,
      short: "the node service account",
      what: PULL,
      attachedTo: denied[0].attachedTo ?? `projects/${ctx.iam.catalog.projectOf(failing.find((f) => f.denied)!.repo).key ?? "PROJECT_ID"}`,
      policy: denied[0].policy,
    });
    const why = ungranted.length
      ? `no grant gives it ${PULL}${ungranted.length < failing.length ? ` on ${ungranted.map((f) => f.repo.address).join(", ")}` : ""}, and ${denyPoliciesText(denied)} denies it`
      : `${denyPoliciesText(denied)} denies it ${PULL}, whatever is granted`;
    return {
      status: "fail",
      address,
      message: `Nodes of ${address} run as ${identity.display}, which cannot pull from ${repos}: ${why}; private images end in ImagePullBackOff`,
      remediation: ungranted.length ? bothRemediations(grantFix(), denyFix) : denyFix,
      details: { ...details, denyPolicies: [...new Set(denied.map((d) => d.policy))] },
    };
  }
  if (undecided.length) {
    return { status: "unknown", address, message: `Cannot tell whether ${identity.display} (nodes of ${address}) can pull from ${undecided.map((u) => u.repo.address).join(", ")}`, reason: undecided[0].reason, decideWith: "--live, or grant the role in this configuration", details };
  }
  return { status: "pass", address, message: `${identity.display} (nodes of ${address}) can pull from every Artifact Registry repository of this configuration`, details };
}

/** Whether the account can pull: a deny rule taking the permission, with whether a grant is missing as well. */
type PullAnswer = Verdict["status"] | { reason: string } | { denied: Denials["denied"][number]; ungranted: boolean };

/**
 * Whether the account can pull from the repository: first what grants it the permission, then
 * the IAM deny policies --live read, which win over any grant (project or repository level).
 */
function canPull(identity: Identity, repo: Resource, grants: RepoGrant[], changes: RepoPolicyChanges | undefined, answers: Map<string, Verdict["status"] | { reason: string }>, ctx: RuleContext): PullAnswer {
  const granted = grantAnswer(identity, repo, grants, changes, answers, ctx);
  const project = ctx.iam.catalog.projectOf(repo).key;
  if (!project) return granted;
  const found = ctx.iam.denials(identity, project, [PULL]);
  // Denied: it cannot pull whatever is granted; whether a grant is missing too decides the fix.
  if (found.denied.length) return { denied: found.denied[0], ungranted: granted === "fail" };
  // Denied only under a condition, or the deny policies could not be read: a grant is no longer enough.
  if (granted === "pass" && found.undetermined.length) return { reason: found.undetermined[0].reason };
  return granted;
}

/**
 * Registries that may exist already, when nodes may pull from them: their own IAM policy may let the
 * node accounts pull, and a registry in another project has that project's policy to weigh too.
 */
function registriesToRead(ctx: RuleContext): LiveNeeds {
  if (ctx.gke.nodeIdentities.length === 0) return {};
  const projects: string[] = [];
  const artifactRepositories: string[] = [];
  for (const repo of ctx.facts.registries.repositories) {
    const project = existingProject(ctx.iam.catalog.projectOf(repo));
    if (project) projects.push(project);
    const name = existingRepositoryName(repo, ctx.iam.catalog);
    if (name) artifactRepositories.push(name);
  }
  return { projects, artifactRepositories };
}

/** Whether a grant gives the account the permission on the repository, deny policies aside. */
function grantAnswer(identity: Identity, repo: Resource, grants: RepoGrant[], changes: RepoPolicyChanges | undefined, answers: Map<string, Verdict["status"] | { reason: string }>, ctx: RuleContext): Verdict["status"] | { reason: string } {
  for (const g of grants) {
    if (g.conditional || !g.role || sameIdentity(g.identity, identity) !== "yes") continue;
    if (ctx.iam.roleContains(g.role, PULL) === true) return "pass";
  }
  const project = ctx.iam.catalog.projectOf(repo).key;
  if (!project) return { reason: `the project of ${repo.address} is not known before apply` };
  // Project-level answers are shared by every pool with the same account.
  const key = `${identity.key}|${project}`;
  // Only the project-level answer is shared: the repository's own grants below differ per repository.
  let answer = answers.get(key);
  if (!answer) {
    const report = ctx.iam.permissions(identity, project, [PULL]);
    // The index counts a denied permission as missing: a held role that gives it is still a grant here
    // (canPull weighs the deny rule). Conditional or unreadable deny rules come back undetermined.
    answer = report.granted.size || report.deniedButGranted.length ? "pass" : report.undetermined.length ? { reason: report.undetermined[0].reason } : "fail";
    answers.set(key, answer);
  }
  if (answer !== "fail") return answer;
  // A repository grant that may apply (conditional, member or role known only after apply) leaves it open.
  const maybe = grants.find((g) => sameIdentity(g.identity, identity) !== "no" && (!g.role || ctx.iam.roleContains(g.role, PULL) !== false));
  if (maybe) return { reason: `${maybe.resource.address} may grant it (${maybe.conditional ? "under an IAM condition" : "its member or role is only known after apply"})` };
  return liveRepositoryAnswer(identity, repo, changes, ctx);
}

/**
 * Nothing in the configuration or the project policy lets the account pull: the repository's own
 * live policy still may, when the repository exists already and the account is not new.
 */
function liveRepositoryAnswer(identity: Identity, repo: Resource, changes: RepoPolicyChanges | undefined, ctx: RuleContext): "pass" | "fail" | { reason: string } {
  const name = existingRepositoryName(repo, ctx.iam.catalog);
  if (!name) return "fail";
  // An account this apply creates cannot be named in a policy written before it.
  const change = identity.createdBy?.change;
  if (change === "create" || change === "replace") return "fail";
  // The plan's own policy replaces the live one; its grants were weighed above.
  if (changes?.wholePolicy) return "fail";
  if (!ctx.live.enabled) {
    // A configuration (cdk.tf.json) does not say whether its account exists: offline it is taken
    // as new, as for project grants; live, a policy that names it shows that it exists.
    if (change === "planned") return "fail";
    return { reason: `${repo.address} may exist already, and its own IAM policy cannot be seen without --live` };
  }
  const found = ctx.live.repository(name, (project) => ctx.iam.catalog.canonical(project));
  if (!found) return { reason: `--live did not read the IAM policy of ${repo.address}` };
  if (!("value" in found)) return { reason: `the IAM policy of ${repo.address} could not be read: ${found.missingPermission ? `the caller lacks ${found.missingPermission}` : found.unreadable}` };
  if (!found.value.exists) return "fail";
  let maybe: string | undefined;
  for (const binding of survivingBindings(found.value.iamPolicy ?? [], changes, ctx)) {
    for (const member of binding.members) {
      if (sameIdentity(ctx.iam.identities.member(member), identity) !== "yes") continue;
      const contains = ctx.iam.roleContains(binding.role, PULL);
      if (contains === false) continue;
      if (contains === "unknown") maybe ??= `${binding.role} is granted on ${repo.address}, but its permissions could not be read`;
      else if (binding.condition) maybe ??= `${binding.role} is granted on ${repo.address} only under an IAM condition (${binding.condition.expression})`;
      else return "pass"; // deny rules are weighed by canPull
    }
  }
  return maybe ? { reason: maybe } : "fail";
}

/** Live bindings that survive the apply: an authoritative binding replaces its role's, a destroyed member grant goes. */
function survivingBindings(bindings: LiveBinding[], changes: RepoPolicyChanges | undefined, ctx: RuleContext): LiveBinding[] {
  if (!changes) return bindings;
  return bindings
    .filter((binding) => !changes.authoritativeRoles.has(binding.role))
    .map((binding) => ({
      ...binding,
      members: binding.members.filter((member) => {
        const identity = ctx.iam.identities.member(member);
        return !changes.destroyed.some((g) => g.role === binding.role && !g.conditional === !binding.condition && sameIdentity(g.identity, identity) === "yes");
      }),
    }));
}
