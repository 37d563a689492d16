import type { KubeCluster, KubeUser } from "./kubeconfig";
import { runProgram } from "./programs";

/**
 * `--as-kubectl`: run gke-gcloud-auth-plugin the way kubectl does (ExecCredential request in
 * KUBERNETES_EXEC_INFO, the kubeconfig's arguments) and take the token it prints, so the checks
 * speak for kubectl's identity (gcloud's active account), as the page's `gcloud auth
 * print-access-token` does. Opt-in: the plugin may refresh gcloud's cached token on disk.
 */
export type PluginToken = { token: string; expiry?: string } | { problem: string };

export async function tokenFromPlugin(pluginPath: string, user: KubeUser | undefined, cluster: KubeCluster | undefined, env: NodeJS.ProcessEnv): Promise<PluginToken> {
  const args = Array.isArray(user?.exec?.args) && user.exec.args.every((arg): arg is string => typeof arg === "string") ? user.exec.args : [];
  const info = {
    apiVersion: "client.authentication.k8s.io/v1beta1",
    kind: "ExecCredential",
    spec: {
      interactive: false,
      ...(user?.exec?.provideClusterInfo === true && cluster?.server && { cluster: { server: cluster.server, ...(cluster.certificateAuthorityData && { "certificate-authority-data": cluster.certificateAuthorityData }) } }),
    },
  };
  const run = await runProgram(pluginPath, args, { ...env, KUBERNETES_EXEC_INFO: JSON.stringify(info) });
  if (!run.ok) return { problem: `it ${run.problem ?? "failed"}` };
  return parseExecCredential(run.stdout);
}

/** The token of an ExecCredential answer; the text itself is never kept (it holds the token). */
export function parseExecCredential(stdout: string): PluginToken {
  let answer: unknown;
  try {
    answer = JSON.parse(stdout);
  } catch {
    return { problem: "it printed no ExecCredential JSON" };
  }
  const status = (answer as { kind?: unknown; status?: { token?: unknown; expirationTimestamp?: unknown } })?.status;
  if ((answer as { kind?: unknown })?.kind !== "ExecCredential" || typeof status?.token !== "string" || status.token === "") {
    return { problem: "its ExecCredential holds no token" };
  }
  return { token: status.token, ...(typeof status.expirationTimestamp === "string" && { expiry: status.expirationTimestamp }) };
}
