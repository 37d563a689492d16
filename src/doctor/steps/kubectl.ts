import { sh } from "../../text/shell";
import type { DoctorFacts } from "../facts";
import type { DoctorStep } from "../types";
import { getCredentials, verdict, type StepMeta } from "./common";
import { kubectlVersion } from "./kubeconfig";

export const meta: StepMeta = { id: "kubectl", title: "USE_GKE_GCLOUD_AUTH_PLUGIN suits the kubectl in use", pageRow: "401" };

/**
 * USE_GKE_GCLOUD_AUTH_PLUGIN=False makes get-credentials write the legacy `gcp` auth provider,
 * which only kubectl 1.24 and older have: the page's way of going without the plugin.
 */
export function checkKubectl(facts: DoctorFacts): DoctorStep {
  const setting = facts.useGkeGcloudAuthPlugin;
  const legacyAsked = setting !== undefined && setting.trim().toLowerCase() === "false";
  const said = setting === undefined ? "USE_GKE_GCLOUD_AUTH_PLUGIN is not set" : `USE_GKE_GCLOUD_AUTH_PLUGIN=${setting}`;
  const { path, run } = facts.kubectl;
  if (!path) return verdict(meta, "unknown", `${said}; kubectl is not on PATH`, { reason: "no kubectl to check against" });
  const version = run?.ok ? kubectlVersion(run.stdout) : undefined;
  if (!version) return verdict(meta, "unknown", `${said}; the version of ${path} could not be read`, { reason: run?.problem ?? "kubectl version --client printed no version" });
  const details = { kubectl: path, version: version.text, ...(setting !== undefined && { USE_GKE_GCLOUD_AUTH_PLUGIN: setting }) };
  const old = version.major === 1 && version.minor <= 24;
  if (legacyAsked && !old) {
    return verdict(meta, "fail", `${said}, but kubectl ${version.text} has no gcp auth provider (gone since 1.25): entries written this way fail`, {
      remediation: { summary: "Unset the variable and write the entry again, so that kubectl uses gke-gcloud-auth-plugin", commands: [sh`unset USE_GKE_GCLOUD_AUTH_PLUGIN`, getCredentials(facts)] },
      details,
    });
  }
  if (legacyAsked) return verdict(meta, "pass", `${said} with kubectl ${version.text}: the legacy provider, the page's way around the plugin`, { details });
  return verdict(meta, "pass", `${said}; kubectl ${version.text}${old ? "" : " needs gke-gcloud-auth-plugin (see the plugin step)"}`, { details });
}
