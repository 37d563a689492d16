import { readFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { parse } from "yaml";

/**
 * kubeconfig files as kubectl reads them: `--kubeconfig`, else every file of KUBECONFIG (merged,
 * the first file to name an entry or set current-context wins), else ~/.kube/config. Only the
 * fields the doctor judges are kept; tokens, keys and auth-provider configs are never copied out.
 */
export interface KubeUser {
  name: string;
  exec?: { apiVersion?: unknown; command?: unknown; args?: unknown; provideClusterInfo?: unknown };
  /** `auth-provider.name`, e.g. `gcp` (the provider removed from kubectl 1.25 on). */
  authProvider?: string;
  /** Other ways the entry authenticates, by field name only (`token`, `client-certificate-data`, …). */
  otherAuth: string[];
}

export interface KubeCluster {
  name: string;
  server?: string;
  /** base64 PEM, as get-credentials writes it. */
  certificateAuthorityData?: string;
  certificateAuthorityFile?: string;
}

export interface KubeContext {
  name: string;
  cluster?: string;
  user?: string;
}

export interface Kubeconfig {
  /** The files read, in order. */
  files: string[];
  /** Files that could not be used, with why (one line each). */
  problems: string[];
  currentContext?: string;
  contexts: Map<string, KubeContext>;
  clusters: Map<string, KubeCluster>;
  users: Map<string, KubeUser>;
}

export function kubeconfigPaths(flag: string | undefined, env: NodeJS.ProcessEnv): string[] {
  if (flag) return [flag];
  const list = env.KUBECONFIG?.split(delimiter).filter((entry) => entry.trim() !== "");
  if (list && list.length > 0) return list;
  return env.HOME ? [join(env.HOME, ".kube", "config")] : [];
}

export function loadKubeconfig(paths: readonly string[], read: (path: string) => string = (path) => readFileSync(path, "utf8")): Kubeconfig {
  const config: Kubeconfig = { files: [], problems: [], contexts: new Map(), clusters: new Map(), users: new Map() };
  for (const path of paths) {
    let text: string;
    try {
      text = read(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      config.problems.push(`${path}: ${code === "ENOENT" ? "no such file" : `cannot be read (${code ?? "error"})`}`);
      continue;
    }
    let document: unknown;
    try {
      // A kubeconfig has no reason for aliases; a crafted one must not expand into gigabytes.
      document = parse(text, { maxAliasCount: 0, prettyErrors: false });
    } catch (error) {
      config.problems.push(`${path}: not YAML (${String((error as Error).message).split("\n")[0]})`);
      continue;
    }
    if (document === null || document === undefined) {
      config.files.push(path);
      continue;
    }
    if (typeof document !== "object" || Array.isArray(document)) {
      config.problems.push(`${path}: expected a kubeconfig mapping (apiVersion, clusters, contexts, users)`);
      continue;
    }
    config.files.push(path);
    mergeInto(config, document as Record<string, unknown>);
  }
  return config;
}

function mergeInto(config: Kubeconfig, document: Record<string, unknown>): void {
  const current = document["current-context"];
  if (config.currentContext === undefined && typeof current === "string" && current !== "") config.currentContext = current;
  for (const entry of namedEntries(document.contexts, "context")) {
    if (config.contexts.has(entry.name)) continue;
    config.contexts.set(entry.name, { name: entry.name, cluster: stringOr(entry.body.cluster), user: stringOr(entry.body.user) });
  }
  for (const entry of namedEntries(document.clusters, "cluster")) {
    if (config.clusters.has(entry.name)) continue;
    config.clusters.set(entry.name, {
      name: entry.name,
      server: stringOr(entry.body.server),
      certificateAuthorityData: stringOr(entry.body["certificate-authority-data"]),
      certificateAuthorityFile: stringOr(entry.body["certificate-authority"]),
    });
  }
  for (const entry of namedEntries(document.users, "user")) {
    if (config.users.has(entry.name)) continue;
    config.users.set(entry.name, userOf(entry.name, entry.body));
  }
}

const OTHER_AUTH_FIELDS = ["token", "tokenFile", "client-certificate", "client-certificate-data", "username", "password"];

function userOf(name: string, body: Record<string, unknown>): KubeUser {
  const user: KubeUser = { name, otherAuth: OTHER_AUTH_FIELDS.filter((field) => body[field] !== undefined && body[field] !== null) };
  const exec = body.exec;
  if (isMapping(exec)) user.exec = { apiVersion: exec.apiVersion, command: exec.command, args: exec.args, provideClusterInfo: exec.provideClusterInfo };
  const provider = body["auth-provider"];
  if (isMapping(provider)) user.authProvider = typeof provider.name === "string" ? provider.name : "(unnamed)";
  return user;
}

function namedEntries(list: unknown, field: string): Array<{ name: string; body: Record<string, unknown> }> {
  if (!Array.isArray(list)) return [];
  const entries: Array<{ name: string; body: Record<string, unknown> }> = [];
  for (const item of list) {
    if (!isMapping(item) || typeof item.name !== "string") continue;
    const body = item[field];
    entries.push({ name: item.name, body: isMapping(body) ? body : {} });
  }
  return entries;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringOr(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** `gke_PROJECT_LOCATION_CLUSTER`, the context name get-credentials writes (none of the three may hold `_`). */
export function parseGkeContextName(name: string): { project: string; location: string; cluster: string } | undefined {
  const parts = name.split("_");
  if (parts.length !== 4 || parts[0] !== "gke" || parts.slice(1).some((part) => part === "")) return undefined;
  return { project: parts[1]!, location: parts[2]!, cluster: parts[3]! };
}

export function gkeContextName(target: { project: string; location: string; cluster: string }): string {
  return `gke_${target.project}_${target.location}_${target.cluster}`;
}
