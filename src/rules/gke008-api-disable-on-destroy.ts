import { sh } from "../text/shell";
import { commentText } from "../text/code-text";
import type { Rule, RuleContext, Verdict } from "./types";
import type { Resource } from "../model/types";
import { isUnknown } from "../model/unknown";
import { booleanAttribute } from "../model/access";
import { PROJECT_SERVICE, disablesOnDestroy } from "../facts/gke/project-services";
import { undecidedVersionReason, type MajorRange } from "../facts/gke/provider-version";
import { textRemediation, constructVariable } from "./remediation";

const CONTAINER_API = "container.googleapis.com";
const COMPUTE_API = "compute.googleapis.com";
const GKE_APIS = [CONTAINER_API, COMPUTE_API];

/**
 * GKE008: a google_project_service for container/compute that disables the API when the resource
 * is destroyed, or renamed (for_each key or construct id change), turns GKE off for the whole
 * project. Before google provider 7.0 (and so in the prebuilt CDKTF bindings, which pin 6.x) an
 * unset disable_on_destroy means true.
 */
export const gke008ApiDisableOnDestroy: Rule = {
  meta: {
    id: "GKE008",
    slug: "api-disable-on-destroy",
    title: "Removing a google_project_service does not disable GKE's APIs",
    severity: "warning",
    rationale:
      "With disable_on_destroy true, destroying the google_project_service resource, or only renaming it, disables the API for the " +
      "whole project: every cluster then fails with 403 \"API has not been used … or it is disabled\" and the service agents lose their " +
      "access (\"account has no edit permission\"). Before provider 7.0 the argument defaults to true. Destroying the compute resource " +
      "while container stays enabled fails with \"compute.googleapis.com is depended on by … container.googleapis.com\".",
    googleDocUrl: "https://cloud.google.com/kubernetes-engine/docs/troubleshooting/4xx-errors",
    resourceTypes: [PROJECT_SERVICE],
  },
  check(ctx: RuleContext): Verdict[] {
    const major = ctx.gke.googleProviderMajors;
    const services = (ctx.model.byType.get(PROJECT_SERVICE) ?? []).filter((r) => r.mode === "managed" && GKE_APIS.includes(String(r.values.service ?? r.before?.service)));
    // Projects where container stays enabled after the apply (a kept resource, or a cluster).
    const containerStays = new Set<string>();
    for (const r of services) {
      const project = ctx.iam.catalog.projectOf(r).key;
      if (project && r.values.service === CONTAINER_API && r.change !== "delete") containerStays.add(project);
    }
    for (const c of ctx.gke.clusters) if (c.project.key) containerStays.add(c.project.key);
    return services.map((r) => checkService(r, ctx, major, containerStays));
  },
};

function checkService(r: Resource, ctx: RuleContext, major: MajorRange | undefined, containerStays: Set<string>): Verdict {
  const values = r.change === "delete" ? r.before ?? r.values : r.values;
  const api = String(values.service);
  const project = ctx.iam.catalog.projectOf(r).key;
  const where = project ?? "its project";
  const disables = disablesOnDestroy(r, major);
  const explicit = booleanAttribute(values, "disable_on_destroy");
  const source = explicit === true ? "disable_on_destroy = true" : `disable_on_destroy is unset, which means true with google provider ${ctx.model.googleProviderVersion ?? "< 7.0"}`;
  const fix = () => remediation(r, api, where); // built only for the verdicts that carry it (most pass)
  const details = { api, project: where, disableOnDestroy: disables, providerVersion: ctx.model.googleProviderVersion ?? null };

  if (r.change === "delete") {
    if (api === COMPUTE_API && project && containerStays.has(project)) {
      const dependents = booleanAttribute(values, "disable_dependent_services") === true;
      if (disables === false) return { status: "pass", address: r.address, message: `Destroying ${r.address} leaves ${api} enabled on ${where} (disable_on_destroy = false)`, details };
      return {
        status: disables === "unknown" ? "unknown" : "fail",
        address: r.address,
        message: dependents
          ? `The plan destroys ${r.address} with disable_dependent_services = true: disabling ${api} also disables ${CONTAINER_API} on ${where}, which clusters still use`
          : `The plan destroys ${r.address} while ${CONTAINER_API} stays enabled on ${where}: the apply fails with "${api} is depended on by … ${CONTAINER_API}"`,
        ...(disables === "unknown" ? { reason: versionReason(values, ctx, major), decideWith: "pin the google provider version, or set disable_on_destroy explicitly" } : {}),
        remediation: fix(),
        details,
      };
    }
    if (disables === true) return { status: "fail", address: r.address, message: `The plan destroys ${r.address} (${source}): ${api} is disabled for the whole of ${where}`, remediation: fix(), details };
  }
  if (disables === false) return { status: "pass", address: r.address, message: `${r.address} leaves ${api} enabled on ${where} if it is ever destroyed (disable_on_destroy = false${explicit === false ? "" : `, the default of provider ${ctx.model.googleProviderVersion}`})`, details };
  if (project && ctx.iam.catalog.isCreatedHere(project)) {
    return { status: "pass", address: r.address, message: `${r.address} may disable ${api} when destroyed, but ${where} is created by this configuration, which owns the project's whole lifecycle`, details };
  }
  if (disables === "unknown") {
    return {
      status: "unknown",
      address: r.address,
      message: isUnknown(explicit)
        ? `${r.address} sets disable_on_destroy to a value known only after apply: if it is true, destroying or renaming it disables ${api} on ${where}`
        : `${r.address} does not set disable_on_destroy and the google provider version does not decide its default: with provider < 7.0 (which the prebuilt CDKTF bindings pin), destroying or renaming it disables ${api} on ${where}`,
      reason: versionReason(values, ctx, major),
      decideWith: "set disable_on_destroy = false explicitly, or pin the provider version",
      remediation: fix(),
      details,
    };
  }
  return { status: "fail", address: r.address, message: `${r.address}: ${source}; destroying or renaming it disables ${api} for the whole of ${where}, and every cluster there with it`, remediation: fix(), details };
}

function remediation(r: Resource, api: string, project: string): ReturnType<typeof textRemediation> {
  return textRemediation(
    `Set disable_on_destroy = false on ${r.address} (and keep the resource in state when renaming: terraform state mv / moved block).`,
    [`# if it was already disabled:`, sh`gcloud services enable ${api} --project=${project}`],
    `// on ${commentText(r.constructPath ?? r.address)}:\n${constructVariable(r)}.disableOnDestroy = false;`,
    `# in ${commentText(r.address)}:\ndisable_on_destroy = false`,
  );
}

function versionReason(values: Resource["values"], ctx: RuleContext, major: MajorRange | undefined): string {
  if (isUnknown(booleanAttribute(values, "disable_on_destroy"))) return "disable_on_destroy is only known after apply";
  return undecidedVersionReason(ctx.model.googleProviderVersion, major);
}
