// What --live reads is planned from the fact base and the rules; its shape lives there.
export type { LiveRequest } from "../facts/live";

export interface LiveOptions {
  /** Replaces the root of every Google API endpoint; see endpoint.ts. Else PREFLIGHT_API_ENDPOINT. */
  apiEndpoint?: string;
  /** Else GOOGLE_OAUTH_ACCESS_TOKEN, else Application Default Credentials. */
  accessToken?: string;
  /** Calls in flight at once (default 8). */
  concurrency?: number;
  /** Per call, per attempt, for the headers and the whole body (default 20 000 ms; else PREFLIGHT_LIVE_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Largest answer read, in bytes (default 16 MiB; else PREFLIGHT_LIVE_MAX_RESPONSE_BYTES). */
  maxResponseBytes?: number;
  /** Further attempts on 408 / 429 / 5xx / dropped connections (default 4; else PREFLIGHT_LIVE_RETRIES). */
  retries?: number;
  /** First backoff delay in ms (default 500; else PREFLIGHT_LIVE_BACKOFF_MS), doubled each retry; 16 times it is the longest wait, Retry-After included. */
  backoffMs?: number;
  /** Called as reads finish; `total` grows while the ancestry is discovered. */
  onProgress?: (done: number, total: number) => void;
  /** Environment to read GOOGLE_OAUTH_ACCESS_TOKEN, PREFLIGHT_API_ENDPOINT and PREFLIGHT_LIVE_* from (tests). */
  env?: NodeJS.ProcessEnv;
}
