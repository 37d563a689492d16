import { loadCredentials } from "../live/credentials";
import { apiEndpointFrom, serviceEndpoint } from "../live/endpoint";
import { redact } from "../live/redact";
import { describeCredentialSource } from "./credential-source";
import { CLUSTER_GET, type DoctorFacts } from "./facts";
import { readGcloudConfig } from "./gcloud-config";
import { DoctorGoogle, type ClusterInfo } from "./google-reads";
import { kubeGet } from "./kube-api";
import { kubeconfigPaths, loadKubeconfig } from "./kubeconfig";
import { findOnPath, runProgram } from "./programs";
import { diagnose } from "./steps";
import { contextFor } from "./steps/kubeconfig";
import { caPemOf } from "./steps/recreation";
import { PLUGIN } from "./steps/common";
import { tokenFromPlugin } from "./plugin-token";
import { resolveTarget, type TargetFlags } from "./target";
import { isReadError, type DoctorCall, type DoctorReport, type StepStatus } from "./types";

export interface DoctorOptions extends TargetFlags {
  kubeconfig?: string;
  /** Else PREFLIGHT_API_ENDPOINT; see src/live/endpoint.ts. */
  apiEndpoint?: string;
  env: NodeJS.ProcessEnv;
  now?: Date;
  /** Per call (Google and Kubernetes), per attempt. */
  timeoutMs?: number;
  retries?: number;
  backoffMs?: number;
  /** Check with the token gke-gcloud-auth-plugin gives kubectl, not the doctor's own (see plugin-token.ts). */
  asKubectl?: boolean;
}

/** Gathers the facts (reads only) and judges every step. Throws DoctorUsageError / EndpointError on unusable input. */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const { env } = options;
  const apiEndpoint = apiEndpointFrom(options.apiEndpoint, env);
  serviceEndpoint(apiEndpoint, "container"); // a malformed endpoint is a usage error, before anything is read
  const kubeconfig = loadKubeconfig(kubeconfigPaths(options.kubeconfig, env));
  const gcloud = readGcloudConfig(env);
  const target = resolveTarget(options, kubeconfig, gcloud);
  const facts: DoctorFacts = {
    target,
    gcloud,
    credentials: describeCredentialSource(env),
    kubeconfig,
    plugin: {},
    kubectl: {},
    ...(env.USE_GKE_GCLOUD_AUTH_PLUGIN !== undefined && { useGkeGcloudAuthPlugin: env.USE_GKE_GCLOUD_AUTH_PLUGIN }),
    now: options.now ?? new Date(),
  };
  const calls: DoctorCall[] = [];
  const secrets: string[] = [];
  if (options.asKubectl) {
    // kubectl's token comes from the plugin: the programs first, then the reads with that token.
    await readPrograms(facts, env);
    const token = await pluginToken(facts, env);
    if (token !== undefined) secrets.push(token);
    await readGoogle(facts, options, apiEndpoint, calls, secrets, token);
  } else {
    await Promise.all([readGoogle(facts, options, apiEndpoint, calls, secrets), readPrograms(facts, env)]);
  }
  const steps = diagnose(facts);
  const summary: Record<StepStatus, number> = { pass: 0, fail: 0, unknown: 0 };
  for (const step of steps) summary[step.status]++;
  // Belt and braces: no text of the report may carry the token, whatever a server echoed.
  return JSON.parse(redact(JSON.stringify({ schemaVersion: 1, target, steps, summary, calls }), secrets)) as DoctorReport;
}

/** The token the plugin gives kubectl, or undefined with the reason in the facts. */
async function pluginToken(facts: DoctorFacts, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const { user, cluster } = entriesFor(facts);
  const answer = facts.plugin.path ? await tokenFromPlugin(facts.plugin.path, user, cluster, env) : { problem: "it is not on PATH" };
  if ("token" in answer) {
    facts.plugin.token = { ok: true, ...(answer.expiry && { expiry: answer.expiry }) };
    facts.credentials = { source: PLUGIN, detail: "kubectl's token, gcloud's active account" };
    return answer.token;
  }
  facts.plugin.token = { ok: false, problem: answer.problem };
  facts.credentials = { error: `--as-kubectl: ${PLUGIN} gave no token (${answer.problem})` };
  return undefined;
}

function entriesFor(facts: DoctorFacts) {
  const context = contextFor(facts.kubeconfig, facts.target);
  return {
    user: context?.user ? facts.kubeconfig.users.get(context.user) : undefined,
    cluster: context?.cluster ? facts.kubeconfig.clusters.get(context.cluster) : undefined,
  };
}

async function readGoogle(facts: DoctorFacts, options: DoctorOptions, apiEndpoint: string | undefined, calls: DoctorCall[], secrets: string[], kubectlToken?: string): Promise<void> {
  const { project, location, cluster: name } = facts.target;
  if (isReadError(facts.credentials)) return;
  let google: DoctorGoogle;
  let token: string;
  try {
    const credentials = await loadCredentials(kubectlToken, options.env);
    const answer = await credentials.client.getAccessToken();
    if (!answer.token) throw new Error("the credentials gave no access token");
    token = answer.token;
    secrets.push(token);
    google = new DoctorGoogle(credentials.client, token, apiEndpoint, {
      ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
      ...(options.retries !== undefined && { retries: options.retries }),
      ...(options.backoffMs !== undefined && { backoffMs: options.backoffMs, maxBackoffMs: Math.max(options.backoffMs * 16, 1) }),
    });
  } catch (error) {
    const message = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
    facts.credentials = { error: redact(message.replace(/^--live: /, ""), secrets) };
    return;
  }
  try {
    const [tokenInfo, held, cluster] = await Promise.all([google.tokenInfo(), google.heldPermissions(project, [CLUSTER_GET]), google.cluster(project, location, name)]);
    facts.tokenInfo = tokenInfo;
    facts.heldPermissions = held;
    facts.cluster = cluster;
    if (isReadError(cluster)) {
      if (cluster.status === 404) facts.clustersEverywhere = await google.clustersEverywhere(project);
      return;
    }
    const [operations, apiServer] = await Promise.all([google.operations(project, cluster.location || location), callApiServer(cluster, token, options, calls)]);
    facts.operations = operations;
    facts.apiServer = apiServer;
  } finally {
    calls.unshift(...google.calls.map(({ methodId, httpMethod, path, status }) => ({ methodId, httpMethod, path, ...(status !== undefined && { status }) })));
  }
}

async function callApiServer(cluster: ClusterInfo, token: string, options: DoctorOptions, calls: DoctorCall[]): Promise<DoctorFacts["apiServer"]> {
  const endpoint = cluster.endpoint;
  const caPem = caPemOf(cluster.clusterCaCertificate);
  if (!endpoint) return { error: "clusters.get gave no endpoint for the cluster" };
  if (!caPem) return { error: "clusters.get gave no CA certificate for the cluster (masterAuth.clusterCaCertificate)" };
  const timeout = options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {};
  // /version needs no token: it tells an unreachable server from one that refuses the identity.
  const version = await kubeGet(endpoint, "/version", { caPem, calls, ...timeout });
  const namespaces = await kubeGet(endpoint, "/api/v1/namespaces?limit=1", { caPem, token, calls, ...timeout });
  return { endpoint, version, namespaces };
}

async function readPrograms(facts: DoctorFacts, env: NodeJS.ProcessEnv): Promise<void> {
  const { user } = entriesFor(facts);
  const command = typeof user?.exec?.command === "string" && user.exec.command.endsWith(PLUGIN) ? user.exec.command : PLUGIN;
  const pluginPath = findOnPath(command, env);
  const kubectlPath = findOnPath("kubectl", env);
  const [plugin, kubectl] = await Promise.all([
    pluginPath ? runProgram(pluginPath, ["--version"], env) : undefined,
    kubectlPath ? runProgram(kubectlPath, ["version", "--client", "-o", "json"], env) : undefined,
  ]);
  facts.plugin = { ...(pluginPath && { path: pluginPath }), ...(plugin && { run: plugin }) };
  facts.kubectl = { ...(kubectlPath && { path: kubectlPath }), ...(kubectl && { run: kubectl }) };
}
