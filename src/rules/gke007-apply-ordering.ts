import { sh } from "../text/shell";
import { commentText, literalOr } from "../text/code-text";
import type { Finding, Rule, RuleContext, Verdict } from "./types";
import type { FixAction } from "./fix-actions";
import { PROJECT_IAM } from "../knowledge/iam-resources";
import type { Resource } from "../model/types";
import type { Grant } from "../facts/iam/index-grants";
import { CLUSTER, NODE_POOL, type NodeIdentityUse } from "../facts/gke/node-identities";
import { PROJECT_SERVICE } from "../facts/gke/project-services";
import { DependencyReach } from "./dependencies";
import { isCreated } from "../model/change";
import { dependsOnRemediation, textRemediation } from "./remediation";
import { DEFAULT_NODE_SA_PERMISSIONS } from "../knowledge/roles";
import { addToList } from "../model/multimap";
import { otherStacksNeeded, type StackNeed } from "./stack-ordering";

const CONTAINER_API = "container.googleapis.com";
const COMPUTE_API = "compute.googleapis.com";

/**
 * GKE007: clusters and node pools created by this apply wait (depends_on or references,
 * transitively) for the grants their node accounts receive and for the API enablement created in
 * the same apply, and node pools name a cluster of this configuration by reference, not by a
 * literal name. Without that, Terraform starts them in parallel and the first apply races.
 */
export const gke007ApplyOrdering: Rule = {
  meta: {
    id: "GKE007",
    slug: "apply-ordering",
    title: "Clusters and node pools wait for their grants, APIs and cluster",
    severity: "warning",
    rationale:
      "Terraform creates resources in parallel unless one depends on another. A cluster that does not depend on the enabling of " +
      "container.googleapis.com or on the IAM grants of its node account can start first: 403 \"API has not been used … or it is " +
      "disabled\", or nodes without permissions, on the first apply only. A node pool that names its cluster by a literal string " +
      "can be created before the cluster: 404 Not found.",
    googleDocUrl: "https://cloud.google.com/kubernetes-engine/docs/troubleshooting/4xx-errors",
    resourceTypes: [CLUSTER, NODE_POOL],
  },
  check(ctx: RuleContext): Verdict[] {
    const created = [...ctx.gke.clusters.map((c) => ({ resource: c.resource, project: c.project })), ...ctx.gke.nodePools.map((p) => ({ resource: p.resource, project: p.project }))].filter((x) => isCreated(x.resource));
    if (created.length === 0) return [];
    const index = orderingIndex(ctx);
    return created.map(({ resource, project }) => orderingVerdict(ctx, index, resource, project.key));
  },
  aspectFix: { statuses: ["fail"], targetTypes: [CLUSTER, NODE_POOL], actions: waitForMissing },
};

/** What every cluster and pool is checked against, built once per model. */
interface OrderingIndex {
  apiByProject: Map<string, Resource>;
  grants: CreatedGrants;
  usesByResource: Map<string, NodeIdentityUse[]>;
  apiAddresses: Set<string>;
  grantAddresses: Set<string>;
  reach: DependencyReach;
  poolCluster: Map<string, Resource>;
  literalPools: Map<string, Resource>;
  /** Whether a reach set holds any grant, computed once per (shared) set. */
  reachesGrant: Map<ReadonlySet<string>, boolean>;
  nodePermissions: (role: Grant["role"]) => readonly string[];
  unidentifiedNodeGrants: ReturnType<typeof unidentifiedNodeGrantsOf>;
}

interface CreatedGrants {
  byIdentity: Map<string, Grant[]>;
  /** Grants to a known account on a project not known before apply: they may be the ones a node needs. */
  unplacedByIdentity: Map<string, Grant[]>;
  /** Grants to a member not known before apply: any of them may be for a node account. */
  unidentified: Grant[];
}

// Indexes built once, so each cluster or pool is looked at in constant time plus its own edges.
function orderingIndex(ctx: RuleContext): OrderingIndex {
  const apiByProject = apiEnablementByProject(ctx);
  const grants = createdGrants(ctx);
  const usesByResource = new Map<string, NodeIdentityUse[]>();
  for (const use of ctx.gke.nodeIdentities) addToList(usesByResource, use.resource.address, use);
  const { apiAddresses, grantAddresses, reach } = dependencyTargets(ctx, apiByProject, grants);
  const nodePermissions = nodePermissionsOf(ctx);
  return {
    apiByProject,
    grants,
    usesByResource,
    apiAddresses,
    grantAddresses,
    reach,
    poolCluster: new Map(ctx.gke.nodePools.filter((p) => p.cluster).map((p) => [p.resource.address, p.cluster!])),
    literalPools: new Map(ctx.gke.nodePools.filter((p) => p.clusterByLiteralName && p.cluster).map((p) => [p.resource.address, p.cluster!])),
    reachesGrant: new Map(),
    nodePermissions,
    unidentifiedNodeGrants: unidentifiedNodeGrantsOf(grants.unidentified, nodePermissions),
  };
}

/** The created enablement of the container (or else compute) API, by project. */
function apiEnablementByProject(ctx: RuleContext): Map<string, Resource> {
  const apiByProject = new Map<string, Resource>();
  for (const r of ctx.model.byType.get(PROJECT_SERVICE) ?? []) {
    const project = ctx.iam.catalog.projectOf(r).key;
    const api = r.values.service;
    if (!project || !isCreated(r) || (api !== CONTAINER_API && api !== COMPUTE_API)) continue;
    // Enabling container enables compute as its dependency: the container resource is the one to wait for.
    if (api === CONTAINER_API || !apiByProject.has(project)) apiByProject.set(project, r);
  }
  return apiByProject;
}

function createdGrants(ctx: RuleContext): CreatedGrants {
  const grants: CreatedGrants = { byIdentity: new Map(), unplacedByIdentity: new Map(), unidentified: [] };
  for (const g of ctx.iam.grants) {
    if (!g.resource || g.destroyed || !isCreated(g.resource)) continue;
    if (!g.identity.key) grants.unidentified.push(g);
    else addToList(g.project.key ? grants.byIdentity : grants.unplacedByIdentity, g.identity.key, g);
  }
  return grants;
}

/** The API enablements, grants and created clusters a cluster or pool may have to wait for, and the reach to them. */
function dependencyTargets(ctx: RuleContext, apiByProject: Map<string, Resource>, grants: CreatedGrants) {
  const apiAddresses = new Set<string>();
  const grantAddresses = new Set<string>();
  const targets = new Set<string>();
  // Types of the targets: most resources are told apart by their type, in a set of a few entries.
  const targetTypes = new Set<string>();
  const addTarget = (r: Resource, into: Set<string>) => {
    into.add(r.address);
    targets.add(r.address);
    targetTypes.add(r.type);
  };
  for (const r of apiByProject.values()) addTarget(r, apiAddresses);
  for (const byIdentity of [grants.byIdentity, grants.unplacedByIdentity]) for (const list of byIdentity.values()) for (const g of list) addTarget(g.resource!, grantAddresses);
  for (const g of grants.unidentified) addTarget(g.resource!, grantAddresses);
  for (const c of ctx.gke.clusters) if (isCreated(c.resource)) addTarget(c.resource, targets);
  const reach = new DependencyReach(ctx.model, (r) => targetTypes.has(r.type) && targets.has(r.address));
  return { apiAddresses, grantAddresses, reach };
}

function orderingVerdict(ctx: RuleContext, index: OrderingIndex, resource: Resource, project: string | undefined): Verdict {
  const reached = index.reach.targetsReachedFrom(resource);
  const cluster = index.literalPools.get(resource.address);
  const api = project ? index.apiByProject.get(project) : undefined;
  const uses = index.usesByResource.get(resource.address) ?? NO_USES;
  const grants = grantsNotWaitedFor(index, resource, uses, reached);
  const missing = [...clusterAndApiNotWaitedFor(cluster, api, reached), ...grants.missing];
  const unmatchedProject = grants.unmatchedProject ?? (uses.length > 0 && missing.length === 0 ? unidentifiedGrantsReason(index, resource, project, reached) : undefined);
  const stacks = ctx.model.app ? otherStacksNeeded(ctx, resource, project, uses) : NO_STACK_NEEDS;
  for (const need of stacks) if (need.ordered === false) missing.push({ resource: need.resource, why: need.why, stack: need.stack });
  // Only what this resource needs: a pool may reach thousands of unrelated grants.
  const waitsFor = waitedFor(reached, cluster ?? index.poolCluster.get(resource.address), api, uses, index.grants.byIdentity).concat(stacks.filter((n) => n.ordered === true).map((n) => n.label));
  const details = { waitsFor, missing: missing.map((m) => (m.stack ? `${m.stack}:${m.resource.address}` : m.resource.address)) };
  // A plan without its configuration block does not show depends_on or references: what
  // looks missing (or like a literal cluster name) may be there.
  const unseen = resource.dependenciesUnknown && missing.length > 0 ? `the plan has no configuration block, so what ${resource.address} depends on is not in the input (${missing.map((m) => m.resource.address).join(", ")} may or may not be waited for)` : undefined;
  const undecided = unseen ?? (missing.length === 0 ? unmatchedProject ?? stacks.find((n) => n.ordered === undefined)?.why ?? undecidedReason(project, index.apiAddresses, uses, index.grantAddresses, reached, index.reachesGrant) : undefined);
  if (undecided) return { status: "unknown", address: resource.address, message: `Cannot tell whether ${resource.address} waits for what it needs: ${undecided}`, reason: undecided, decideWith: unseen ? "check the plan with its configuration block (terraform show -json of the saved plan)" : "set project and the node service account from values known before apply", details };
  if (missing.length === 0) {
    return { status: "pass", address: resource.address, message: `${resource.address} waits for everything it needs that this apply creates`, details };
  }
  return {
    status: "fail",
    address: resource.address,
    message: `${resource.address} ${describe(missing)}: the first apply can race it`,
    remediation: orderingRemediation(ctx, resource, project, missing, cluster, api),
    details,
  };
}

/** A pool's cluster named by a literal while created in this apply, and the API enablement, when not waited for. */
function clusterAndApiNotWaitedFor(cluster: Resource | undefined, api: Resource | undefined, reached: ReadonlySet<string>): Missing[] {
  const missing: Missing[] = [];
  if (cluster && isCreated(cluster) && !reached.has(cluster.address)) {
    missing.push({ resource: cluster, why: `names its cluster by the literal "${String(cluster.values.name)}" while ${cluster.address} is created in the same apply (404 Not found when the pool goes first)` });
  }
  if (api && !reached.has(api.address)) missing.push({ resource: api, why: `does not wait for ${api.address} (${String(api.values.service)})` });
  return missing;
}

/** The grants to the node accounts not waited for, and why that cannot be told when the project does not match. */
function grantsNotWaitedFor(index: OrderingIndex, resource: Resource, uses: readonly NodeIdentityUse[], reached: ReadonlySet<string>): { missing: Missing[]; unmatchedProject?: string } {
  const missing: Missing[] = [];
  const seenGrants = new Set<string>();
  let unmatchedProject: string | undefined;
  for (const use of uses) {
    if (!use.identity.key) continue;
    unmatchedProject ??= unplacedGrantsReason(index, resource, use, use.identity.key, reached);
    if (!use.project.key) continue;
    for (const g of grantsBringingNodePermissions(index, use.identity.key, use.project.key, reached)) {
      const address = g.resource!.address;
      if (seenGrants.has(address)) continue;
      seenGrants.add(address);
      missing.push({ resource: g.resource!, why: "", grantTo: use.identity.display });
    }
  }
  return { missing, unmatchedProject };
}

// Grants to this account that cannot be matched to the nodes' project: not "nothing to wait for".
function unplacedGrantsReason(index: OrderingIndex, resource: Resource, use: NodeIdentityUse, identity: string, reached: ReadonlySet<string>): string | undefined {
  const { byIdentity, unplacedByIdentity } = index.grants;
  const candidates = use.project.key ? unplacedByIdentity.get(identity) ?? NO_GRANTS : [...(byIdentity.get(identity) ?? NO_GRANTS), ...(unplacedByIdentity.get(identity) ?? NO_GRANTS)];
  const pending = candidates.filter((g) => !reached.has(g.resource!.address) && index.nodePermissions(g.role).length > 0);
  if (pending.length === 0) return undefined;
  const which = pending.map((g) => g.resource!.address).slice(0, 3).join(", ");
  return use.project.key
    ? `the project of the grants to ${use.identity.display} it does not wait for (${which}) is not known before apply, so whether it needs them cannot be told`
    : `the project of ${resource.address} is not known before apply, so whether it needs the grants to ${use.identity.display} it does not wait for (${which}) cannot be told`;
}

/**
 * The grants to `identity` on `project` not waited for. A grant not waited for only matters when
 * it brings a node permission that the grants waited for do not already give (a redundant extra
 * grant races nothing).
 */
function grantsBringingNodePermissions(index: OrderingIndex, identity: string, project: string, reached: ReadonlySet<string>): Grant[] {
  const grants = (index.grants.byIdentity.get(identity) ?? NO_GRANTS).filter((g) => g.project.key === project);
  const covered = new Set<string>();
  for (const g of grants) if (reached.has(g.resource!.address)) for (const p of index.nodePermissions(g.role)) covered.add(p);
  return grants.filter((g) => !reached.has(g.resource!.address) && index.nodePermissions(g.role).some((p) => !covered.has(p)));
}

function unidentifiedGrantsReason(index: OrderingIndex, resource: Resource, project: string | undefined, reached: ReadonlySet<string>): string | undefined {
  const pending = index.unidentifiedNodeGrants.notWaitedFor(project, reached, 3);
  if (pending.length === 0) return undefined;
  return `this apply grants node permissions to members only known after apply (${pending.map((g) => g.resource!.address).join(", ")}), which ${resource.address} does not wait for; whether one is its node account cannot be told`;
}

/** depends_on for what this stack creates; addDependency between stacks for the rest. */
function orderingRemediation(ctx: RuleContext, resource: Resource, project: string | undefined, missing: Missing[], cluster: Resource | undefined, api: Resource | undefined): ReturnType<typeof textRemediation> {
  const local = missing.filter((m) => !m.stack);
  const otherStacks = [...new Set(missing.flatMap((m) => (m.stack ? [m.stack] : [])))];
  if (local.length === 0) return stackDependencyRemediation(ctx.model.stack, otherStacks);
  return dependsOnRemediation({
    summary: `Make ${resource.address} depend on ${local.map((m) => m.resource.address).join(", ")}${cluster && local[0].resource === cluster ? " (set cluster from the cluster's name attribute rather than a literal)" : ""}.${otherStacks.length ? ` ${stackDependencySummary(ctx.model.stack, otherStacks)}` : ""}`,
    resource,
    waitFor: local.map((m) => m.resource),
    gcloud: project && api && missing.some((m) => m.resource === api) ? [`# or enable it before the first apply:`, sh`gcloud services enable ${literalOr(api.values.service, "SERVICE")} --project=${project}`] : [],
  });
}

/** What the aspect may make a cluster or pool wait for: grants, API enablement, the cluster (for a pool). */
const ORDERING_TYPES = new Set([PROJECT_IAM.member, PROJECT_IAM.binding, PROJECT_IAM.policy, PROJECT_SERVICE, "google_service_account_iam_member", CLUSTER]);

/** The aspect's fix: depends_on the resources of this stack the finding says are not waited for. */
function waitForMissing(finding: Finding): FixAction[] {
  const missing = Array.isArray(finding.details?.missing) ? finding.details.missing : [];
  const addresses = missing.filter((a): a is string => typeof a === "string" && ORDERING_TYPES.has(a.split(".")[0]));
  return [{ kind: "depend-on", addresses }];
}

const NO_USES: readonly NodeIdentityUse[] = [];
const NO_STACK_NEEDS: readonly StackNeed[] = [];
const NO_GRANTS: readonly Grant[] = [];
const NO_PERMISSIONS: readonly string[] = [];

/**
 * The node permissions (of roles/container.defaultNodeServiceAccount) a role gives, known for
 * sure; none for a role not known before apply. Memoised per role: thousands of grants share a
 * handful of roles.
 */
function nodePermissionsOf(ctx: RuleContext): (role: Grant["role"]) => readonly string[] {
  const byRole = new Map<string, readonly string[]>();
  return (role) => {
    if (typeof role !== "string") return NO_PERMISSIONS;
    let permissions = byRole.get(role);
    if (!permissions) {
      permissions = DEFAULT_NODE_SA_PERMISSIONS.filter((p) => ctx.iam.roleContains(role, p) === true);
      byRole.set(role, permissions);
    }
    return permissions;
  };
}

/**
 * The grants of node permissions to members known only after apply, by project (those on a
 * project not known before apply count for every project), in the order of the model: asked for
 * by every cluster and pool, which must not scan every such grant of the input each time.
 */
function unidentifiedNodeGrantsOf(unidentified: readonly Grant[], nodePermissions: (role: Grant["role"]) => readonly string[]) {
  const all = unidentified.filter((g) => nodePermissions(g.role).length > 0);
  const order = new Map(all.map((g, i) => [g, i]));
  const byProject = new Map<string, Grant[]>();
  const anyProject: Grant[] = [];
  for (const g of all) {
    if (g.project.key) addToList(byProject, g.project.key, g);
    else anyProject.push(g);
  }
  return {
    /** The first `limit` of them, in order, that may be on `project` and are not in `reached`. */
    notWaitedFor(project: string | undefined, reached: ReadonlySet<string>, limit: number): Grant[] {
      const out: Grant[] = [];
      const own = project ? byProject.get(project) ?? NO_GRANTS : all;
      const shared = project ? anyProject : NO_GRANTS;
      // The two lists merged back into model order, stopping at `limit`.
      for (let i = 0, j = 0; out.length < limit && (i < own.length || j < shared.length); ) {
        const g = j >= shared.length || (i < own.length && order.get(own[i])! < order.get(shared[j])!) ? own[i++] : shared[j++];
        if (!reached.has(g.resource!.address)) out.push(g);
      }
      return out;
    },
  };
}

/** What the resource needs (its cluster, API, the grants to its node accounts) that it waits for, sorted. */
function waitedFor(reached: ReadonlySet<string>, cluster: Resource | undefined, api: Resource | undefined, uses: readonly NodeIdentityUse[], grantsByIdentity: ReadonlyMap<string, Grant[]>): string[] {
  const out = new Set<string>();
  if (cluster && reached.has(cluster.address)) out.add(cluster.address);
  if (api && reached.has(api.address)) out.add(api.address);
  for (const use of uses) {
    if (!use.identity.key) continue;
    for (const g of grantsByIdentity.get(use.identity.key) ?? NO_GRANTS) if (reached.has(g.resource!.address)) out.add(g.resource!.address);
  }
  return [...out].sort();
}

interface Missing {
  resource: Resource;
  why: string;
  grantTo?: string;
  /** The CDKTF stack that creates it, when not this one. */
  stack?: string;
}

function stackDependencySummary(stack: string | undefined, others: string[]): string {
  return `Make stack ${stack ?? "(this stack)"} depend on stack${others.length > 1 ? "s" : ""} ${others.join(", ")} so that cdktf deploy applies ${others.length > 1 ? "them" : "it"} first.`;
}

/** `addDependency` between CDKTF stacks: what writes `dependencies` into manifest.json. */
function stackDependencyRemediation(stack: string | undefined, others: string[]): ReturnType<typeof textRemediation> {
  const variable = (name: string | undefined) => `${(name ?? "this").replace(/[^A-Za-z0-9_$]/g, "_").replace(/^(\d)/, "_$1")}Stack`;
  return textRemediation(
    stackDependencySummary(stack, others),
    [],
    others.map((o) => `${variable(stack)}.addDependency(${variable(o)});`).join("\n"),
    `# Terraform has no stacks: deploy ${commentText(others.join(", "))} before ${commentText(stack ?? "this stack")}`,
  );
}

/** One clause per kind of missing dependency; grants grouped by the account they are for. */
function describe(missing: Missing[]): string {
  const clauses = missing.filter((m) => !m.grantTo).map((m) => m.why);
  const byAccount = new Map<string, string[]>();
  for (const m of missing) if (m.grantTo) addToList(byAccount, m.grantTo, m.resource.address);
  for (const [account, grants] of byAccount) {
    const list = grants.length <= 3 ? grants.join(", ") : `${grants.slice(0, 3).join(", ")} and ${grants.length - 3} more`;
    clauses.push(`does not wait for the grant${grants.length > 1 ? "s" : ""} to its node account ${account} (${list})`);
  }
  return clauses.join("; ");
}

/** Something to wait for exists, but which of it applies to this resource is only known after apply. */
function undecidedReason(project: string | undefined, apiAddresses: ReadonlySet<string>, uses: readonly NodeIdentityUse[], grantAddresses: ReadonlySet<string>, reached: ReadonlySet<string>, reachesGrant: Map<ReadonlySet<string>, boolean>): string | undefined {
  if (project === undefined && apiAddresses.size > 0 && ![...apiAddresses].some((a) => reached.has(a))) {
    return `its project is not known before apply, and this apply enables APIs (${[...apiAddresses].join(", ")})`;
  }
  const unknownIdentity = uses.find((u) => u.identity.key === undefined);
  if (!unknownIdentity || grantAddresses.size === 0) return undefined;
  let reachedGrant = reachesGrant.get(reached);
  if (reachedGrant === undefined) {
    reachedGrant = false;
    for (const address of reached) if (grantAddresses.has(address)) { reachedGrant = true; break; }
    reachesGrant.set(reached, reachedGrant);
  }
  return reachedGrant ? undefined : `its node service account (${unknownIdentity.where}) is only known after apply, so the grants it must wait for cannot be told`;
}
