import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DoctorReport } from "../../src/doctor/types";
import type { Fixture, FixtureCluster } from "../live/emulator";
import { runCli } from "../robustness/support";

export interface DoctorRun {
  code: number | null;
  stdout: string;
  stderr: string;
  report?: DoctorReport;
}

/**
 * The built CLI in a child process whose environment is only what the test gives: PATH is the
 * test's own bin folder (the machine's gcloud, kubectl and plugin are never seen), HOME is empty,
 * and no Application Default Credentials exist.
 */
export async function doctor(args: string[], env: Record<string, string>): Promise<DoctorRun> {
  const home = mkdtempSync(join(tmpdir(), "doctor-home-"));
  const run = await runCli(["doctor", ...args], {
    env: { HOME: home, GOOGLE_APPLICATION_CREDENTIALS: join(home, "no-adc.json"), CLOUDSDK_CONFIG: join(home, "gcloud"), PATH: join(home, "empty-bin"), ...env },
  });
  let report: DoctorReport | undefined;
  try {
    report = JSON.parse(run.stdout) as DoctorReport;
  } catch {
    // text output or a usage error
  }
  return { code: run.status, stdout: run.stdout, stderr: run.stderr, ...(report && { report }) };
}

export function statusOf(run: DoctorRun): Record<string, string> {
  return Object.fromEntries((run.report?.steps ?? []).map((step) => [step.id, step.status]));
}

export function stepOf(run: DoctorRun, id: string) {
  const step = run.report?.steps.find((candidate) => candidate.id === id);
  if (!step) throw new Error(`no step ${id} in ${run.stdout}\n${run.stderr}`);
  return step;
}

export interface BinOptions {
  /** `no-account`: --version works, but asked for a token it fails as with no gcloud login. */
  plugin?: "ok" | "broken" | "absent" | "no-account";
  /** The token the plugin prints in its ExecCredential when kubectl (or --as-kubectl) asks. */
  pluginToken?: string;
  /** kubectl's client version (`1.31`), or absent. */
  kubectl?: string;
}

/** A folder of fake programs to be the whole PATH. */
export function fakeBin(options: BinOptions = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "doctor-bin-"));
  const script = (name: string, body: string) => {
    writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  };
  const plugin = options.plugin ?? "ok";
  const version = 'if [ "$1" = "--version" ]; then echo "Kubernetes v1.30.0+fake-plugin"; exit 0; fi';
  // Asked for a credential as kubectl asks (KUBERNETES_EXEC_INFO set, no arguments).
  const credential = `{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","status":{"token":"${options.pluginToken ?? "none"}","expirationTimestamp":"2026-12-01T23:00:00Z"}}`;
  if (plugin === "ok") script("gke-gcloud-auth-plugin", `${version}\nif [ -n "$KUBERNETES_EXEC_INFO" ] && [ $# -eq 0 ]; then echo '${credential}'; exit 0; fi\necho "unexpected call" >&2; exit 3`);
  if (plugin === "no-account") script("gke-gcloud-auth-plugin", `${version}\necho "ERROR: (gcloud.config.config-helper) You do not currently have an active account selected." >&2; exit 1`);
  if (plugin === "broken") script("gke-gcloud-auth-plugin", 'echo "error while loading shared libraries: libfake.so" >&2; exit 127');
  if (options.kubectl) {
    const [major, minor] = options.kubectl.split(".");
    script("kubectl", `if [ "$1 $2" = "version --client" ]; then echo '{"clientVersion":{"major":"${major}","minor":"${minor}","gitVersion":"v${options.kubectl}.0"}}'; exit 0; fi\necho "unexpected call" >&2; exit 3`);
  }
  return dir;
}

export type UserKind = "exec" | "legacy" | "static-token" | "none";

export interface KubeconfigOptions {
  context: string;
  server: string;
  caBase64?: string;
  user?: UserKind;
  /** Make it the current context (default true). */
  current?: boolean;
}

export const STATIC_KUBE_TOKEN = "kube-static-secret-token-0123456789abcdef";

export function writeKubeconfig(options: KubeconfigOptions): string {
  const dir = mkdtempSync(join(tmpdir(), "doctor-kube-"));
  const user = {
    exec: ["    exec:", "      apiVersion: client.authentication.k8s.io/v1beta1", "      command: gke-gcloud-auth-plugin", "      installHint: Install gke-gcloud-auth-plugin", "      provideClusterInfo: true"],
    legacy: ["    auth-provider:", "      name: gcp", "      config:", "        access-token: ya29.legacy-cached-token-must-not-print-0123456789", "        cmd-path: /usr/lib/google-cloud-sdk/bin/gcloud"],
    "static-token": [`    token: ${STATIC_KUBE_TOKEN}`],
    none: ["    {}"],
  }[options.user ?? "exec"];
  const text = [
    "apiVersion: v1",
    "kind: Config",
    ...(options.current === false ? [] : [`current-context: ${options.context}`]),
    "clusters:",
    `- name: ${options.context}`,
    "  cluster:",
    `    server: https://${options.server}`,
    ...(options.caBase64 ? [`    certificate-authority-data: ${options.caBase64}`] : []),
    "contexts:",
    `- name: ${options.context}`,
    "  context:",
    `    cluster: ${options.context}`,
    `    user: ${options.context}`,
    "users:",
    `- name: ${options.context}`,
    "  user:",
    ...user,
    "",
  ].join("\n");
  const file = join(dir, "config");
  writeFileSync(file, text);
  return file;
}

/** A gcloud configuration folder with an active account and project. */
export function gcloudConfig(values: { account?: string; project?: string }): string {
  const dir = mkdtempSync(join(tmpdir(), "doctor-gcloud-"));
  mkdirSync(join(dir, "configurations"));
  writeFileSync(join(dir, "active_config"), "work\n");
  const lines = ["[core]", ...(values.account ? [`account = ${values.account}`] : []), ...(values.project ? [`project = ${values.project}`] : [])];
  writeFileSync(join(dir, "configurations", "config_work"), `${lines.join("\n")}\n`);
  return dir;
}

export const PROJECT = "shop-prod";
export const LOCATION = "europe-west1";
export const CLUSTER = "main";
export const CONTEXT = `gke_${PROJECT}_${LOCATION}_${CLUSTER}`;
export const EMAIL = "alice@example.com";

export function clusterJson(endpoint: string, caPem: string, extra: Partial<FixtureCluster> = {}): FixtureCluster {
  return {
    name: CLUSTER,
    location: LOCATION,
    status: "RUNNING",
    endpoint,
    currentMasterVersion: "1.30.5-gke.1014001",
    masterAuth: { clusterCaCertificate: Buffer.from(caPem).toString("base64") },
    nodePools: [{ name: "default-pool", status: "RUNNING", version: "1.30.5-gke.1014001" }],
    selfLink: `https://container.googleapis.com/v1/projects/${PROJECT}/locations/${LOCATION}/clusters/${CLUSTER}`,
    ...extra,
  };
}

export function fixtureWith(cluster: FixtureCluster | undefined, extra: Partial<Fixture> & { callerPermissions?: string[]; operations?: Array<Record<string, unknown> & { location: string }> } = {}): Fixture {
  const { callerPermissions, operations, ...rest } = extra;
  return {
    projects: [
      {
        projectId: PROJECT,
        projectNumber: "123456789012",
        callerPermissions: callerPermissions ?? ["container.clusters.get"],
        clusters: cluster ? [cluster] : [],
        ...(operations && { operations }),
      },
    ],
    tokenInfo: { azp: "32555940559.apps.googleusercontent.com", scope: "https://www.googleapis.com/auth/cloud-platform https://www.googleapis.com/auth/userinfo.email", expires_in: "3000", email: EMAIL },
    ...rest,
  };
}
