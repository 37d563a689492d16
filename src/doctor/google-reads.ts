import type { AuthClient } from "google-auth-library";
import { DOCTOR_METHODS } from "../live/allowlist";
import { serviceEndpoint } from "../live/endpoint";
import { redact } from "../live/redact";
import { DEFAULT_LIMITS, guardedTransport, LiveCallError, type GuardedAuthClient, type TransportLimits } from "../live/transport";
import type { ReadError } from "./types";

/**
 * The doctor's Google reads, as plain REST calls through the same guarded client as `--live`
 * (allowlist, deadline, retries, redaction), holding the doctor's own list of methods. The
 * Container API is four GETs here: its client library would add 3.3 MB unpacked for them.
 */
export interface ClusterInfo {
  name: string;
  location: string;
  status?: string;
  statusMessage?: string;
  endpoint?: string;
  privateEndpoint?: string;
  currentMasterVersion?: string;
  clusterCaCertificate?: string;
  conditions: Condition[];
  nodePools: NodePoolInfo[];
}

export interface Condition {
  code?: string;
  message?: string;
}

export interface NodePoolInfo {
  name: string;
  status?: string;
  statusMessage?: string;
  version?: string;
  conditions: Condition[];
}

export interface ClusterSummary {
  name: string;
  location: string;
  status?: string;
}

export interface OperationInfo {
  name: string;
  operationType?: string;
  status?: string;
  targetLink?: string;
  startTime?: string;
}

export interface TokenInfo {
  email?: string;
  scopes: string[];
  /** Seconds left, as tokeninfo says. */
  expiresIn?: number;
  /** The OAuth client the token was issued to (`azp`/`aud`): not secret. */
  audience?: string;
}

export class DoctorGoogle {
  private readonly auth: GuardedAuthClient;

  constructor(
    credentials: AuthClient,
    private readonly token: string,
    private readonly apiEndpoint: string | undefined,
    policy: Partial<TransportLimits> = {},
  ) {
    this.auth = guardedTransport(credentials, {
      allowlist: DOCTOR_METHODS,
      limits: { ...DEFAULT_LIMITS, ...policy },
      originOf: (service) => new URL(this.root(service as "container" | "oauth2" | "cloudresourcemanager")).origin,
      secrets: [token],
      door: "preflight doctor",
    });
  }

  get calls() {
    return this.auth.calls;
  }

  private root(service: "container" | "oauth2" | "cloudresourcemanager"): string {
    return serviceEndpoint(this.apiEndpoint, service)?.rootUrl ?? `https://${service}.googleapis.com/`;
  }

  private async call(method: "GET" | "POST", url: string, data?: unknown): Promise<unknown> {
    const response = await this.auth.request<unknown>({ method, url, responseType: "json", ...(data !== undefined && { data }) });
    return response.data;
  }

  async cluster(project: string, location: string, cluster: string): Promise<ClusterInfo | ReadError> {
    return this.attempt(async () => clusterInfo(await this.call("GET", `${this.root("container")}v1/${path("projects", project, "locations", location, "clusters", cluster)}`)));
  }

  async clustersEverywhere(project: string): Promise<ClusterSummary[] | ReadError> {
    return this.attempt(async () => {
      const body = asObject(await this.call("GET", `${this.root("container")}v1/${path("projects", project, "locations", "-", "clusters")}`));
      return arrayOf(body.clusters).map((item) => {
        const cluster = asObject(item);
        return { name: String(cluster.name ?? ""), location: String(cluster.location ?? cluster.zone ?? ""), ...stringsOf(cluster, ["status"]) };
      });
    });
  }

  async operations(project: string, location: string): Promise<OperationInfo[] | ReadError> {
    return this.attempt(async () => {
      const body = asObject(await this.call("GET", `${this.root("container")}v1/${path("projects", project, "locations", location, "operations")}`));
      return arrayOf(body.operations).map((item) => {
        const operation = asObject(item);
        return { name: String(operation.name ?? ""), ...stringsOf(operation, ["operationType", "status", "targetLink", "startTime"]) };
      });
    });
  }

  async tokenInfo(): Promise<TokenInfo | ReadError> {
    return this.attempt(async () => {
      const body = asObject(await this.call("POST", `${this.root("oauth2")}tokeninfo`));
      const expiresIn = Number(body.expires_in);
      const audience = body.azp ?? body.aud;
      return {
        ...optionalString("email", body.email),
        scopes: typeof body.scope === "string" ? body.scope.split(" ").filter(Boolean) : [],
        ...(Number.isFinite(expiresIn) && { expiresIn }),
        ...optionalString("audience", audience),
      };
    });
  }

  /** Which of `permissions` the caller holds on the project (testIamPermissions). */
  async heldPermissions(project: string, permissions: string[]): Promise<string[] | ReadError> {
    return this.attempt(async () => {
      const body = asObject(await this.call("POST", `${this.root("cloudresourcemanager")}v1/projects/${encodeURIComponent(project)}:testIamPermissions`, { permissions }));
      return arrayOf(body.permissions).filter((permission): permission is string => typeof permission === "string");
    });
  }

  private async attempt<T>(read: () => Promise<T>): Promise<T | ReadError> {
    try {
      return await read();
    } catch (error) {
      return readErrorOf(error, [this.token]);
    }
  }
}

export function readErrorOf(error: unknown, secrets: readonly string[]): ReadError {
  if (error instanceof LiveCallError) {
    const reason = errorReason(error.body);
    return { error: error.message, ...(error.status !== undefined && { status: error.status }), ...(reason && { reason }) };
  }
  if (error instanceof ShapeError) return { error: error.message };
  return { error: redact(error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error), secrets) };
}

function errorReason(body: unknown): string | undefined {
  const details = (body as { error?: { details?: unknown } })?.error?.details;
  if (!Array.isArray(details)) return undefined;
  const reason = details.map((detail) => (detail as { reason?: unknown })?.reason).find((value) => typeof value === "string");
  return typeof reason === "string" ? reason : undefined;
}

/** An answer that is not the JSON object Google documents. */
class ShapeError extends Error {}

function asObject(value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ShapeError("the answer is not a JSON object");
  return value as Record<string, unknown>;
}

function arrayOf(value: unknown): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ShapeError("the answer holds a list that is not a JSON array");
  return value;
}

function optionalString<K extends string>(key: K, value: unknown): Partial<Record<K, string>> {
  return typeof value === "string" && value !== "" ? ({ [key]: value } as Record<K, string>) : {};
}

/** The fields of `object` named in `keys` that hold non-empty strings; others are left out, not guessed. */
function stringsOf<K extends string>(object: Record<string, unknown>, keys: readonly K[]): Partial<Record<K, string>> {
  return Object.assign({}, ...keys.map((key) => optionalString(key, object[key]))) as Partial<Record<K, string>>;
}

function path(...segments: string[]): string {
  return segments.map((segment) => (segment === "-" ? segment : encodeURIComponent(segment))).join("/");
}

function conditionsOf(value: unknown): Condition[] {
  return arrayOf(value).map((item) => {
    const condition = asObject(item);
    return { ...optionalString("code", condition.code ?? condition.canonicalCode), ...optionalString("message", condition.message) };
  });
}

export function clusterInfo(value: unknown): ClusterInfo {
  const cluster = asObject(value);
  const masterAuth = cluster.masterAuth === undefined ? {} : asObject(cluster.masterAuth);
  const privateConfig = cluster.privateClusterConfig === undefined ? {} : asObject(cluster.privateClusterConfig);
  return {
    name: String(cluster.name ?? ""),
    location: String(cluster.location ?? cluster.zone ?? ""),
    ...stringsOf(cluster, ["status", "statusMessage", "endpoint", "currentMasterVersion"]),
    ...optionalString("privateEndpoint", privateConfig.privateEndpoint),
    ...optionalString("clusterCaCertificate", masterAuth.clusterCaCertificate),
    conditions: conditionsOf(cluster.conditions),
    nodePools: arrayOf(cluster.nodePools).map((item) => {
      const pool = asObject(item);
      return {
        name: String(pool.name ?? ""),
        ...stringsOf(pool, ["status", "statusMessage", "version"]),
        conditions: conditionsOf(pool.conditions),
      };
    }),
  };
}
