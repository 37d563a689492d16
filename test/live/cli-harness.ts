import { spawn } from "node:child_process";
import { join } from "node:path";

/** The built CLI (npm test builds dist first), run in a child process whose environment the test sets. */
export const CLI = join(__dirname, "..", "..", "dist", "cli", "main.js");
export const PLAN = join(__dirname, "..", "..", "examples", "plans", "unknown-existing-account.plan.json");

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  findings: Array<{ ruleId: string; status: string; address: string; message: string; reason?: string; remediation?: { gcloud: string[] } }>;
}

/** Only PATH and what `env` says reach the CLI: the machine's own credentials are never used. */
export function preflight(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: "/nonexistent", GOOGLE_APPLICATION_CREDENTIALS: "/nonexistent/adc.json", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => {
      let findings: Run["findings"] = [];
      try {
        findings = (JSON.parse(stdout) as { findings: Run["findings"] }).findings;
      } catch {
        // not JSON output (usage errors)
      }
      resolve({ code, stdout, stderr, findings });
    });
  });
}

export const statusesOf = (run: Run, ruleId: string) => [...new Set(run.findings.filter((finding) => finding.ruleId === ruleId).map((finding) => finding.status))].sort();
