#!/usr/bin/env bash
# Known vulnerabilities in what users install (runtime dependencies, not dev tools):
#   npm audit --omit=dev --audit-level=high
# Fails on any high or critical advisory. npm audit asks the registry's advisory endpoint; where
# that endpoint cannot be reached or refuses the request (some mirrors answer 405), the audit did
# not run: this says so loudly and exits 0, or 1 with AUDIT_REQUIRED=1. It never reports "clean"
# without an answer from the registry.
set -uo pipefail
cd "$(dirname "$0")/.."
echo "npm audit --omit=dev --audit-level=high"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
npm audit --omit=dev --audit-level=high --json >"$out" 2>/dev/null
status=$?
node - "$out" "$status" <<'JS'
const [file, status] = process.argv.slice(2);
const fs = require("node:fs");
let report;
try {
  report = JSON.parse(fs.readFileSync(file, "utf8"));
} catch {
  report = undefined;
}
const counts = report?.metadata?.vulnerabilities;
if (!counts) {
  const why = report?.message ?? report?.error?.summary ?? `npm audit exited ${status} without a report`;
  console.error(`scripts/audit.sh: NOT AUDITED: the registry gave no advisory report (${String(why).split("\n")[0]})`);
  process.exit(process.env.AUDIT_REQUIRED === "1" ? 1 : 0);
}
const summary = Object.entries(counts).map(([level, n]) => `${n} ${level}`).join(", ");
const blocking = (counts.high ?? 0) + (counts.critical ?? 0);
if (blocking > 0) {
  for (const [name, v] of Object.entries(report.vulnerabilities ?? {})) {
    if (v.severity === "high" || v.severity === "critical") console.error(`  ${v.severity}: ${name} ${v.range ?? ""}`);
  }
  console.error(`scripts/audit.sh: ${blocking} high or critical advisories in runtime dependencies (${summary})`);
  process.exit(1);
}
console.log(`scripts/audit.sh: no high or critical advisory in runtime dependencies (${summary})`);
JS
