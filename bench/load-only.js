#!/usr/bin/env node
"use strict";
// The reader's own cost: file → model, nothing else. Compares the JSON.parse reader
// (loadInputs) with the streaming one (src/inputs/stream).
//   node bench/load-only.js FILE --reader parse|stream
const path = require("node:path");
const dist = process.env.BENCH_DIST ? path.resolve(process.env.BENCH_DIST) : path.join(__dirname, "..", "dist");
const args = process.argv.slice(2);
const file = args[0];
const reader = args[args.indexOf("--reader") + 1] || "parse";
const t0 = process.hrtime.bigint();
const models = reader === "stream"
  ? [require(path.join(dist, "inputs", "stream")).modelFromPlanFile(file)]
  : require(path.join(dist, "inputs", "load")).loadInputs(file);
const t1 = process.hrtime.bigint();
console.log(JSON.stringify({ reader, resources: models.reduce((n, m) => n + m.resources.length, 0), loadMs: Math.round(Number(t1 - t0) / 1e6) }));
