import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A Kubernetes API server on 127.0.0.1 over TLS, with a CA made here by openssl (Node's crypto
 * parses certificates but cannot issue them; openssl is a Debian package, installed by .ci/run).
 * It answers /version and /api/v1/namespaces as the mode says, and records every request.
 */
export interface TestCa {
  /** PEM of the CA certificate; base64 of it is what clusters.get puts in masterAuth.clusterCaCertificate. */
  caPem: string;
  serverKey: string;
  serverCert: string;
}

export function makeCa(name = "test-cluster-ca", days = 30): TestCa {
  const dir = mkdtempSync(join(tmpdir(), "doctor-ca-"));
  const at = (file: string) => join(dir, file);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  openssl("req", "-x509", ...ec, "-keyout", at("ca.key"), "-out", at("ca.crt"), "-days", String(days), "-subj", `/CN=${name}`,
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
  openssl("req", ...ec, "-keyout", at("server.key"), "-out", at("server.csr"), "-subj", "/CN=kube-apiserver");
  writeFileSync(at("ext.cnf"), "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1\n");
  openssl("x509", "-req", "-in", at("server.csr"), "-CA", at("ca.crt"), "-CAkey", at("ca.key"), "-CAcreateserial", "-out", at("server.crt"), "-days", String(days), "-extfile", at("ext.cnf"));
  return { caPem: readFileSync(at("ca.crt"), "utf8"), serverKey: readFileSync(at("server.key"), "utf8"), serverCert: readFileSync(at("server.crt"), "utf8") };
}

export type KubeMode = "ok" | "unauthorized" | "forbidden";

export interface KubeRequest {
  method: string;
  url: string;
  /** Whether the expected bearer token came; the header itself is never kept. */
  authorized: boolean;
  hadAuthorization: boolean;
}

export class KubeApiServer {
  readonly requests: KubeRequest[] = [];
  private server?: Server;

  constructor(
    private readonly ca: TestCa,
    private readonly expectedToken: string,
    public mode: KubeMode = "ok",
  ) {}

  get endpoint(): string {
    return `127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    this.server = createServer({ key: this.ca.serverKey, cert: this.ca.serverCert }, (request, response) => {
      const authorization = request.headers.authorization;
      const record: KubeRequest = {
        method: request.method ?? "",
        url: request.url ?? "",
        authorized: authorization === `Bearer ${this.expectedToken}`,
        hadAuthorization: authorization !== undefined,
      };
      this.requests.push(record);
      const send = (status: number, body: unknown) => {
        response.writeHead(status, { "content-type": "application/json" });
        response.end(JSON.stringify(body));
      };
      const status = (code: number, reason: string, message: string) => send(code, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code });
      const path = record.url.split("?")[0];
      if (record.method === "GET" && path === "/version") return send(200, { major: "1", minor: "30", gitVersion: "v1.30.5-gke.1014001" });
      if (record.method !== "GET" || path !== "/api/v1/namespaces") return status(404, "NotFound", "the server could not find the requested resource");
      if (!record.authorized || this.mode === "unauthorized") return status(401, "Unauthorized", "Unauthorized");
      if (this.mode === "forbidden") return status(403, "Forbidden", 'namespaces is forbidden: User "someone@example.com" cannot list resource "namespaces"');
      send(200, { kind: "NamespaceList", apiVersion: "v1", metadata: {}, items: [{ metadata: { name: "default" } }] });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
