import { execFile } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";
import { terminalSafe } from "../text/terminal-text";

/**
 * Finding and running the local programs the page names (gke-gcloud-auth-plugin, kubectl) with
 * the PATH of the environment given, never through a shell, with a deadline and a small output cap.
 */
export function findOnPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  if (isAbsolute(name)) return isExecutable(name) ? name : undefined;
  const extensions = process.platform === "win32" ? ["", ...(env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";")] : [""];
  for (const folder of (env.PATH ?? "").split(delimiter)) {
    if (folder === "") continue;
    for (const extension of extensions) {
      const candidate = join(folder, name + extension);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface ProgramRun {
  ok: boolean;
  /** Standard output, control characters removed, at most 64 KiB. */
  stdout: string;
  /** Why it did not run or failed, one line. */
  problem?: string;
}

export const PROGRAM_TIMEOUT_MS = 15_000;

export function runProgram(path: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = PROGRAM_TIMEOUT_MS): Promise<ProgramRun> {
  return new Promise((resolve) => {
    execFile(path, [...args], { env, timeout: timeoutMs, maxBuffer: 64 * 1024, windowsHide: true, encoding: "utf8" }, (error, stdout, stderr) => {
      if (!error) return resolve({ ok: true, stdout: String(stdout) });
      const failure = error as NodeJS.ErrnoException & { killed?: boolean; code?: number | string };
      const problem = failure.killed
        ? `did not finish within ${timeoutMs} ms`
        : typeof failure.code === "number"
          ? `exited with code ${failure.code}${firstLine(String(stderr)) ? `: ${firstLine(String(stderr))}` : ""}`
          : `could not be run (${failure.code ?? failure.message})`;
      resolve({ ok: false, stdout: String(stdout ?? ""), problem });
    });
  });
}

export function firstLine(text: string): string {
  return terminalSafe(text.split(/\r?\n/).find((line) => line.trim() !== "")?.trim() ?? "").slice(0, 200);
}

/** `v1.29.3`, `Kubernetes v1.28.2-alpha+…` → {major, minor}; undefined when no version is found. */
export function parseMinorVersion(text: string): { major: number; minor: number } | undefined {
  const match = /v?(\d+)\.(\d+)(?:\.\d+)?/.exec(text);
  return match ? { major: Number(match[1]), minor: Number(match[2]) } : undefined;
}
