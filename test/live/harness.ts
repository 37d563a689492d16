import { spawn } from "node:child_process";
import { join } from "node:path";
import type { LiveFacts } from "../../src/live/facts";
import type { LiveOptions, LiveRequest } from "../../src/live/request-types";
import type { CallRecord } from "../../src/live/transport";
import { GoogleEmulator, type Fixture } from "./emulator";

/** Looks like a real token so both the redaction patterns and the literal check apply. */
export const FAKE_TOKEN = "ya29.a0-FAKE-emulator-token-Zq81xWc0pLkD3vN7";

export interface ReaderRun {
  facts: LiveFacts;
  calls: CallRecord[];
  progress: Array<[number, number]>;
  thrown?: { name: string; message: string };
  stdout: string;
  stderr: string;
}

export type ReaderOptions = Omit<LiveOptions, "onProgress">;

const ROOT = join(__dirname, "..", "..");

/**
 * readLive in a child Node process. Only PATH reaches it from this environment (plus what
 * `options.env` says), so credentials of the machine running the tests are never used.
 */
export function runReader(request: LiveRequest, options: ReaderOptions): Promise<ReaderRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(__dirname, "reader-process.ts")], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: "/nonexistent", GOOGLE_APPLICATION_CREDENTIALS: "/nonexistent/adc.json", ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", () => {
      try {
        const parsed = JSON.parse(stdout) as Partial<ReaderRun>;
        const empty: LiveFacts = { projects: {}, serviceAccounts: {}, roles: {} };
        resolve({ ...parsed, facts: parsed.facts ?? empty, calls: parsed.calls ?? [], progress: parsed.progress ?? [], stdout, stderr });
      } catch {
        reject(new Error(`reader process printed no JSON. stderr: ${stderr}`));
      }
    });
    child.stdin.end(JSON.stringify({ request, options }));
  });
}

export async function withEmulator<T>(fixture: Fixture, run: (emulator: GoogleEmulator) => Promise<T>): Promise<T> {
  const emulator = await new GoogleEmulator(fixture, FAKE_TOKEN).start();
  try {
    return await run(emulator);
  } finally {
    await emulator.stop();
  }
}

/**
 * The deadline of every call in tests that do not test deadlines: a loopback answer takes
 * milliseconds, but a loaded machine saw calls take more than 2 s. (Deadlines themselves are
 * tested in transport.test.ts with calls that never finish, so only the deadline can end them.)
 */
export const ANSWERS_IN_TIME_MS = 60_000;

/** The deadline of the end-to-end timeout tests, whose slow call is held until the emulator stops. */
export const TIMEOUT_TEST_MS = 10_000;

export function emulatorOptions(emulator: GoogleEmulator, extra: Partial<ReaderOptions> = {}): ReaderOptions {
  return { apiEndpoint: emulator.url, accessToken: FAKE_TOKEN, env: {}, backoffMs: 5, timeoutMs: ANSWERS_IN_TIME_MS, ...extra };
}
