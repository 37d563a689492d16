import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Where the doctor's token comes from, as the Google provider and `--live` look: the token in
 * GOOGLE_OAUTH_ACCESS_TOKEN, else Application Default Credentials (a key or config file, gcloud's
 * ADC file, the metadata server). Only a file's `type` and a service account's email are read out.
 */
export function describeCredentialSource(env: NodeJS.ProcessEnv, read: (path: string) => string = (path) => readFileSync(path, "utf8")): { source: string; detail?: string } {
  if (env.GOOGLE_OAUTH_ACCESS_TOKEN) return { source: "GOOGLE_OAUTH_ACCESS_TOKEN" };
  const describeFile = (path: string, what: string) => {
    try {
      const parsed = JSON.parse(read(path)) as { type?: unknown; client_email?: unknown };
      const type = typeof parsed.type === "string" ? parsed.type : "unknown type";
      const email = typeof parsed.client_email === "string" ? `, ${parsed.client_email}` : "";
      return { source: "application default credentials", detail: `${what}, ${type}${email}` };
    } catch {
      return undefined;
    }
  };
  if (env.GOOGLE_APPLICATION_CREDENTIALS) {
    return describeFile(env.GOOGLE_APPLICATION_CREDENTIALS, "GOOGLE_APPLICATION_CREDENTIALS") ?? { source: "application default credentials", detail: "GOOGLE_APPLICATION_CREDENTIALS names a file that cannot be read" };
  }
  const folder = env.CLOUDSDK_CONFIG || (env.HOME ? join(env.HOME, ".config", "gcloud") : undefined);
  const wellKnown = folder ? describeFile(join(folder, "application_default_credentials.json"), "gcloud auth application-default login") : undefined;
  return wellKnown ?? { source: "application default credentials", detail: "no file: the metadata server, if any" };
}
