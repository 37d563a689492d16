import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./support";

/**
 * scripts/audit.sh (called by .ci/run) decides from npm audit's JSON report. A stand-in `npm` on
 * PATH prints canned reports, so the decision is tested without the registry.
 */
const dir = mkdtempSync(join(tmpdir(), "preflight-audit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runWith(report: unknown, exitCode: number, env: Record<string, string> = {}) {
  const fakeNpm = join(dir, "npm");
  writeFileSync(join(dir, "report.json"), JSON.stringify(report));
  writeFileSync(fakeNpm, `#!/usr/bin/env bash\n[ "$1" = audit ] || exit 99\ncat ${JSON.stringify(join(dir, "report.json"))}\nexit ${exitCode}\n`);
  chmodSync(fakeNpm, 0o755);
  return spawnSync("bash", [join(ROOT, "scripts", "audit.sh")], { encoding: "utf8", env: { PATH: `${dir}:${process.env.PATH}`, ...env } });
}

const counts = (high: number, critical: number) => ({ info: 0, low: 1, moderate: 2, high, critical, total: 3 + high + critical });

test("clean: exit 0 and says so", () => {
  const run = runWith({ vulnerabilities: {}, metadata: { vulnerabilities: counts(0, 0) } }, 0);
  expect(run.status).toBe(0);
  expect(run.stdout).toMatch(/no high or critical advisory in runtime dependencies \(0 info, 1 low, 2 moderate, 0 high, 0 critical/);
});

test("a high or critical advisory fails and names the package", () => {
  const run = runWith({ vulnerabilities: { "bad-pkg": { severity: "critical", range: "<1.2.3" } }, metadata: { vulnerabilities: counts(0, 1) } }, 1);
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(/critical: bad-pkg <1\.2\.3/);
  expect(run.stderr).toMatch(/1 high or critical advisories/);
});

test("no report from the registry is never called clean: NOT AUDITED, exit 1 when required", () => {
  const refused = { message: "405 Method Not Allowed - POST https://registry.example/-/npm/v1/security/advisories/bulk", statusCode: 405 };
  const run = runWith(refused, 1);
  expect(run.status).toBe(0);
  expect(run.stderr).toMatch(/NOT AUDITED: the registry gave no advisory report \(405 Method Not Allowed/);
  expect(run.stdout).not.toMatch(/no high or critical/);
  expect(runWith(refused, 1, { AUDIT_REQUIRED: "1" }).status).toBe(1);
});
