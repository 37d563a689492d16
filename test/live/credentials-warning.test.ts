import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

// Run `npm run build` first (npm test does): the CLI runs from dist/ in its own process, because
// the warning it must not print goes to the real stderr of the process.
const CLI = join(__dirname, "..", "..", "dist", "cli", "main.js");
const PLAN = join(__dirname, "..", "..", "examples", "plans", "good-cluster.plan.json");

/** A "metadata server" that hangs up on every request: gcp-metadata calls that unexpected and warns. */
function hangingUpServer(): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer((req) => req.socket.destroy());
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

test("without credentials, where the metadata server misbehaves: still exactly one line on stderr", async () => {
  const server = await hangingUpServer();
  try {
    const { port } = server.address() as AddressInfo;
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(process.execPath, [CLI, PLAN, "--live"], { env: { PATH: process.env.PATH ?? "", HOME: "/nonexistent", GCE_METADATA_HOST: `127.0.0.1:${port}` } }, (error, _stdout, stderr) =>
        resolve({ code: error ? (error as NodeJS.ErrnoException & { code?: number }).code as unknown as number : 0, stderr }),
      );
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^preflight: --live: no Google credentials \(.*\); set GOOGLE_OAUTH_ACCESS_TOKEN or run `gcloud auth application-default login`\n$/);
    expect(result.stderr).not.toContain("MetadataLookupWarning");
  } finally {
    server.close();
  }
});
