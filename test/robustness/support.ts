import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Json } from "./mutate";

export const ROOT = join(__dirname, "..", "..");
export const CLI = join(ROOT, "dist", "cli", "main.js");

/** Heap limit for every CLI run: a hostile input must not need more (real plans of 10,000 resources fit). */
export const HEAP_MB = 256;
/** Guard against hangs only (speed is measured by `npm run bench`): far above any run's time. */
export const HANG_MS = 60_000;

export interface CliRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `node dist/cli/main.js ARGS` in its own process, with a bounded heap and a hang guard. */
export function runCli(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_MB}`, CLI, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/nonexistent", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill("SIGKILL"), HANG_MS);
    child.on("error", reject);
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8"), ms: Date.now() - started });
    });
  });
}

/** Runs tasks a few at a time (CLI processes are mostly waiting on their own CPU). */
export async function inBatches<T, R>(items: readonly T[], size: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return results;
}

const STACK_TRACE = /^\s+at .+[(:]\d+|\bat (?:Object|Module|Function)\.|node:internal|\.js:\d+:\d+/m;

/**
 * The contract for any input: exit 0 or 1 with a report on stdout, or exit 2 with exactly one
 * line on stderr that starts with `preflight: ` and names the file. Never a signal, a stack
 * trace, an internal error or an out-of-memory abort. Returns a description of what is wrong, or
 * undefined.
 */
export function contractViolation(run: CliRun, shownName: string): string | undefined {
  if (run.signal) return `killed by ${run.signal} after ${run.ms} ms (hang or out of memory)`;
  if (STACK_TRACE.test(run.stderr) || STACK_TRACE.test(run.stdout)) return `stack trace printed: ${run.stderr.slice(0, 300)}`;
  if (/internal error|heap out of memory|FATAL ERROR/i.test(run.stderr)) return `crashed: ${run.stderr.slice(0, 300)}`;
  if (run.status === 0 || run.status === 1) {
    if (run.stdout.length === 0) return `exit ${run.status} without a report`;
    return undefined;
  }
  if (run.status === 2) {
    if (run.stdout !== "") return `exit 2 but stdout is not empty: ${run.stdout.slice(0, 200)}`;
    const lines = run.stderr.replace(/\n$/, "").split("\n");
    if (lines.length !== 1) return `exit 2 with ${lines.length} stderr lines: ${run.stderr.slice(0, 300)}`;
    if (!lines[0].startsWith("preflight: ")) return `stderr line does not start with "preflight: ": ${lines[0].slice(0, 200)}`;
    if (!lines[0].includes(shownName)) return `stderr line does not name ${shownName}: ${lines[0].slice(0, 200)}`;
    return undefined;
  }
  return `unexpected exit ${run.status}: ${run.stderr.slice(0, 300)}`;
}

export interface FixtureDoc {
  file: string;
  doc: Json;
}

/** The real plans and cdk.tf.json the fuzz tests start from: examples/ and the public corpus. */
export function seedDocuments(): FixtureDoc[] {
  const dirs = ["examples/plans", "examples/terraform-json", "test/fixtures/corpus"];
  return dirs.flatMap((dir) =>
    readdirSync(join(ROOT, dir))
      .filter((f) => f.endsWith(".json"))
      .sort()
      .map((f) => ({ file: `${dir}/${f}`, doc: JSON.parse(readFileSync(join(ROOT, dir, f), "utf8")) as Json })),
  );
}
