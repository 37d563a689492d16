import { request } from "node:https";
import { isIP } from "node:net";
import { matchKubernetesRead } from "../live/allowlist";
import { redact } from "../live/redact";
import type { DoctorCall } from "./types";

/**
 * The page's `curl` to the API server, done here: a GET on the cluster's endpoint with the token
 * and the cluster's own CA (from clusters.get; the system CAs are not trusted for it). Only the
 * reads of `matchKubernetesRead` leave; no redirect is followed (node:https follows none), every
 * call has a deadline and a cap on the answer, and error texts are redacted.
 */
export interface KubeAnswer {
  status: number;
  /** From a JSON answer: `kind` (NamespaceList, Status), `reason`/`message` of a Status, `gitVersion`. */
  kind?: string;
  reason?: string;
  message?: string;
  gitVersion?: string;
}

export interface KubeFailure {
  error: string;
  /** TLS verification failed (the CA does not sign the server's certificate, or the name differs). */
  tls?: boolean;
}

export const KUBE_TIMEOUT_MS = 15_000;
const MAX_ANSWER_BYTES = 1024 * 1024;

export function kubeGet(
  endpoint: string,
  pathAndQuery: string,
  options: { token?: string; caPem: string; calls: DoctorCall[]; timeoutMs?: number },
): Promise<KubeAnswer | KubeFailure> {
  const url = `https://${endpoint}${pathAndQuery}`;
  const allowed = matchKubernetesRead("GET", url, endpoint);
  if (!allowed) return Promise.resolve({ error: `refused GET ${pathAndQuery}: not on the Kubernetes read allowlist of preflight doctor` });
  const record: DoctorCall = { methodId: allowed.id, httpMethod: "GET", path: allowed.path };
  options.calls.push(record);
  const target = new URL(url);
  const host = target.hostname.replace(/^\[(.*)\]$/, "$1");
  const secrets = options.token ? [options.token] : [];
  const timeoutMs = options.timeoutMs ?? KUBE_TIMEOUT_MS;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: KubeAnswer | KubeFailure) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if ("status" in result) record.status = result.status;
      resolve(result);
    };
    const outgoing = request(
      {
        host,
        port: target.port ? Number(target.port) : 443,
        path: `${target.pathname}${target.search}`,
        method: "GET",
        ca: options.caPem,
        // Only names go in SNI; an IP endpoint is checked against the certificate's IP entries.
        ...(isIP(host) === 0 && { servername: host }),
        rejectUnauthorized: true,
        agent: false,
        headers: { accept: "application/json", ...(options.token && { authorization: `Bearer ${options.token}` }) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) {
            outgoing.destroy();
            finish({ error: `the answer to GET ${allowed.path} is larger than ${MAX_ANSWER_BYTES} bytes` });
            return;
          }
          chunks.push(chunk);
        });
        response.on("end", () => finish(answerOf(response.statusCode ?? 0, Buffer.concat(chunks).toString("utf8"))));
        response.on("error", (error) => finish({ error: redact(`GET ${allowed.path}: ${error.message}`, secrets) }));
      },
    );
    const timer = setTimeout(() => {
      outgoing.destroy();
      finish({ error: `GET ${allowed.path}: no answer within ${timeoutMs} ms` });
    }, timeoutMs);
    outgoing.on("error", (error: NodeJS.ErrnoException) => {
      const tls = /CERT|SELF_SIGNED|UNABLE_TO_|ERR_TLS|HOSTNAME|IP_ADDRESS/.test(String(error.code ?? "")) || /certificate/i.test(error.message);
      finish({ error: redact(`GET ${allowed.path}: ${error.code ? `${error.code}: ` : ""}${error.message}`.split("\n")[0] ?? "", secrets), ...(tls && { tls }) });
    });
    outgoing.end();
  });
}

function answerOf(status: number, text: string): KubeAnswer {
  const answer: KubeAnswer = { status };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return answer;
  }
  if (typeof body !== "object" || body === null) return answer;
  const fields = body as Record<string, unknown>;
  for (const key of ["kind", "reason", "message", "gitVersion"] as const) {
    const value = fields[key];
    if (typeof value === "string") answer[key] = value.slice(0, 300);
  }
  return answer;
}

export function isKubeFailure(value: KubeAnswer | KubeFailure | undefined): value is KubeFailure {
  return value !== undefined && "error" in value;
}
