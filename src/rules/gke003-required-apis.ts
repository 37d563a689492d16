import type { Finding, Rule, RuleContext, Verdict } from "./types";
import { terraformName, type FixAction, type FixTarget } from "./fix-actions";
import type { ClusterFacts } from "../facts/gke/node-identities";
import type { Resource } from "../model/types";
import { CLUSTER } from "../facts/gke/node-identities";
import { GKE_REQUIRED_APIS } from "../knowledge/apis";
import { disablesOnDestroy, serviceResources, PROJECT_SERVICE } from "../facts/gke/project-services";
import { enableApiRemediation } from "./remediation";
import { undecidedVersionReason } from "../facts/gke/provider-version";
import { isUnknown } from "../model/unknown";
import { booleanAttribute } from "../model/access";
import { upstreamService } from "../facts/upstream-stacks";
import { inStack } from "../facts/iam/upstream-grants";

/** GKE003: container.googleapis.com and compute.googleapis.com are enabled on each cluster's project. */
export const gke003RequiredApis: Rule = {
  meta: {
    id: "GKE003",
    slug: "required-apis",
    title: "The Kubernetes Engine and Compute Engine APIs are enabled",
    severity: "error",
    rationale:
      "Creating a cluster calls the Kubernetes Engine API, which itself depends on the Compute Engine API. When either is not " +
      "enabled on the project, apply stops with 403 \"API has not been used in project … or it is disabled\"; disabling one " +
      "also removes the service agents' access (\"account has no edit permission\").",
    googleDocUrl: "https://cloud.google.com/kubernetes-engine/docs/troubleshooting/4xx-errors",
    resourceTypes: [CLUSTER, PROJECT_SERVICE],
  },
  check(ctx: RuleContext): Verdict[] {
    return ctx.gke.clusters.flatMap((cluster) => GKE_REQUIRED_APIS.map((api) => checkApi(cluster, api, ctx)));
  },
  // Enabling an API that is already on is harmless (and keeps it on), so `unknown` is fixed too.
  aspectFix: { statuses: ["fail", "unknown"], targetTypes: [CLUSTER], actions: enableApis },
};

/** The aspect's fix: enable the API the finding names (else every required one) and keep it enabled on destroy. */
function enableApis(finding: Finding, target: FixTarget): FixAction[] {
  const named = typeof finding.details?.api === "string" ? [finding.details.api] : [];
  return (named.length > 0 ? named : GKE_REQUIRED_APIS)
    .filter((service) => service.endsWith(".googleapis.com"))
    .map((service) => ({
      kind: "add-resource",
      type: PROJECT_SERVICE,
      name: `${terraformName(service.split(".")[0])}_api`,
      values: { project: target.project, service, disable_on_destroy: false },
      identifiedBy: ["project", "service"],
      description: `enabled ${service} on project ${target.project} (disable_on_destroy = false)`,
    }));
}

function checkApi(cluster: ClusterFacts, api: string, ctx: RuleContext): Verdict {
  const address = cluster.resource.address;
  const project = cluster.project;
  if (project.key === undefined) {
    return { status: "unknown", address, message: `The project of ${address} is not known, so ${api} cannot be checked`, reason: project.reason };
  }
  const question: ApiQuestion = { address, project: project.key, api, details: { project: project.key, api } };
  const resources = serviceResources(ctx.iam, project.key, api);
  const kept = resources.find((r) => r.change !== "delete");
  if (kept) return { status: "pass", address, message: `${api} is enabled on ${project.key} by ${kept.address}`, details: question.details };
  const destroyedResources = resources.filter((r) => r.change === "delete");
  return destroyedEnablementVerdict(ctx, question, destroyedResources) ?? enablementElsewhereVerdict(ctx, question, destroyedResources);
}

/** Whether `api` is enabled on `project` for the cluster at `address`. */
interface ApiQuestion {
  address: string;
  project: string;
  api: string;
  details: { project: string; api: string };
}

// Built only for the verdicts that carry it (most clusters pass).
function enableRemediation({ project, api }: ApiQuestion): ReturnType<typeof enableApiRemediation> {
  return enableApiRemediation({
    summary: `Enable ${api} on ${project} in this configuration and make the cluster depend on it.`,
    project,
    api,
    resourceName: `${api.split(".")[0]}_api`,
  });
}

/** The plan destroys a google_project_service of the API, which disables it (or may). */
function destroyedEnablementVerdict(ctx: RuleContext, question: ApiQuestion, destroyedResources: readonly Resource[]): Verdict | undefined {
  const { address, project, api, details } = question;
  const majors = ctx.gke.googleProviderMajors;
  const destroyed = destroyedResources.find((r) => disablesOnDestroy(r, majors) === true);
  if (destroyed) {
    return {
      status: "fail",
      address: destroyed.address,
      message: `The plan destroys ${destroyed.address}, which disables ${api} on ${project} while ${address} needs it`,
      remediation: { ...enableRemediation(question), summary: `Keep ${destroyed.address} (or set disable_on_destroy = false before removing it).` },
      details,
    };
  }
  // Before the live read: what the project has now is not what this apply leaves.
  const undecided = destroyedResources.find((r) => disablesOnDestroy(r, majors) === "unknown");
  if (!undecided) return undefined;
  return {
    status: "unknown",
    address: undecided.address,
    message: `The plan destroys ${undecided.address}, which disables ${api} on ${project} while ${address} needs it, unless its disable_on_destroy is false`,
    reason: isUnknown(booleanAttribute(undecided.before ?? undecided.values, "disable_on_destroy"))
      ? "disable_on_destroy is only known after apply"
      : undecidedVersionReason(ctx.model.googleProviderVersion, majors),
    decideWith: "set disable_on_destroy = false before removing it, or pin the google provider version",
    remediation: { ...enableRemediation(question), summary: `Keep ${undecided.address} (or set disable_on_destroy = false before removing it).` },
    details,
  };
}

/** Nothing in this stack enables the API: an earlier stack, the live read, a destroy that leaves it on, or a project created here. */
function enablementElsewhereVerdict(ctx: RuleContext, question: ApiQuestion, destroyedResources: readonly Resource[]): Verdict {
  const { address, project, api, details } = question;
  // Enabled by a stack deployed before this one: on when this stack applies, whatever is read live now.
  const upstream = upstreamService(ctx.iam.upstream, ctx.iam.catalog, project, api);
  if (upstream) return { status: "pass", address, message: `${api} is enabled on ${project} by ${inStack(upstream.resource.address, upstream.stack)}`, details: { ...details, enabledBy: `${upstream.stack}:${upstream.resource.address}` } };
  const live = ctx.live.enabledServices(project);
  if (live && "value" in live) {
    if (live.value.includes(api)) return { status: "pass", address, message: `${api} is enabled on ${project} (read live)`, details };
    return { status: "fail", address, message: `${api} is not enabled on ${project} (read live), and this configuration does not enable it`, remediation: enableRemediation(question), details };
  }
  // A planned delete means the refresh found the service enabled (the provider's read drops a
  // google_project_service whose service is off from state, so it would not be destroyed), and
  // destroying it with disable_on_destroy = false leaves the service enabled
  // (https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/google_project_service).
  const leftEnabled = destroyedResources.find((r) => disablesOnDestroy(r, ctx.gke.googleProviderMajors) === false);
  if (leftEnabled) {
    return { status: "pass", address, message: `${api} stays enabled on ${project}: the plan destroys ${leftEnabled.address}, whose disable_on_destroy is false`, details };
  }
  if (ctx.iam.catalog.isCreatedHere(project)) {
    return { status: "fail", address, message: `${project} is created by this configuration, which does not enable ${api} on it`, remediation: enableRemediation(question), details };
  }
  const liveReason = live?.unreadable;
  return {
    status: "unknown",
    address,
    message: `Nothing in this input enables ${api} on ${project}; it may have been enabled outside Terraform`,
    reason: liveReason ? `the enabled services could not be read: ${liveReason}` : "the enabled services of an existing project are not in the plan",
    decideWith: "--live, or add a google_project_service for it",
    remediation: enableRemediation(question),
    details,
  };
}
