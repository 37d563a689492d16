/**
 * Runs readLive in a plain Node process, the way the CLI does: Jest's module sandbox cannot run the
 * dynamic `import()` gaxios uses to load its HTTP client, and the production path should be the
 * one tested anyway. Input on stdin: {request, options}; output on stdout: {facts, calls, progress}
 * or {thrown}.
 */
import { readFileSync } from "node:fs";
import { readLive } from "../../src/live/read";

// The clients are loaded on first use, each blocking the event loop (150–200 ms on this machine,
// seconds on a loaded one) while other requests' deadlines run. Loaded here first, so the calls'
// deadlines measure calls.
for (const client of ["@googleapis/cloudresourcemanager", "@googleapis/iam", "@googleapis/serviceusage", "@google-cloud/iam", "@google-cloud/artifact-registry"]) require(client);

const input = JSON.parse(readFileSync(0, "utf8")) as { request: Parameters<typeof readLive>[0]; options: Parameters<typeof readLive>[1] };
const progress: Array<[number, number]> = [];
readLive(input.request, { ...input.options, onProgress: (done, total) => progress.push([done, total]) }).then(
  ({ facts, calls }) => process.stdout.write(JSON.stringify({ facts, calls, progress })),
  (error: Error) => process.stdout.write(JSON.stringify({ thrown: { name: error.name, message: error.message } })),
);
