import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";

/**
 * One HTTP request and its whole answer, under limits the server cannot stretch:
 * - one deadline for connecting, sending, the headers AND the body (a server that drips one
 *   byte a second is cut off when it passes, not when it stops);
 * - a size cap on the body, checked against Content-Length first and then byte by byte;
 * - no redirect is followed: a 3xx is an error (a redirect could lead to a write method or take
 *   the Authorization header to another host; Google's APIs do not redirect these reads);
 * - no compression is asked for, so the size cap is the size held in memory.
 * Node's own http/https, not fetch: fetch follows redirects unless told otherwise, and its body
 * is read after the call returns, outside any timer the caller set.
 */
export interface ExchangeLimits {
  /** For the whole exchange, headers and body. */
  deadlineMs: number;
  maxResponseBytes: number;
}

export interface ExchangeRequest {
  method: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** A proxy or keep-alive agent chosen by the caller (gaxios picks one from HTTPS_PROXY). */
  agent?: HttpAgent;
  /** Cancels the exchange (the client library's own cancel). */
  signal?: AbortSignal;
}

export interface Exchanged {
  status: number;
  headers: Headers;
  body: Buffer;
}

export type ExchangeFailure = "deadline" | "too-large" | "redirect" | "network" | "cancelled";

export class ExchangeError extends Error {
  override name = "ExchangeError";
  constructor(
    message: string,
    readonly kind: ExchangeFailure,
    /** The network error code (ECONNRESET, …), when there was one. */
    readonly code?: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export function exchange(url: URL, request: ExchangeRequest, limits: ExchangeLimits): Promise<Exchanged> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const outgoing = send(url, { method: request.method, headers: { ...request.headers, "accept-encoding": "identity" }, ...(request.agent && { agent: request.agent }) }, (answer) =>
      receive(answer),
    );
    const finish = (error: ExchangeError | undefined, result?: Exchanged) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.signal?.removeEventListener("abort", cancel);
      if (error) {
        outgoing.destroy();
        reject(error);
      } else resolve(result!);
    };
    const timer = setTimeout(() => finish(new ExchangeError(`no complete answer within ${limits.deadlineMs} ms`, "deadline")), limits.deadlineMs);
    const cancel = () => finish(new ExchangeError("cancelled", "cancelled"));
    if (request.signal?.aborted) return cancel();
    request.signal?.addEventListener("abort", cancel, { once: true });
    outgoing.on("error", (error: NodeJS.ErrnoException) => finish(networkError(error)));

    const tooLarge = () => new ExchangeError(`the answer is larger than ${limits.maxResponseBytes} bytes`, "too-large");
    const receive = (answer: IncomingMessage) => {
      const status = answer.statusCode ?? 0;
      if (status >= 300 && status < 400) {
        answer.resume();
        return finish(new ExchangeError(`answered HTTP ${status}, a redirect, which --live does not follow`, "redirect", undefined, status));
      }
      const declared = Number(answer.headers["content-length"]);
      if (Number.isFinite(declared) && declared > limits.maxResponseBytes) return finish(tooLarge());
      const chunks: Buffer[] = [];
      let size = 0;
      answer.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > limits.maxResponseBytes) return finish(tooLarge());
        chunks.push(chunk);
      });
      answer.on("end", () => finish(undefined, { status, headers: toHeaders(answer.headers), body: Buffer.concat(chunks, size) }));
      answer.on("error", (error: NodeJS.ErrnoException) => finish(networkError(error)));
      // A connection closed before the body's end (Content-Length not reached) ends without "end".
      answer.on("close", () => {
        if (!answer.complete) finish(new ExchangeError("the connection closed before the answer was complete", "network", "ECONNRESET"));
      });
    };
    outgoing.end(request.body);
  });
}

function networkError(error: NodeJS.ErrnoException): ExchangeError {
  const code = typeof error.code === "string" ? error.code : undefined;
  return new ExchangeError(code ? `network error ${code}` : "network error", "network", code);
}

function toHeaders(incoming: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined) continue;
    try {
      for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
    } catch {
      // A header value fetch's Headers refuses: dropped; nothing we read depends on it.
    }
  }
  return headers;
}
