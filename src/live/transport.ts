import { AuthClient } from "google-auth-library";
import type { gaxios } from "google-auth-library";
import { ALLOWED_METHODS, matchAllowedMethod, RefusedRequestError, type AllowedMethod } from "./allowlist";
import { redact } from "./redact";

type GaxiosOptions = gaxios.GaxiosOptions;
type GaxiosPromise<T> = gaxios.GaxiosPromise<T>;

/**
 * The single place where `--live` requests leave the process. Both client families send through
 * their auth client: the `@googleapis/*` clients call `authClient.request()`, the gax clients in REST
 * mode call `authClient.fetch()`, which ends in `request()`. Wrapping the real credentials in this
 * client therefore puts every API call behind one gate that:
 * - refuses anything not on the read-only allowlist, before it reaches the network;
 * - bounds how many calls run at once;
 * - gives every call a timeout, and retries 429 / 5xx / dropped connections with backoff.
 * Token requests made by the credentials themselves (metadata server, STS) do not pass here: they
 * are authentication, not API calls.
 */
export interface TransportPolicy {
  concurrency: number;
  timeoutMs: number;
  /** Further attempts after the first one, for retryable failures. */
  retries: number;
  /** First backoff delay; doubles each retry, with jitter, capped at {@link maxBackoffMs}. */
  backoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_POLICY: TransportPolicy = {
  concurrency: 8,
  timeoutMs: 20_000,
  retries: 4,
  backoffMs: 500,
  maxBackoffMs: 8_000,
};

/** A failed API call, described without any header, token or request body. */
export class LiveCallError extends Error {
  override name = "LiveCallError";
  constructor(
    message: string,
    readonly methodId: string,
    /** HTTP status, when a response came back. */
    readonly status: number | undefined,
    /** The body of Google's error response, when there was one (`{error: {code, message, status, details}}`). */
    readonly body: unknown,
    readonly timedOut: boolean,
    readonly attempts: number,
  ) {
    super(message);
  }
}

/** One call as it went, for diagnostics. Never holds headers or bodies. */
export interface CallRecord {
  methodId: string;
  httpMethod: string;
  path: string;
  attempts: number;
  status?: number;
}

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const RETRYABLE_NETWORK_CODES = new Set(["ECONNRESET", "EPIPE", "ETIMEDOUT", "EAI_AGAIN", "ECONNABORTED", "UND_ERR_SOCKET"]);

export class GuardedAuthClient extends AuthClient {
  readonly calls: CallRecord[] = [];
  private readonly limiter: Limiter;

  constructor(
    private readonly credentials_: AuthClient,
    private readonly policy: TransportPolicy,
    /** Values that must never appear in an error text (the access token, when we hold it). */
    private readonly secrets: readonly string[] = [],
    /** The methods this client may call: `--live`'s by default, `preflight doctor` passes its own. */
    private readonly allowedMethods: readonly AllowedMethod[] = ALLOWED_METHODS,
    private readonly door = "--live",
  ) {
    super();
    this.universeDomain = credentials_.universeDomain;
    this.limiter = new Limiter(policy.concurrency);
  }

  override getRequestHeaders(url?: string | URL): Promise<Headers> {
    return this.credentials_.getRequestHeaders(url);
  }

  override getAccessToken(): Promise<{ token?: string | null; res?: gaxios.GaxiosResponse | null }> {
    return this.credentials_.getAccessToken();
  }

  override request<T>(options: GaxiosOptions): GaxiosPromise<T> {
    const httpMethod = (options.method ?? "GET").toUpperCase();
    const url = String(options.url ?? "");
    const allowed = matchAllowedMethod(httpMethod, url, this.allowedMethods);
    if (!allowed) return Promise.reject(new RefusedRequestError(httpMethod, safePath(url), this.door));
    const record: CallRecord = { methodId: allowed.id, httpMethod, path: safePath(url), attempts: 0 };
    this.calls.push(record);
    return this.limiter.run(() => this.send<T>(allowed, options, record));
  }

  private async send<T>(allowed: AllowedMethod, options: GaxiosOptions, record: CallRecord): Promise<gaxios.GaxiosResponse<T>> {
    for (let attempt = 0; ; attempt++) {
      record.attempts = attempt + 1;
      const timeout = new AbortController();
      const timer = setTimeout(() => timeout.abort(), this.policy.timeoutMs);
      const signal = options.signal ? AbortSignal.any([options.signal as AbortSignal, timeout.signal]) : timeout.signal;
      try {
        // retry: false — the libraries' own retry would hide attempts from the policy above.
        const response = await this.credentials_.request<T>({ ...options, signal, retry: false });
        record.status = response.status;
        return response;
      } catch (error) {
        const status = statusOf(error);
        record.status = status;
        const timedOut = timeout.signal.aborted;
        const retryable = !timedOut && (status !== undefined ? RETRYABLE_STATUS.has(status) : isNetworkError(error));
        if (retryable && attempt < this.policy.retries) {
          await sleep(this.backoff(attempt, retryAfterMs(error)));
          continue;
        }
        throw this.describe(allowed, error, status, timedOut, attempt + 1);
      } finally {
        clearTimeout(timer);
      }
    }
  }

  private backoff(attempt: number, retryAfter: number | undefined): number {
    const exponential = Math.min(this.policy.maxBackoffMs, this.policy.backoffMs * 2 ** attempt);
    const jittered = exponential / 2 + Math.random() * (exponential / 2);
    return retryAfter !== undefined ? Math.min(this.policy.maxBackoffMs, Math.max(retryAfter, jittered)) : jittered;
  }

  private describe(allowed: AllowedMethod, error: unknown, status: number | undefined, timedOut: boolean, attempts: number): LiveCallError {
    const body = timedOut ? undefined : (errorBody(error) ?? jsonMessageBody(error));
    const apiMessage = googleMessage(body) ?? (error instanceof Error ? error.message : String(error));
    const text = timedOut
      ? `${allowed.id}: no answer within ${this.policy.timeoutMs} ms`
      : `${allowed.id}: ${status !== undefined ? `HTTP ${status}: ` : ""}${oneLine(apiMessage)}${attempts > 1 ? ` (after ${attempts} attempts)` : ""}`;
    return new LiveCallError(redact(text, this.secrets), allowed.id, status, redactDeep(body, this.secrets), timedOut, attempts);
  }
}

/** Path of a URL without its query (which could hold a key), percent-decoded for reading. */
function safePath(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname);
  } catch {
    return "(unparseable URL)";
  }
}

function statusOf(error: unknown): number | undefined {
  const candidate = error as { status?: unknown; response?: { status?: unknown } };
  const status = candidate?.response?.status ?? candidate?.status;
  return typeof status === "number" ? status : undefined;
}

function isNetworkError(error: unknown): boolean {
  const code = (error as { code?: unknown; cause?: { code?: unknown } })?.code ?? (error as { cause?: { code?: unknown } })?.cause?.code;
  return typeof code === "string" && RETRYABLE_NETWORK_CODES.has(code);
}

function retryAfterMs(error: unknown): number | undefined {
  const headers = (error as { response?: { headers?: unknown } })?.response?.headers;
  const value = headers instanceof Headers ? headers.get("retry-after") : (headers as Record<string, string> | undefined)?.["retry-after"];
  if (!value) return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) ? seconds * 1000 : undefined;
}

/** The parsed JSON error body, whatever shape the library left it in (object, text, bytes). */
function errorBody(error: unknown): unknown {
  const data = (error as { response?: { data?: unknown } })?.response?.data;
  if (data === undefined || data === null) return undefined;
  if (typeof data === "string") return parseJson(data);
  if (data instanceof ArrayBuffer) return parseJson(Buffer.from(data).toString("utf8"));
  if (Buffer.isBuffer(data)) return parseJson(data.toString("utf8"));
  return typeof data === "object" && !isStream(data) ? data : undefined;
}

/**
 * The gax clients ask for a stream (`responseType: "stream"`); on an error gaxios then puts the
 * response text in the message instead of `data`. Google's JSON error is read back from there.
 */
function jsonMessageBody(error: unknown): unknown {
  const message = error instanceof Error ? error.message.trim() : "";
  if (!message.startsWith("{")) return undefined;
  const parsed = parseJson(message) as { error?: unknown };
  return typeof parsed?.error === "object" && parsed.error !== null && "code" in parsed.error ? parsed : undefined;
}

function isStream(value: object): boolean {
  return typeof (value as { pipe?: unknown }).pipe === "function";
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { error: { message: text.slice(0, 300) } };
  }
}

function googleMessage(body: unknown): string | undefined {
  const message = (body as { error?: { message?: unknown } })?.error?.message;
  return typeof message === "string" ? message : undefined;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function redactDeep(value: unknown, secrets: readonly string[]): unknown {
  if (value === undefined) return undefined;
  return JSON.parse(redact(JSON.stringify(value), secrets));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** At most `limit` tasks at a time; the others wait in order. */
export class Limiter {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {
    if (!(limit >= 1)) throw new RangeError("concurrency must be at least 1");
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    // A finishing task hands its slot straight to the next waiter, so newcomers cannot overtake.
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
