import { gkeContextName, parseGkeContextName, type KubeContext, type Kubeconfig } from "../kubeconfig";
import type { DoctorFacts } from "../facts";
import { parseMinorVersion } from "../programs";
import { isReadError, type ClusterTarget, type DoctorStep } from "../types";
import { baseName, getCredentials, PLUGIN, verdict, type StepMeta } from "./common";

export const meta: StepMeta = { id: "kubeconfig", title: "The kubeconfig entry uses gke-gcloud-auth-plugin", pageRow: "401" };

const EXEC_API = "client.authentication.k8s.io/v1beta1";

/** The context kubectl would use for the cluster: get-credentials' name, else the current context if it is this cluster. */
export function contextFor(kubeconfig: Kubeconfig, target: ClusterTarget): KubeContext | undefined {
  const byName = kubeconfig.contexts.get(target.context ?? gkeContextName(target)) ?? kubeconfig.contexts.get(gkeContextName(target));
  if (byName) return byName;
  const current = kubeconfig.currentContext ? kubeconfig.contexts.get(kubeconfig.currentContext) : undefined;
  const named = current ? parseGkeContextName(current.name) : undefined;
  return named && named.project === target.project && named.location === target.location && named.cluster === target.cluster ? current : undefined;
}

/** kubectl 1.24 and older still carry the removed `gcp` auth provider. */
export function kubectlHasGcpProvider(facts: DoctorFacts): boolean | undefined {
  const run = facts.kubectl.run;
  if (!run?.ok) return undefined;
  const version = kubectlVersion(run.stdout);
  return version ? version.major === 1 && version.minor <= 24 : undefined;
}

export function kubectlVersion(stdout: string): { major: number; minor: number; text: string } | undefined {
  try {
    const client = (JSON.parse(stdout) as { clientVersion?: { major?: unknown; minor?: unknown; gitVersion?: unknown } }).clientVersion;
    const major = Number.parseInt(String(client?.major ?? ""), 10);
    const minor = Number.parseInt(String(client?.minor ?? ""), 10);
    if (Number.isInteger(major) && Number.isInteger(minor)) return { major, minor, text: typeof client?.gitVersion === "string" ? client.gitVersion : `${major}.${minor}` };
  } catch {
    // older kubectl: plain text
  }
  const parsed = parseMinorVersion(stdout);
  return parsed ? { ...parsed, text: `${parsed.major}.${parsed.minor}` } : undefined;
}

export function checkKubeconfig(facts: DoctorFacts): DoctorStep {
  const { kubeconfig } = facts;
  const fix = { summary: "Write the cluster's entry again with gcloud, which sets up the auth plugin", commands: [getCredentials(facts)] };
  if (kubeconfig.files.length === 0) {
    return verdict(meta, "fail", `no kubeconfig could be read${kubeconfig.problems.length > 0 ? ` (${kubeconfig.problems.join("; ")})` : ""}`, { remediation: fix });
  }
  const context = contextFor(kubeconfig, facts.target);
  if (!context) {
    return verdict(meta, "fail", `no context for ${facts.target.cluster} in ${kubeconfig.files.join(", ")} (looked for ${gkeContextName(facts.target)})`, { remediation: fix });
  }
  const failures: string[] = [];
  const doubts: string[] = [];
  const user = context.user ? kubeconfig.users.get(context.user) : undefined;
  if (!user) failures.push(`context ${context.name} names user ${context.user ?? "(none)"}, which the kubeconfig does not define`);
  else if (user.authProvider !== undefined) {
    const legacyWorks = user.authProvider === "gcp" && kubectlHasGcpProvider(facts) === true;
    if (user.authProvider === "gcp" && !legacyWorks) failures.push(`user ${user.name} uses the legacy auth-provider "gcp", which kubectl 1.25 and later no longer have`);
    else if (user.authProvider !== "gcp") doubts.push(`user ${user.name} uses auth-provider "${user.authProvider}", not ${PLUGIN}`);
  } else if (user.exec) {
    const command = typeof user.exec.command === "string" ? user.exec.command : "";
    if (baseName(command).replace(/\.exe$/i, "") !== PLUGIN) doubts.push(`user ${user.name} runs "${command || "(no command)"}", not ${PLUGIN}`);
    if (user.exec.apiVersion === "client.authentication.k8s.io/v1alpha1") failures.push(`user ${user.name} asks for exec apiVersion v1alpha1, which kubectl 1.24 and later refuse`);
    else if (user.exec.apiVersion !== EXEC_API) doubts.push(`user ${user.name} asks for exec apiVersion ${String(user.exec.apiVersion ?? "(none)")}, not ${EXEC_API} as get-credentials writes`);
    if (user.exec.provideClusterInfo !== true) doubts.push(`user ${user.name} does not set provideClusterInfo: true, as get-credentials does`);
  } else if (user.otherAuth.length > 0) {
    doubts.push(`user ${user.name} authenticates with ${user.otherAuth.join(", ")}, not ${PLUGIN} (a copied token expires within the hour)`);
  } else failures.push(`user ${user.name} has no way to authenticate: kubectl sends no credentials and the API server answers 401`);

  const cluster = context.cluster ? kubeconfig.clusters.get(context.cluster) : undefined;
  if (!cluster) failures.push(`context ${context.name} names cluster ${context.cluster ?? "(none)"}, which the kubeconfig does not define`);
  const live = facts.cluster && !isReadError(facts.cluster) ? facts.cluster : undefined;
  if (cluster && live) {
    const endpoints = [live.endpoint, live.privateEndpoint].filter((value): value is string => Boolean(value));
    const host = hostOf(cluster.server);
    if (host && endpoints.length > 0 && !host.endsWith(".gke.goog") && !endpoints.includes(host)) {
      failures.push(`the kubeconfig sends kubectl to ${host}, but the cluster's endpoint is ${endpoints.join(" or ")} (it changed, e.g. by an IP rotation)`);
    }
    if (cluster.certificateAuthorityData && live.clusterCaCertificate && squash(cluster.certificateAuthorityData) !== squash(live.clusterCaCertificate)) {
      failures.push(`the kubeconfig holds another CA than the cluster's (a credential rotation replaced it)`);
    }
  }
  const details = { context: context.name, files: kubeconfig.files, ...(kubeconfig.problems.length > 0 && { problems: kubeconfig.problems }) };
  if (failures.length > 0) return verdict(meta, "fail", failures.join("; "), { remediation: fix, details: { ...details, doubts } });
  if (doubts.length > 0) {
    return verdict(meta, "unknown", `context ${context.name} is not set up as get-credentials writes it`, { reason: doubts.join("; "), remediation: fix, details });
  }
  const how = user?.authProvider === "gcp" ? `the legacy gcp provider, which this kubectl (1.24 or older) still has` : `${PLUGIN} (${EXEC_API}, provideClusterInfo)`;
  return verdict(meta, "pass", `context ${context.name} uses ${how}`, { details });
}

function hostOf(server: string | undefined): string | undefined {
  if (!server) return undefined;
  try {
    const url = new URL(server);
    return url.port && url.port !== "443" ? url.host : url.hostname;
  } catch {
    return undefined;
  }
}

function squash(base64: string): string {
  return base64.replace(/\s+/g, "");
}
