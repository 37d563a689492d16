import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { matchAllowedMethod } from "../../src/live/allowlist";
import { loadFixture, type Fault, type RecordedRequest } from "./emulator";
import { FAKE_TOKEN, withEmulator } from "./harness";
import { PLAN, preflight, type Run } from "./cli-harness";

/**
 * `preflight --live` against an emulator that answers some calls with hostile responses, and a
 * second loopback server standing for "another host" (redirect targets point there). Reports:
 * text on stdout (what a terminal shows) and JSON in a file (for the verdicts).
 */
export interface HostileRun extends Run {
  /** stderr split into lines, without the final empty one. */
  lines: string[];
  requests: RecordedRequest[];
  /** Requests the other host received, with whether an Authorization header came along. */
  elsewhere: Array<{ method: string; url: string; authorization: boolean }>;
}

export interface HostileOptions {
  args?: string[];
  env?: Record<string, string>;
  input?: string;
}

export async function hostileRun(faults: ReadonlyArray<Fault | ((otherHost: string) => Fault)>, options: HostileOptions = {}): Promise<HostileRun> {
  const elsewhere: HostileRun["elsewhere"] = [];
  const other = createServer((request, response) => {
    elsewhere.push({ method: request.method ?? "", url: request.url ?? "", authorization: request.headers.authorization !== undefined });
    response.writeHead(200, { "content-type": "application/json" });
    response.end("{}");
  });
  await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
  const otherHost = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  const report = join(mkdtempSync(join(tmpdir(), "preflight-hostile-")), "report.json");
  try {
    return await withEmulator(loadFixture("acme-good"), async (emulator) => {
      for (const fault of faults) emulator.inject(typeof fault === "function" ? fault(otherHost) : fault);
      const run = await preflight([options.input ?? PLAN, "--format", "text", "--format", `json=${report}`, "--include-pass", "-v", "--live", "--api-endpoint", emulator.url, ...(options.args ?? [])], {
        GOOGLE_OAUTH_ACCESS_TOKEN: FAKE_TOKEN,
        ...options.env,
      });
      let findings: Run["findings"] = [];
      try {
        findings = (JSON.parse(readFileSync(report, "utf8")) as { findings: Run["findings"] }).findings;
      } catch {
        // no report: a usage error (strict mode)
      }
      return { ...run, findings, lines: run.stderr.split("\n").filter((line) => line !== ""), requests: [...emulator.requests], elsewhere };
    });
  } finally {
    other.closeAllConnections();
    await new Promise<void>((resolve) => other.close(() => resolve()));
  }
}

/** Reads only, nothing sent elsewhere, no token and no control character in anything printed. */
export function expectContained(run: HostileRun): void {
  for (const request of run.requests) {
    expect({ call: `${request.method} ${request.path}`, read: request.method_id !== undefined && matchAllowedMethod(request.method, `http://127.0.0.1${request.url}`) !== undefined }).toEqual({
      call: `${request.method} ${request.path}`,
      read: true,
    });
  }
  expect(run.elsewhere).toEqual([]);
  const printed = run.stdout + run.stderr + JSON.stringify(run.findings);
  expect(printed).not.toContain(FAKE_TOKEN);
  expect(printed).not.toMatch(/ya29\.|Bearer (?!\[redacted\])\S|eyJ[\w-]{8,}\.eyJ/);
  // Terminal output: line breaks only (the text report's colours are off: stdout is not a terminal).
  expect(run.stdout + run.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  for (const line of run.lines) expect(line).toMatch(/^preflight: /);
}

/** The call's facts are unknown for `rules`, and stderr names the call on exactly one line. */
export function expectUnknownWithOneLine(run: HostileRun, methodId: string, rules: readonly string[], reason: RegExp): void {
  expect(run.code).toBe(0);
  const naming = run.lines.filter((line) => line.includes(methodId));
  expect(naming).toHaveLength(1);
  expect(naming[0]).toMatch(reason);
  for (const rule of rules) {
    const statuses = [...new Set(run.findings.filter((finding) => finding.ruleId === rule).map((finding) => finding.status))];
    expect({ rule, statuses }).toEqual({ rule, statuses: ["unknown"] });
  }
}

/** `--live-strict`: exit 2, one line naming the call, no report. */
export function expectStrictStop(run: HostileRun, methodId: string): void {
  expect(run.code).toBe(2);
  expect(run.lines).toHaveLength(1);
  expect(run.lines[0]).toMatch(/^preflight: --live-strict: \d+ live facts? could not be read: /);
  expect(run.lines[0]).toContain(methodId);
  expect(run.stdout).toBe("");
}
