import type { Rule, RuleContext, Verdict } from "./types";
import { agentProjectNeeds } from "../facts/live-resource-needs";
import { worstPerAddress } from "./worst-per-address";
import type { Resource } from "../model/types";
import { SERVICE_AGENT_CREATION } from "../knowledge/preconditions";
import { googleIdentity } from "../knowledge/service-agents";
import { PROJECT_SERVICE, serviceResources } from "../facts/gke/project-services";
import { agentGrants, type AgentGrant } from "../facts/agent-grants";
import { projectsCreatedByThisApply } from "../facts/projects-created";
import { DependencyReach } from "./dependencies";
import { isCreated } from "../model/change";
import { dependsOnRemediation, enableApiRemediation } from "./remediation";

/**
 * GKE017: a role cannot be granted to a service agent that does not exist yet. Google creates the
 * GKE and Compute Engine agents (and the Compute Engine default account) when their API is enabled,
 * or when asked (google_project_service_identity); a grant to one must come after that.
 */
export const gke017ServiceAgentExists: Rule = {
  meta: {
    id: "GKE017",
    slug: "service-agent-exists",
    title: "Grants to service agents wait for the API that creates them",
    severity: "error",
    rationale:
      "Granting a role to a service agent (the GKE or Compute Engine service agent, the Compute Engine default service account) fails " +
      "(400: the member does not exist) while the API that creates it is not enabled; on a first apply the grant and the API race.",
    googleDocUrl: SERVICE_AGENT_CREATION.sources[0].url,
    resourceTypes: ["google_project_iam_member", "google_project_iam_binding", "google_compute_subnetwork_iam_member", "google_kms_crypto_key_iam_member", PROJECT_SERVICE, SERVICE_AGENT_CREATION.identityResource],
  },
  liveNeeds: agentProjectNeeds,
  check(ctx: RuleContext): Verdict[] {
    const grants = agentGrants(ctx.model, ctx.iam.catalog);
    if (grants.length === 0) return [];
    const created = projectsCreatedByThisApply(ctx.model);
    const enablers = new Set(grants.flatMap((g) => (g.agentProject.key ? enablersOf(g.agentProject.key, g.api, ctx) : [])));
    const reach = new DependencyReach(ctx.model, (r) => enablers.has(r));
    return worstPerAddress(grants.flatMap((g) => checkGrant(g, ctx, created, reach) ?? []));
  },
};

/** The resources that turn the API on (or create the agent) in the project, that the apply keeps. */
function enablersOf(project: string, api: string, ctx: RuleContext): Resource[] {
  const identities = (ctx.model.byType.get(SERVICE_AGENT_CREATION.identityResource) ?? []).filter((r) => r.mode === "managed" && r.values.service === api && ctx.iam.catalog.projectOf(r).key === project);
  return [...serviceResources(ctx.iam, project, api), ...identities].filter((r) => r.mode === "managed" && r.change !== "delete");
}

function checkGrant(grant: AgentGrant, ctx: RuleContext, created: ReadonlySet<string>, reach: DependencyReach): Verdict | undefined {
  const address = grant.resource.address;
  const who = `${googleIdentity(grant.kind).displayName} ${grant.member}`;
  const details: Record<string, unknown> = { member: grant.member, api: grant.api };
  const project = grant.agentProject.key;
  if (project === undefined) return { status: "unknown", address, message: `${address} grants to ${who}, whose project is not known before apply`, reason: grant.agentProject.reason, decideWith: "build the member from a google_project of this configuration, or write the project number", details };
  details.agentProject = project;
  const enablers = enablersOf(project, grant.api, ctx);
  const waited = enablers.find((r) => reach.targetsReachedFrom(grant.resource).has(r.address));
  if (waited) return { status: "pass", address, message: `${address} waits for ${waited.address}, which creates ${who}`, details };
  const kept = enablers.find((r) => !isCreated(r));
  if (kept) return { status: "pass", address, message: `${kept.address} already enables ${grant.api} in ${project}, so ${who} exists`, details };
  const fix = enablers.length
    ? dependsOnRemediation({ summary: `Make ${address} wait for ${enablers[0].address}.`, resource: grant.resource, waitFor: [enablers[0]] })
    : enableApiRemediation({ summary: `Enable ${grant.api} in ${project} and make ${address} wait for it (or create the agent with google_project_service_identity).`, project, api: grant.api, resourceName: `${grant.api.split(".")[0]}_api` });
  if (created.has(project)) {
    return {
      status: "fail",
      address,
      message: `${address} grants to ${who}, which does not exist until ${grant.api} is enabled in ${project}, a project this apply creates; ${enablers.length ? `the grant does not wait for ${enablers[0].address}` : "nothing in this configuration enables it"}`,
      remediation: fix,
      details,
    };
  }
  const live = ctx.live.enabledServices(project);
  if (live && "value" in live) {
    if (live.value.includes(grant.api)) return { status: "pass", address, message: `${grant.api} is enabled in ${project} (read live), so ${who} exists`, details };
    return { status: "fail", address, message: `${address} grants to ${who}, but ${grant.api} is not enabled in ${project} (read live) and the grant does not wait for anything that enables it`, remediation: fix, details };
  }
  // An existing project that enables nothing here: whether the API is on is GKE003's question.
  if (!enablers.length) return undefined;
  return {
    status: "unknown",
    address,
    message: `${address} grants to ${who} without waiting for ${enablers[0].address}; it fails if ${grant.api} is not yet enabled in ${project}`,
    reason: `${project} exists, and whether ${grant.api} is already on there is not in the input`,
    decideWith: "--live reads the project's enabled services",
    remediation: fix,
    details,
  };
}
