import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The active gcloud configuration, read from its files (gcloud is not run): the account and
 * project that `gcloud container …` and the auth plugin use. CLOUDSDK_CONFIG moves the folder,
 * CLOUDSDK_ACTIVE_CONFIG_NAME picks the configuration, CLOUDSDK_CORE_PROJECT / _ACCOUNT override.
 */
export interface GcloudConfig {
  configuration: string;
  account?: string;
  project?: string;
  /** Where each value came from, for the report. */
  from: { account?: string; project?: string };
}

export function readGcloudConfig(env: NodeJS.ProcessEnv, read: (path: string) => string = (path) => readFileSync(path, "utf8")): GcloudConfig {
  const folder = env.CLOUDSDK_CONFIG || (env.HOME ? join(env.HOME, ".config", "gcloud") : undefined);
  const tryRead = (path: string) => {
    try {
      return read(path);
    } catch {
      return undefined;
    }
  };
  const named = env.CLOUDSDK_ACTIVE_CONFIG_NAME || (folder ? tryRead(join(folder, "active_config"))?.trim() : undefined) || "default";
  const configuration = /^[A-Za-z0-9_-]+$/.test(named) ? named : "default";
  const file = folder ? join(folder, "configurations", `config_${configuration}`) : undefined;
  const core = file ? iniSection(tryRead(file) ?? "", "core") : {};
  const result: GcloudConfig = { configuration, from: {} };
  const account = env.CLOUDSDK_CORE_ACCOUNT || core.account;
  const project = env.CLOUDSDK_CORE_PROJECT || core.project;
  if (account) {
    result.account = account;
    result.from.account = env.CLOUDSDK_CORE_ACCOUNT ? "CLOUDSDK_CORE_ACCOUNT" : `gcloud configuration ${configuration}`;
  }
  if (project) {
    result.project = project;
    result.from.project = env.CLOUDSDK_CORE_PROJECT ? "CLOUDSDK_CORE_PROJECT" : `gcloud configuration ${configuration}`;
  }
  return result;
}

/** The `key = value` pairs of one `[section]` of an INI text. */
export function iniSection(text: string, section: string): Record<string, string> {
  const values: Record<string, string> = {};
  let inside = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      inside = header[1]!.trim() === section;
      continue;
    }
    const pair = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
    if (inside && pair) values[pair[1]!] = pair[2]!;
  }
  return values;
}
