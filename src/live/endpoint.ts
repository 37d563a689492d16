/**
 * `--api-endpoint` / PREFLIGHT_API_ENDPOINT: replaces the root of every Google API endpoint.
 *
 * - a plain URL (`http://127.0.0.1:8085`) sends every API to that one root (an emulator, a proxy);
 * - a URL with `{service}` (`https://{service}-myendpoint.p.googleapis.com`) keeps one host per
 *   API, as Private Service Connect endpoints are named (`cloudresourcemanager`, `iam`, `serviceusage`,
 *   `artifactregistry`, `compute`, `cloudkms`, `container`; `preflight doctor` also `oauth2`).
 *
 * Only scheme, host and port are used: the client libraries put their own `/v1/...` paths after it.
 */
export type GoogleService = "cloudresourcemanager" | "iam" | "serviceusage" | "artifactregistry" | "compute" | "cloudkms" | "container" | "oauth2";

export interface ServiceEndpoint {
  /** For the `@googleapis/*` clients (`rootUrl`), ends with `/`. */
  rootUrl: string;
  /** For the `@google-cloud/*` (gax) clients in REST mode. */
  gax: { apiEndpoint: string; port: number; protocol: "http" | "https" };
}

export class EndpointError extends Error {
  override name = "EndpointError";
}

/** The endpoint of `service` under `apiEndpoint`, or undefined to use Google's default. */
export function serviceEndpoint(apiEndpoint: string | undefined, service: GoogleService): ServiceEndpoint | undefined {
  if (apiEndpoint === undefined || apiEndpoint.trim() === "") return undefined;
  const text = apiEndpoint.trim().split("{service}").join(service);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new EndpointError(`--api-endpoint: expected a URL such as https://{service}-ep.p.googleapis.com, got "${apiEndpoint}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new EndpointError(`--api-endpoint: expected an http or https URL, got "${apiEndpoint}"`);
  }
  const protocol = url.protocol === "http:" ? "http" : "https";
  const port = url.port ? Number(url.port) : protocol === "http" ? 80 : 443;
  return {
    rootUrl: `${url.protocol}//${url.host}/`,
    gax: { apiEndpoint: url.hostname.replace(/^\[(.*)\]$/, "$1"), port, protocol },
  };
}

/** The endpoint given on the command line, else from the environment. */
export function apiEndpointFrom(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return option ?? (env.PREFLIGHT_API_ENDPOINT || undefined);
}
