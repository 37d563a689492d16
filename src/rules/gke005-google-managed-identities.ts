import { sh } from "../text/shell";
import { commentText } from "../text/code-text";
import type { Rule, RuleContext, Verdict } from "./types";
import type { Resource } from "../model/types";
import { isUnknown } from "../model/unknown";
import { stringAttribute } from "../model/access";
import { agentIdentity, type Identity } from "../facts/iam/identity";
import { sameIdentity, type AuthoritativeSet } from "../facts/iam/index-grants";
import { CLUSTER } from "../facts/gke/node-identities";
import { grantRoleRemediation, textRemediation } from "./remediation";
import { COMPUTE_DEFAULT_ACCOUNT_PLACEHOLDER } from "../knowledge/service-agents";
import { DEFAULT_NODE_SA_ROLE } from "../knowledge/roles";

const EDITOR = "roles/editor";
const DEFAULT_ACCOUNTS = "google_project_default_service_accounts";
const REMOVE = "google_project_iam_member_remove";

/**
 * GKE005: the configuration does not strip Editor from the identities Google created when the
 * Compute Engine and Kubernetes Engine APIs were enabled (the Google APIs service agent, and the
 * Compute Engine default account when nodes run as it), nor deprivilege/disable/delete the
 * default account nodes run as. The GKE service agent's own role is GKE002.
 */
export const gke005GoogleManagedIdentities: Rule = {
  meta: {
    id: "GKE005",
    slug: "google-managed-identities",
    title: "Google-managed identities keep the access GKE relies on",
    severity: "error",
    rationale:
      "When the Compute Engine and Kubernetes Engine APIs are enabled, Google creates identities that GKE depends on: the Google APIs " +
      "service agent PROJECT_NUMBER@cloudservices.gserviceaccount.com (Editor, used for managed instance groups) and the Compute Engine " +
      "default service account (Editor where the organisation allows it, the node identity by default). An authoritative IAM resource " +
      "that omits them, an explicit removal, or google_project_default_service_accounts deprivileging, disabling or deleting the default " +
      "account makes cluster operations fail with 400/403 \"account has no edit permission\".",
    googleDocUrl: "https://cloud.google.com/kubernetes-engine/docs/troubleshooting/4xx-errors",
    resourceTypes: [CLUSTER, "google_project_iam_binding", "google_project_iam_policy", REMOVE, DEFAULT_ACCOUNTS],
  },
  check(ctx: RuleContext): Verdict[] {
    const scope = clusterScope(ctx);
    if (scope.clusterProjects.size === 0 && !scope.unknownProjectCluster) return [];
    const found = [
      ...authoritativeSetVerdicts(ctx, scope),
      ...removalVerdicts(ctx, scope),
      ...destroyedGrantVerdicts(ctx, scope),
      ...defaultAccountsVerdicts(ctx, scope),
    ];
    const flagged = new Set(found.flatMap((f) => (f.project === undefined ? [] : [f.project])));
    const unknownProject = scope.unknownProjectCluster ? unknownProjectClusterVerdict(ctx, scope.unknownProjectCluster) : undefined;
    return [...found.map((f) => f.verdict), ...untouchedProjectPasses(scope, flagged), ...(unknownProject ? [unknownProject] : [])];
  },
};

/** A verdict and the cluster project it is about (such a project gets no "nothing strips Editor" pass). */
interface ProjectVerdict {
  verdict: Verdict;
  project?: string;
}

interface ClusterScope {
  /** Each cluster project, with the first cluster in it. */
  clusterProjects: Map<string, Resource>;
  unknownProjectCluster?: Resource;
  /** Projects whose nodes run as the default account, and where that is undecided. */
  defaultUsers: Map<string, Resource>;
  undecidedUsers: Map<string, Resource>;
}

function clusterScope(ctx: RuleContext): ClusterScope {
  const clusterProjects = new Map<string, Resource>();
  let unknownProjectCluster: Resource | undefined;
  for (const c of ctx.gke.clusters) {
    if (c.project.key === undefined) unknownProjectCluster ??= c.resource;
    else if (!clusterProjects.has(c.project.key)) clusterProjects.set(c.project.key, c.resource);
  }
  const defaultUsers = new Map<string, Resource>();
  const undecidedUsers = new Map<string, Resource>();
  for (const use of ctx.gke.nodeIdentities) {
    if (use.project.key === undefined) continue;
    if (use.identity.kind === "compute-default") defaultUsers.set(use.project.key, use.resource);
    else if (use.identity.key === undefined) undecidedUsers.set(use.project.key, use.resource);
  }
  return { clusterProjects, unknownProjectCluster, defaultUsers, undecidedUsers };
}

function protectedIdentities(ctx: RuleContext, scope: ClusterScope, project: string): Array<{ identity: Identity; usedBy?: Resource }> {
  return [
    { identity: agentIdentity("apis-agent", project, ctx.iam.catalog) },
    ...(scope.defaultUsers.has(project) ? [{ identity: agentIdentity("compute-default", project, ctx.iam.catalog), usedBy: scope.defaultUsers.get(project) }] : []),
  ];
}

function authoritativeSetVerdicts(ctx: RuleContext, scope: ClusterScope): ProjectVerdict[] {
  const found: ProjectVerdict[] = [];
  for (const set of ctx.iam.authoritative) {
    if (set.destroyed || (set.kind === "binding" && typeof set.role === "string" && set.role !== EDITOR)) continue;
    if (set.project.key === undefined) {
      if (set.kind === "policy" || isUnknown(set.role)) found.push({ verdict: unknownProjectSetVerdict(set, set.project.reason) });
      continue;
    }
    if (!scope.clusterProjects.has(set.project.key)) continue;
    for (const { identity, usedBy } of protectedIdentities(ctx, scope, set.project.key)) {
      const verdict = authoritativeVerdict(set, identity, usedBy, ctx);
      if (verdict) found.push({ verdict, project: set.project.key });
    }
  }
  return found;
}

function unknownProjectSetVerdict(set: AuthoritativeSet, reason: string): Verdict {
  return { status: "unknown", address: set.resource.address, message: `${set.resource.address} is authoritative for ${set.kind === "policy" ? "a whole project policy" : "a role"} on a project that is not known before apply; it may strip Editor from Google-managed identities`, reason, decideWith: "set project on the resource or on its provider" };
}

function removalVerdicts(ctx: RuleContext, scope: ClusterScope): ProjectVerdict[] {
  const found: ProjectVerdict[] = [];
  for (const removal of ctx.iam.removals) {
    const project = removal.project.key;
    if (project === undefined || !scope.clusterProjects.has(project)) continue;
    if (removal.role !== EDITOR && !isUnknown(removal.role)) continue;
    for (const { identity, usedBy } of protectedIdentities(ctx, scope, project)) {
      const same = matches(removal.identity, identity);
      if (same === "no") continue;
      const role = isUnknown(removal.role) ? "a role known only after apply" : EDITOR;
      const verdict: Verdict = same === "maybe" || isUnknown(removal.role)
        ? { status: "unknown", address: removal.resource.address, message: `${removal.resource.address} removes ${role} from ${removal.identity.display}, which may be ${identity.display}`, reason: removal.identity.reason ?? "the removed member or role is only known after apply", decideWith: "write the member and role as literals" }
        : removalFail(removal.resource, identity, project, usedBy, ctx);
      found.push({ verdict, project });
    }
  }
  return found;
}

// Destroying the resource that grants Editor (a member, or a binding that listed them) takes it away.
function destroyedGrantVerdicts(ctx: RuleContext, scope: ClusterScope): ProjectVerdict[] {
  const found: ProjectVerdict[] = [];
  const reported = new Set<string>();
  for (const g of ctx.iam.grants) {
    const project = g.project.key;
    if (!g.destroyed || !g.resource || g.role !== EDITOR || project === undefined || !scope.clusterProjects.has(project)) continue;
    for (const { identity, usedBy } of protectedIdentities(ctx, scope, project)) {
      const key = `${g.resource.address}|${identity.key}`;
      if (reported.has(key) || matches(g.identity, identity) !== "yes") continue;
      reported.add(key);
      const answer = ctx.iam.holdsRole(identity, project, EDITOR);
      if (answer.holds === "yes") continue;
      const verdict: Verdict = answer.holds === "maybe"
        ? { status: "unknown", address: g.resource.address, message: `The plan destroys ${g.resource.address}, which grants ${EDITOR} to ${identity.display}; whether another grant keeps it is not known`, reason: answer.reason, decideWith: "--live reads the project's IAM policy" }
        : fail(g.resource, `The plan destroys ${g.resource.address}, which grants ${EDITOR} to ${identity.display} on ${project}`, identity, project, usedBy, ctx);
      found.push({ verdict, project });
    }
  }
  return found;
}

function defaultAccountsVerdicts(ctx: RuleContext, scope: ClusterScope): ProjectVerdict[] {
  const found: ProjectVerdict[] = [];
  for (const r of ctx.model.byType.get(DEFAULT_ACCOUNTS) ?? []) {
    if (r.mode !== "managed" || r.change === "delete") continue;
    const project = ctx.iam.catalog.projectOf(r).key;
    if (project === undefined || !scope.clusterProjects.has(project)) continue;
    const usedBy = scope.defaultUsers.get(project);
    const undecided = scope.undecidedUsers.get(project);
    if (!usedBy && !undecided) continue;
    found.push({ verdict: defaultAccountsVerdict(r, project, usedBy, undecided!), project });
  }
  return found;
}

/** `usedBy` runs its nodes as the default account of `project`; without it, `undecided` may. */
function defaultAccountsVerdict(r: Resource, project: string, usedBy: Resource | undefined, undecided: Resource): Verdict {
  const action = stringAttribute(r.values, "action");
  if (isUnknown(action) || action === undefined) {
    return { status: "unknown", address: r.address, message: `${r.address} acts on the default service accounts of ${project} with an action known only after apply, while nodes may run as the Compute Engine default account`, reason: "action is not a literal", decideWith: "write action as a literal" };
  }
  if (!["DEPRIVILEGE", "DISABLE", "DELETE"].includes(action.toUpperCase())) {
    return { status: "pass", address: r.address, message: `${r.address} (action = ${action}) leaves the default service accounts of ${project} working` };
  }
  const who = usedBy ? `${usedBy.address} runs its nodes as it` : `${undecided.address} may run its nodes as it`;
  return {
    status: usedBy ? "fail" : "unknown",
    address: r.address,
    message: `${r.address} (action = ${action}) ${describeAction(action)} the Compute Engine default service account of ${project}, and ${who}`,
    ...(usedBy ? {} : { reason: "the node service account is only known after apply", decideWith: "name the node service account explicitly" }),
    remediation: textRemediation(
      `Give the nodes a dedicated service account before changing the default accounts, or remove ${r.address}.`,
      action.toUpperCase() === "DEPRIVILEGE"
        ? [sh`gcloud projects add-iam-policy-binding ${project} --member="serviceAccount:${COMPUTE_DEFAULT_ACCOUNT_PLACEHOLDER}" --role="${DEFAULT_NODE_SA_ROLE}" --condition=None`]
        : [sh`gcloud iam service-accounts enable ${COMPUTE_DEFAULT_ACCOUNT_PLACEHOLDER} --project=${project}`, `# a deleted default account can be undeleted for 30 days: gcloud beta iam service-accounts undelete ACCOUNT_UNIQUE_ID`],
      `// remove the ProjectDefaultServiceAccounts construct, or set nodeConfig.serviceAccount on every cluster and node pool of ${commentText(project)} to a dedicated account`,
      `# remove ${commentText(r.address)}, or set node_config.service_account on every cluster and node pool of ${commentText(project)} to a dedicated account`,
    ),
    details: { project, action, nodeResource: (usedBy ?? undecided).address },
  };
}

// One pass per cluster project when nothing in the configuration touches these identities.
function untouchedProjectPasses(scope: ClusterScope, flagged: Set<string>): Verdict[] {
  return [...scope.clusterProjects]
    .filter(([project]) => !flagged.has(project))
    .map(([project, cluster]) => ({ status: "pass", address: cluster.address, message: `Nothing in this configuration strips Editor from the Google APIs service agent or the Compute Engine default account of ${project}, or disables the default account nodes run as` }));
}

function unknownProjectClusterVerdict(ctx: RuleContext, cluster: Resource): Verdict {
  const anythingToStrip = ctx.iam.authoritative.some((a) => !a.destroyed) || ctx.iam.removals.length > 0 || (ctx.model.byType.get(DEFAULT_ACCOUNTS) ?? []).length > 0;
  if (!anythingToStrip) {
    return { status: "pass", address: cluster.address, message: `Nothing in this configuration is authoritative for IAM, removes a role, or changes the default service accounts` };
  }
  return { status: "unknown", address: cluster.address, message: `The project of ${cluster.address} is not known, so the Google-managed identities of its project cannot be checked`, decideWith: "set project on the cluster or on its provider" };
}

function authoritativeVerdict(set: AuthoritativeSet, identity: Identity, usedBy: Resource | undefined, ctx: RuleContext): Verdict | undefined {
  const project = set.project.key!;
  const what = set.kind === "policy" ? "the whole IAM policy" : `the members of ${EDITOR}`;
  if (isUnknown(set.bindings)) {
    return { status: "unknown", address: set.resource.address, message: `${set.resource.address} sets ${what} of ${project} from a value known only after apply; it may drop ${identity.display}`, reason: set.bindings.reason, decideWith: "write the policy or members as literals, or list the Google-managed identities explicitly" };
  }
  const editorBindings = set.bindings.filter((b) => b.role === EDITOR || isUnknown(b.role));
  const members = editorBindings.filter((b) => !b.conditional && b.role === EDITOR).flatMap((b) => b.members);
  if (members.some((m) => matches(m, identity) === "yes")) return undefined;
  if (editorBindings.some((b) => isUnknown(b.role) || b.conditional) || members.some((m) => matches(m, identity) === "maybe")) {
    return { status: "unknown", address: set.resource.address, message: `${set.resource.address} sets ${what} of ${project}; a member or role only known after apply may or may not be ${identity.display}`, decideWith: "list the Google-managed identities explicitly" };
  }
  const why = set.kind === "policy" ? `${set.resource.address} replaces the IAM policy of ${project} without granting ${EDITOR} to ${identity.display}` : `${set.resource.address} is authoritative for ${EDITOR} on ${project} and does not list ${identity.display}`;
  return fail(set.resource, why, identity, project, usedBy, ctx);
}

function removalFail(resource: Resource, identity: Identity, project: string, usedBy: Resource | undefined, ctx: RuleContext): Verdict {
  return fail(resource, `${resource.address} removes ${EDITOR} from ${identity.display} on ${project}`, identity, project, usedBy, ctx);
}

function fail(resource: Resource, why: string, identity: Identity, project: string, usedBy: Resource | undefined, ctx: RuleContext): Verdict {
  const effect = identity.kind === "apis-agent"
    ? "managed instance groups and other Google-internal operations GKE relies on fail (\"account has no edit permission\")"
    : `the nodes of ${usedBy?.address ?? "the cluster"} run as it and lose the access it had`;
  return {
    status: "fail",
    address: resource.address,
    message: `${why}: ${effect}`,
    remediation: grantRoleRemediation({
      summary: `Keep ${EDITOR} for ${identity.display}: list it in ${resource.address}${identity.kind === "compute-default" ? ", or move the nodes to a dedicated account first" : ""}.`,
      project,
      projectNumber: ctx.iam.catalog.numberOf(project),
      identity,
      role: EDITOR,
      resourceName: identity.kind === "apis-agent" ? "google_apis_agent_editor" : "compute_default_editor",
    }),
    details: { identity: identity.email ?? identity.display, project, role: EDITOR, ...(usedBy ? { nodeResource: usedBy.address } : {}) },
  };
}

function describeAction(action: string): string {
  switch (action.toUpperCase()) {
    case "DEPRIVILEGE":
      return "removes every project role of";
    case "DISABLE":
      return "disables";
    default:
      return "deletes";
  }
}

/**
 * Like sameIdentity, but an agent written with a project number the input cannot tie to the
 * project id (no google_project data source) may still be this project's agent.
 */
function matches(member: Identity, identity: Identity): "yes" | "no" | "maybe" {
  const same = sameIdentity(member, identity);
  if (same !== "no" || member.kind !== identity.kind || (member.email && identity.email)) return same;
  const numeric = (p: string | undefined) => p !== undefined && /^\d+$/.test(p);
  return member.project !== identity.project && (numeric(member.project) || numeric(identity.project) || !identity.email) ? "maybe" : "no";
}
