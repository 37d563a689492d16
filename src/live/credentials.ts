import { GoogleAuth, OAuth2Client, type AuthClient } from "google-auth-library";
import { redact } from "./redact";

/** Read-only scope would be narrower, but several read methods accept only cloud-platform. */
const SCOPES = ["https://www.googleapis.com/auth/cloud-platform"];

/** --live cannot start: no usable credentials. One line, no secret. */
export class LiveSetupError extends Error {
  override name = "LiveSetupError";
}

export interface Credentials {
  client: AuthClient;
  /** The access token when it was given to us; redacted from every text we produce. */
  token?: string;
  source: "GOOGLE_OAUTH_ACCESS_TOKEN" | "access token option" | "application default credentials";
}

/**
 * The credentials of the caller, as the Terraform Google provider finds them: an access token from
 * GOOGLE_OAUTH_ACCESS_TOKEN first, else Application Default Credentials (gcloud user login, a key
 * file in GOOGLE_APPLICATION_CREDENTIALS, workload identity federation, the metadata server).
 */
export async function loadCredentials(accessToken: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<Credentials> {
  const token = accessToken ?? (env.GOOGLE_OAUTH_ACCESS_TOKEN || undefined);
  if (token !== undefined) {
    const client = new OAuth2Client();
    // No refresh token: when the token expires the calls fail with 401 and say so.
    client.setCredentials({ access_token: token });
    return { client, token, source: accessToken !== undefined ? "access token option" : "GOOGLE_OAUTH_ACCESS_TOKEN" };
  }
  try {
    const client = await withoutMetadataLookupWarnings(() => new GoogleAuth({ scopes: SCOPES }).getClient());
    return { client, source: "application default credentials" };
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new LiveSetupError(
      `--live: no Google credentials (${redact(reason ?? "")}); set GOOGLE_OAUTH_ACCESS_TOKEN or run \`gcloud auth application-default login\``,
    );
  }
}

/**
 * Where no metadata server answers (a laptop, a GitHub runner), gcp-metadata prints a two-line
 * MetadataLookupWarning before our own one-line error, which already says there are no
 * credentials. Other warnings pass through.
 */
async function withoutMetadataLookupWarnings<T>(work: () => Promise<T>): Promise<T> {
  const original = process.emitWarning;
  const filtered = function (this: NodeJS.Process, warning: string | Error, ...rest: unknown[]): void {
    const option = rest[0];
    const type = typeof option === "string" ? option : (option as { type?: string } | undefined)?.type;
    if (type === "MetadataLookupWarning" || (warning instanceof Error && warning.name === "MetadataLookupWarning")) return;
    (original as (...args: unknown[]) => void).call(process, warning, ...rest);
  };
  process.emitWarning = filtered as typeof process.emitWarning;
  try {
    return await work();
  } finally {
    process.emitWarning = original;
  }
}
