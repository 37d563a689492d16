#!/usr/bin/env node
"use strict";
// The full check of a plan read by the streaming reader (src/inputs/stream), as the CLI would do
// it once wired: model, all rules, JSON report to a file. For plans JSON.parse cannot take.
//   node bench/stream-check.js PLAN [--load-only] [REPORT_OUT]
// --load-only stops after the model is built (the reader's own cost).
const fs = require("node:fs");
const path = require("node:path");
const dist = process.env.BENCH_DIST ? path.resolve(process.env.BENCH_DIST) : path.join(__dirname, "..", "dist");
const { modelFromPlanFile } = require(path.join(dist, "inputs", "stream"));
const { reportFor } = require(path.join(dist, "engine", "run"));

const args = process.argv.slice(2);
const loadOnly = args.includes("--load-only");
const [file, outArg] = args.filter((a) => a !== "--load-only");
const out = outArg || path.join(__dirname, "out", "stream-check.report.json");
const t0 = process.hrtime.bigint();
const model = modelFromPlanFile(file);
const t1 = process.hrtime.bigint();
const ms = (a, b) => Math.round(Number(b - a) / 1e6);
if (loadOnly) {
  console.log(JSON.stringify({ resources: model.resources.length, loadMs: ms(t0, t1) }));
  process.exit(0);
}
const report = reportFor([model]);
const t2 = process.hrtime.bigint();
fs.writeFileSync(out, JSON.stringify(report, null, 2));
const t3 = process.hrtime.bigint();
console.log(JSON.stringify({ resources: model.resources.length, findings: report.findings.length, summary: report.summary, loadMs: ms(t0, t1), checkMs: ms(t1, t2), reportMs: ms(t2, t3) }));
