import { AuthClient, gaxios } from "google-auth-library";
import { Agent as HttpAgent } from "node:http";
import { matchAllowedMethod, RefusedRequestError, type AllowedMethod } from "./allowlist";
import { exchange, ExchangeError, type Exchanged } from "./http-exchange";
import { redact, redactDeep } from "./redact";
import { GOOGLE_ERROR } from "./response-shapes";

type GaxiosOptions = gaxios.GaxiosOptions;
type GaxiosPromise<T> = gaxios.GaxiosPromise<T>;
type GaxiosResponse<T> = gaxios.GaxiosResponse<T>;

/**
 * The single place where `--live` requests leave the process, built to trust neither the code
 * above it nor the server. Both client families send through this auth client: the
 * `@googleapis/*` clients call `request()`, the gax clients (REST mode) call `fetch()`, which ends
 * in `request()`. Each call:
 * - must be on the allowlist (HTTP method and path) and go to its service's origin, checked
 *   before anything leaves and again on the final URL;
 * - is sent by {@link exchange}: no redirect followed, one deadline over headers and body, a
 *   size cap;
 * - gets a 2xx answer only if it is JSON of the method's shape (`AllowedMethod.response`), and
 *   believes an error status only with Google's JSON error body;
 * - is retried on 408/429/5xx and dropped connections with backoff, honouring `Retry-After`
 *   (seconds or HTTP date) up to `maxBackoffMs`, and giving up when asked to wait longer.
 * The credentials only supply headers (`getRequestHeaders`); the request itself never goes
 * through their own HTTP client, so no credential type can bypass these rules. Their token
 * requests (metadata server, STS, OAuth) are authentication, not API calls, and do not pass here.
 *
 * Use {@link guardedTransport} with any allowlist: it is not tied to the reads of `--live`.
 */
export interface TransportLimits {
  concurrency: number;
  /** Per attempt: connecting, the headers and the whole body. */
  timeoutMs: number;
  /** Largest answer body read, in bytes. */
  maxResponseBytes: number;
  /** Further attempts after the first one, for retryable failures. */
  retries: number;
  /** First backoff delay; doubles each retry, with jitter, capped at {@link maxBackoffMs}. */
  backoffMs: number;
  /** Also the longest `Retry-After` honoured: a server asking for more is not retried. */
  maxBackoffMs: number;
}

export const DEFAULT_LIMITS: TransportLimits = {
  concurrency: 8,
  timeoutMs: 20_000,
  // The largest legitimate answers are a services.list page (≈ 2 MB at 200 services) and
  // roles/owner (≈ 0.5 MB); 16 MiB leaves room and bounds memory at concurrency × 16 MiB.
  maxResponseBytes: 16 * 1024 * 1024,
  retries: 4,
  backoffMs: 500,
  maxBackoffMs: 8_000,
};

export interface GuardedTransportOptions {
  /** The methods that may be called; anything else is refused before it reaches the network. */
  allowlist: readonly AllowedMethod[];
  limits: TransportLimits;
  /** The origin (`https://iam.googleapis.com`) that serves `service`; a call elsewhere is refused. */
  originOf: (service: string) => string | undefined;
  /** Values that must never appear in a text we produce (a token given to us). */
  secrets?: readonly string[];
  /** Who is calling, for refusals: `refused … not on the read-only allowlist of preflight doctor` (default `--live`). */
  door?: string;
}

/** An auth client for the Google client libraries that sends every call through the rules above. */
export function guardedTransport(credentials: AuthClient, options: GuardedTransportOptions): GuardedAuthClient {
  return new GuardedAuthClient(credentials, options);
}

/** A failed API call, described without any header, token or request body. */
export class LiveCallError extends Error {
  override name = "LiveCallError";
  constructor(
    message: string,
    readonly methodId: string,
    /** HTTP status, when a response came back. */
    readonly status: number | undefined,
    /** Google's JSON error body (`{error: {code, message, status, details}}`), only when the answer had that shape. */
    readonly body: unknown,
    readonly timedOut: boolean,
    readonly attempts: number,
  ) {
    super(message);
  }

  /** The status came with Google's error body, so it can be believed (a 404 means "not found"). */
  get fromGoogle(): boolean {
    return this.body !== undefined;
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

/** What one attempt saw on the wire, kept beside gaxios (which rewraps errors). */
interface Attempt {
  exchanged?: Exchanged;
  failure?: ExchangeError | RefusedRequestError | UnfitAnswerError;
}

/** A 2xx answer that is not JSON of the method's shape. */
export class UnfitAnswerError extends Error {
  override name = "UnfitAnswerError";
}

export class GuardedAuthClient extends AuthClient {
  readonly calls: CallRecord[] = [];
  private readonly limiter: Limiter;
  private readonly limits: TransportLimits;
  private readonly allowlist: readonly AllowedMethod[];
  private readonly originOf: (service: string) => string | undefined;
  private readonly secretValues: Set<string>;
  private readonly door: string;
  /** Our own HTTP client: the credentials' transporter is never used for API calls. */
  private readonly http = new gaxios.Gaxios();

  constructor(
    private readonly credentials_: AuthClient,
    options: GuardedTransportOptions,
  ) {
    super();
    this.universeDomain = credentials_.universeDomain;
    this.limits = options.limits;
    this.allowlist = options.allowlist;
    this.originOf = options.originOf;
    this.secretValues = new Set(options.secrets ?? []);
    this.door = options.door ?? "--live";
    this.limiter = new Limiter(options.limits.concurrency);
  }

  /** The secret values known so far: those given, and every bearer token sent. */
  secrets(): string[] {
    return [...this.secretValues];
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
    const allowed = this.gate(httpMethod, url);
    if (allowed instanceof RefusedRequestError) return Promise.reject(allowed);
    const record: CallRecord = { methodId: allowed.id, httpMethod, path: safePath(url), attempts: 0 };
    this.calls.push(record);
    return this.limiter.run(() => this.send<T>(allowed, options, record));
  }

  /** The allowed method `url` is, at its service's origin; else the refusal. */
  private gate(httpMethod: string, url: string | URL): AllowedMethod | RefusedRequestError {
    const allowed = matchAllowedMethod(httpMethod, url, this.allowlist);
    if (!allowed) return new RefusedRequestError(httpMethod, safePath(String(url)), this.door);
    const origin = this.originOf(allowed.service);
    if (!origin || originOf(url) !== origin) return new RefusedRequestError(httpMethod, safePath(String(url)), this.door, `not sent to ${allowed.service}'s own endpoint`);
    return allowed;
  }

  private async send<T>(allowed: AllowedMethod, options: GaxiosOptions, record: CallRecord): Promise<GaxiosResponse<T>> {
    for (let attempt = 0; ; attempt++) {
      record.attempts = attempt + 1;
      const seen: Attempt = {};
      try {
        const headers = gaxios.Gaxios.mergeHeaders(options.headers, await this.credentials_.getRequestHeaders(String(options.url)));
        this.rememberToken(headers);
        // retry: false — gaxios' own retry would hide attempts from the policy here.
        const response = await this.http.request<T>({
          ...options,
          headers,
          retry: false,
          fetchImplementation: ((url: string | URL, init: FetchInit) => this.exchangeChecked(allowed, url, init, seen)) as unknown as GaxiosOptions["fetchImplementation"],
        });
        record.status = response.status;
        return response;
      } catch (error) {
        const outcome = this.outcome(error, seen);
        record.status = outcome.status;
        if (outcome.retryable && attempt < this.limits.retries) {
          const delay = retryDelay(attempt, outcome.retryAfter, this.limits);
          if (delay.waitMs !== undefined) {
            await sleep(delay.waitMs);
            continue;
          }
          outcome.detail = `${outcome.detail} (${delay.reason})`;
        }
        throw this.describe(allowed, outcome, attempt + 1);
      }
    }
  }

  /**
   * One HTTP exchange for gaxios, checked against the gate again (the URL now has its query).
   * Whatever goes wrong is kept in `seen`: gaxios rewraps errors, the outcome is decided from this.
   */
  private async exchangeChecked(allowed: AllowedMethod, url: string | URL, init: FetchInit, seen: Attempt): Promise<Response> {
    const fail = (failure: NonNullable<Attempt["failure"]>): never => {
      seen.failure = failure;
      throw failure;
    };
    const method = (init.method ?? "GET").toUpperCase();
    const again = this.gate(method, url);
    if (again instanceof RefusedRequestError) return fail(again);
    if (again !== allowed) return fail(new RefusedRequestError(method, safePath(String(url)), this.door));
    const body = requestBody(init.body);
    if (body === null) return fail(new RefusedRequestError(method, safePath(String(url)), this.door, "a request body of a kind the transport does not send"));
    const request = { method, headers: plainHeaders(init.headers), body, agent: init.agent instanceof HttpAgent ? init.agent : undefined, signal: init.signal ?? undefined };
    try {
      seen.exchanged = await exchange(new URL(String(url)), request, { deadlineMs: this.limits.timeoutMs, maxResponseBytes: this.limits.maxResponseBytes });
    } catch (error) {
      return fail(error instanceof ExchangeError ? error : new ExchangeError(error instanceof Error ? error.message : String(error), "network"));
    }
    const { status, headers } = seen.exchanged;
    if (status < 200 || status > 599) return fail(new UnfitAnswerError(`answered HTTP status ${status}`));
    const problem = status < 300 ? answerProblem(allowed, headers, seen.exchanged.body) : undefined;
    if (problem) return fail(new UnfitAnswerError(problem));
    const nullBody = status === 204 || status === 205;
    return new Response(nullBody ? null : seen.exchanged.body, { status, headers });
  }

  private rememberToken(headers: Headers): void {
    const token = /^Bearer\s+(\S+)$/i.exec(headers.get("authorization") ?? "")?.[1];
    if (token) this.secretValues.add(token);
  }

  /** What went wrong in one attempt, and whether to try again. */
  private outcome(error: unknown, seen: Attempt): Outcome {
    const failure = seen.failure;
    if (failure instanceof RefusedRequestError) return { detail: failure.message, retryable: false, refused: failure };
    if (failure instanceof UnfitAnswerError) return { detail: `${failure.message}; not used`, status: seen.exchanged?.status, retryable: false };
    if (failure instanceof ExchangeError) {
      if (failure.kind === "deadline") return { detail: `no complete answer within ${this.limits.timeoutMs} ms`, retryable: false, timedOut: true };
      return { detail: failure.message, status: failure.status, retryable: failure.kind === "network" && failure.code !== undefined && RETRYABLE_NETWORK_CODES.has(failure.code) };
    }
    const exchanged = seen.exchanged;
    if (exchanged) {
      // An error status: gaxios threw on it. Its body is believed only in Google's error shape.
      const body = googleErrorBody(exchanged);
      const message = body ? googleMessage(body) : undefined;
      const detail = body
        ? `HTTP ${exchanged.status}${message ? `: ${oneLine(message)}` : ""}`
        : `HTTP ${exchanged.status}, and the answer is not Google's JSON error (${contentTypeOf(exchanged.headers)})`;
      return { detail, status: exchanged.status, body, retryable: RETRYABLE_STATUS.has(exchanged.status), retryAfter: exchanged.headers.get("retry-after") ?? undefined };
    }
    // Before the exchange: the credentials could not give a token (their own message, one line).
    return { detail: `no access token: ${oneLine(error instanceof Error ? error.message : String(error)).slice(0, 300)}`, retryable: false };
  }

  private describe(allowed: AllowedMethod, outcome: Outcome, attempts: number): Error {
    if (outcome.refused) return outcome.refused;
    const secrets = this.secrets();
    const text = `${allowed.id}: ${outcome.detail}${attempts > 1 ? ` (after ${attempts} attempts)` : ""}`;
    return new LiveCallError(redact(text, secrets), allowed.id, outcome.status, outcome.body === undefined ? undefined : redactDeep(outcome.body, secrets), Boolean(outcome.timedOut), attempts);
  }
}

interface Outcome {
  detail: string;
  status?: number;
  body?: unknown;
  retryable: boolean;
  retryAfter?: string;
  timedOut?: boolean;
  refused?: RefusedRequestError;
}

/** What gaxios hands its fetch implementation. */
interface FetchInit {
  method?: string;
  headers?: Headers | Record<string, string>;
  body?: unknown;
  agent?: unknown;
  signal?: AbortSignal | null;
}

/** Why a 2xx answer cannot be used: not JSON, or not the method's shape. */
function answerProblem(allowed: AllowedMethod, headers: Headers, body: Buffer): string | undefined {
  const type = contentTypeOf(headers);
  if (!/^application\/(?:[\w.+-]+\+)?json$/.test(type)) return `the answer is ${type}, not JSON`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    return "the answer is not valid JSON";
  }
  const problem = allowed.response(parsed, "");
  return problem ? `the answer does not have the expected shape (${problem})` : undefined;
}

function googleErrorBody(exchanged: Exchanged): unknown {
  if (!/json$/.test(contentTypeOf(exchanged.headers))) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(exchanged.body.toString("utf8"));
  } catch {
    return undefined;
  }
  return GOOGLE_ERROR(parsed, "") === undefined ? parsed : undefined;
}

/** The media type, lower case, reduced to characters a media type can hold (it is printed). */
function contentTypeOf(headers: Headers): string {
  const raw = (headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  const type = /^[\w.+-]{1,60}\/[\w.+-]{1,60}$/.test(raw) ? raw : "";
  return type || "no content type";
}

function plainHeaders(headers: FetchInit["headers"]): Record<string, string> {
  const plain: Record<string, string> = {};
  new Headers(headers ?? {}).forEach((value, name) => (plain[name] = value));
  return plain;
}

/** The request body as bytes the exchange can send; null for another kind (a stream), which is not sent. */
function requestBody(body: unknown): string | Uint8Array | undefined | null {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string" || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  return null;
}

/** Path of a URL without its query (which could hold a key), percent-decoded for reading. */
function safePath(url: string): string {
  try {
    const path = new URL(url).pathname;
    try {
      return decodeURIComponent(path);
    } catch {
      return path;
    }
  } catch {
    return "(unparseable URL)";
  }
}

function originOf(url: string | URL): string | undefined {
  try {
    return new URL(String(url)).origin;
  } catch {
    return undefined;
  }
}

function googleMessage(body: unknown): string | undefined {
  const message = (body as { error?: { message?: unknown } })?.error?.message;
  return typeof message === "string" ? message : undefined;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/**
 * `Retry-After` as milliseconds from `now`: delay-seconds or an HTTP date (RFC 9110 §10.2.3).
 * A date in the past is 0; anything else unreadable is undefined (the backoff applies).
 */
export function retryAfterMs(value: string | undefined, now: number = Date.now()): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date always names a weekday and a time; Date.parse alone accepts far more than that.
  if (!/^[A-Za-z]{3,9},? .*\d{1,2}:\d{2}:\d{2}/.test(text)) return undefined;
  // HTTP dates are in GMT; the asctime form does not say so.
  const at = Date.parse(/\b(GMT|UTC)\b/.test(text) ? text : `${text} GMT`);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** How long to wait before retry number `attempt + 1`, or why not to retry. */
export function retryDelay(
  attempt: number,
  retryAfter: string | undefined,
  limits: Pick<TransportLimits, "backoffMs" | "maxBackoffMs">,
  now: number = Date.now(),
  random: () => number = Math.random,
): { waitMs: number; reason?: undefined } | { waitMs?: undefined; reason: string } {
  const exponential = Math.min(limits.maxBackoffMs, limits.backoffMs * 2 ** attempt);
  const jittered = exponential / 2 + random() * (exponential / 2);
  const asked = retryAfterMs(retryAfter, now);
  if (asked === undefined) return { waitMs: jittered };
  if (asked > limits.maxBackoffMs) return { reason: `asked to retry after ${Math.ceil(asked / 1000)} s, longer than the ${limits.maxBackoffMs} ms --live waits` };
  return { waitMs: Math.max(asked, jittered) };
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
