import type { DoctorFacts } from "../facts";
import { firstLine } from "../programs";
import type { DoctorStep } from "../types";
import { PLUGIN, verdict, type StepMeta } from "./common";
import { contextFor, kubectlHasGcpProvider } from "./kubeconfig";

export const meta: StepMeta = { id: "plugin", title: "gke-gcloud-auth-plugin is installed and runs", pageRow: "401" };

const INSTALL = { summary: `Install the plugin (gcloud's component, or the google-cloud-cli-gke-gcloud-auth-plugin package) so that kubectl can get tokens`, commands: [`gcloud components install ${PLUGIN}`] };

/** gcloud itself tests the plugin with `--version` before writing a kubeconfig that needs it. */
export function checkPlugin(facts: DoctorFacts): DoctorStep {
  const { path, run } = facts.plugin;
  if (!path && !facts.plugin.token && usesLegacyProvider(facts)) {
    return verdict(meta, "pass", `${PLUGIN} is not on PATH, and this setup does without it: the kubeconfig uses the gcp provider of this kubectl (1.24 or older)`);
  }
  if (!path) return verdict(meta, "fail", `${PLUGIN} is not on PATH: kubectl cannot get a token for the cluster`, { remediation: INSTALL });
  if (!run) return verdict(meta, "unknown", `${PLUGIN} found at ${path}, not run`, { reason: "it was not run" });
  if (!run.ok) return verdict(meta, "fail", `${PLUGIN} at ${path} does not run: ${run.problem ?? "it failed"}`, { remediation: INSTALL, details: { path } });
  const version = firstLine(run.stdout) || "(it printed no version)";
  const token = facts.plugin.token;
  if (token && !token.ok) {
    return verdict(meta, "fail", `${path} (${version}) runs but gives kubectl no token: ${token.problem}`, {
      remediation: { summary: "Log gcloud in (the plugin takes gcloud's active account), then try again", commands: ["gcloud auth login", "gcloud auth list"] },
      details: { path, version },
    });
  }
  return verdict(meta, "pass", `${path}: ${version}${token?.ok ? ", and it gives kubectl a token" : ""}`, { details: { path, version, ...(token?.ok && token.expiry && { tokenExpiry: token.expiry }) } });
}

/** The page's way around the plugin: the legacy `gcp` provider, with a kubectl that still has it. */
function usesLegacyProvider(facts: DoctorFacts): boolean {
  const context = contextFor(facts.kubeconfig, facts.target);
  const user = context?.user ? facts.kubeconfig.users.get(context.user) : undefined;
  return user?.authProvider === "gcp" && kubectlHasGcpProvider(facts) === true;
}
