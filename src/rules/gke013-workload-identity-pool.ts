import { sh } from "../text/shell";
import { workloadPoolNeeds } from "../facts/live-resource-needs";
import type { Rule, RuleContext, Verdict } from "./types";
import { worstPerAddress } from "./worst-per-address";
import { CLUSTER } from "../facts/gke/node-identities";
import { WORKLOAD_IDENTITY } from "../knowledge/preconditions";
import type { WorkloadIdentityGrant, WorkloadPoolUse } from "../facts/workload-identity";
import { DependencyReach } from "./dependencies";
import { isCreated } from "../model/change";
import { dependsOnRemediation, textRemediation } from "./remediation";
import { hclString } from "./agent-grant-fix";
import type { LiveView } from "../facts/live-view";
import { unreadReason } from "../facts/live-resources";

/**
 * GKE013: a grant to a Kubernetes service account (`serviceAccount:PROJECT.svc.id.goog[NS/KSA]`)
 * fails with "Identity Pool does not exist" until a cluster with Workload Identity has existed in
 * that project; and a cluster's workload pool is always its own project's.
 */
export const gke013WorkloadIdentityPool: Rule = {
  meta: {
    id: "GKE013",
    slug: "workload-identity-pool",
    title: "Workload Identity grants wait for the project's pool, and clusters name their own pool",
    severity: "error",
    rationale:
      "A grant to PROJECT_ID.svc.id.goog[NAMESPACE/KSA] fails with 400 \"Identity Pool does not exist\" when no cluster with Workload " +
      "Identity has been created in that project yet; a cluster whose workload_pool is not PROJECT_ID.svc.id.goog of its own project is rejected.",
    googleDocUrl: WORKLOAD_IDENTITY.sources[0].url,
    resourceTypes: [CLUSTER, "google_service_account_iam_member", "google_service_account_iam_binding", "google_project_iam_member", "google_project_iam_binding"],
  },
  liveNeeds: workloadPoolNeeds,
  check(ctx: RuleContext): Verdict[] {
    const facts = ctx.facts.workloadIdentity;
    const verdicts = facts.clusters.flatMap((use) => checkPool(use) ?? []);
    if (facts.grants.length === 0) return verdicts;
    const creating = new Set(facts.clusters.filter((c) => isCreated(c.cluster)).map((c) => c.cluster.address));
    const reach = new DependencyReach(ctx.model, (r) => creating.has(r.address));
    for (const grant of facts.grants) verdicts.push(checkGrant(grant, facts.clusters, facts.projectsCreated, reach, ctx.live));
    return worstPerAddress(verdicts);
  },
};

function checkPool(use: WorkloadPoolUse): Verdict | undefined {
  const { cluster, project, pool } = use;
  if (pool === undefined || project.key === undefined) return undefined;
  const expected = `${project.key}${WORKLOAD_IDENTITY.poolSuffix}`;
  const details = { workloadPool: pool, expected };
  if (use.poolProject === project.key) return { status: "pass", address: cluster.address, message: `${cluster.address} uses the workload pool of its own project, ${pool}`, details };
  return {
    status: "fail",
    address: cluster.address,
    message: `${cluster.address} sets workload_pool = ${JSON.stringify(pool)}, but a cluster can only use its own project's pool, ${expected}`,
    remediation: textRemediation(
      `Set workload_identity_config.workload_pool to ${expected}.`,
      [sh`gcloud container clusters update ${String(cluster.values.name ?? "CLUSTER_NAME")} --project=${project.key} --location=${String(cluster.values.location ?? "LOCATION")} --workload-pool=${expected}`],
      `// on the ContainerCluster:\nworkloadIdentityConfig: { workloadPool: ${JSON.stringify(expected)} },`,
      `# in ${cluster.address}:\nworkload_identity_config {\n  workload_pool = ${hclString(expected)}\n}`,
    ),
    details,
  };
}

function checkGrant(grant: WorkloadIdentityGrant, clusters: WorkloadPoolUse[], created: ReadonlySet<string>, reach: DependencyReach, live: LiveView): Verdict {
  const address = grant.resource.address;
  const { poolProject } = grant;
  if (poolProject.key === undefined) {
    return { status: "unknown", address, message: `${address} grants to ${grant.member}, a Kubernetes service account of a project that is only known after apply`, reason: poolProject.reason, decideWith: "write the member with a literal project id, or build it from the cluster's workload_identity_config[0].workload_pool" };
  }
  const project = poolProject.key;
  const pool = `${project}${WORKLOAD_IDENTITY.poolSuffix}`;
  const details = { member: grant.member, pool };
  const ofProject = clusters.filter((c) => c.poolProject === project);
  const existing = ofProject.find((c) => !isCreated(c.cluster));
  if (existing) return { status: "pass", address, message: `${existing.cluster.address} already runs Workload Identity in ${project}, so the pool ${pool} exists`, details };
  const waited = ofProject.find((c) => reach.targetsReachedFrom(grant.resource).has(c.cluster.address));
  if (waited) return { status: "pass", address, message: `${address} waits for ${waited.cluster.address}, whose creation makes the pool ${pool}`, details };
  const toWaitFor = ofProject.filter((c) => isCreated(c.cluster)).map((c) => c.cluster);
  const remediation = toWaitFor.length
    ? dependsOnRemediation({ summary: `Make ${address} wait for ${toWaitFor[0].address} (depends_on, or build the member from its workload_identity_config[0].workload_pool).`, resource: grant.resource, waitFor: toWaitFor.slice(0, 1) })
    : textRemediation(
        `Create a cluster with Workload Identity in ${project} before this grant (workload_identity_config.workload_pool = ${pool}), and make the grant wait for it.`,
        [sh`gcloud container clusters list --project=${project} --format=${"value(name,workloadIdentityConfig.workloadPool)"}`],
        `// in the ContainerCluster of ${project}: workloadIdentityConfig: { workloadPool: ${JSON.stringify(pool)} }\n// and on the grant: dependsOn: [cluster]`,
        `# in the google_container_cluster of ${project}:\nworkload_identity_config {\n  workload_pool = ${hclString(pool)}\n}\n# and in ${address}: depends_on = [google_container_cluster.CLUSTER]`,
      );
  if (created.has(project)) {
    return {
      status: "fail",
      address,
      message: `${address} grants to ${grant.member}, but ${project} is created by this apply and ${toWaitFor.length ? `the grant does not wait for ${toWaitFor[0].address}` : "no cluster of this configuration enables Workload Identity in it"}: the pool ${pool} does not exist yet (400 Identity Pool does not exist)`,
      remediation,
      details,
    };
  }
  const listed = live.workloadPool(project);
  if (listed && "value" in listed && listed.value.clustersWithPool.length > 0) {
    const [first] = listed.value.clustersWithPool;
    return { status: "pass", address, message: `the cluster ${first!.cluster} of ${project} runs Workload Identity (read live), so the pool ${pool} exists`, details };
  }
  return {
    status: "unknown",
    address,
    message: `${address} grants to ${grant.member}; it fails unless a cluster with Workload Identity has already existed in ${project}${toWaitFor.length ? `, and it does not wait for ${toWaitFor[0].address}` : ""}`,
    reason: listed
      ? "unreadable" in listed
        ? unreadReason(`the clusters of ${project}`, listed)
        : `no cluster of ${project} has Workload Identity now (read live); the pool ${pool} exists only if one had it before, which Google's API does not show`
      : `${project} exists outside this apply, and whether its pool ${pool} exists (a cluster with Workload Identity was created there before) is not in the input`,
    decideWith: listed
      ? `make ${address} wait for a cluster with Workload Identity in ${project}, or check that the grant succeeds with gcloud iam service-accounts add-iam-policy-binding`
      : `--live lists the clusters of ${project} (a cluster with workloadIdentityConfig means the pool exists), as does gcloud container clusters list --project=${project}`,
    remediation,
    details,
  };
}
