"use strict";
// Summarises a .cpuprofile: self time per function (and per file), top N.
//   node bench/lib/top-functions.js PROFILE [N]
const fs = require("node:fs");
const profile = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const top = Number(process.argv[3] || 25);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = profile.timeDeltas;
for (let i = 0; i < profile.samples.length; i++) {
  const node = byId.get(profile.samples[i]);
  self.set(node.id, (self.get(node.id) || 0) + (dt[i] || 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
const fnTotals = new Map();
const fileTotals = new Map();
for (const [id, us] of self) {
  const cf = byId.get(id).callFrame;
  const file = cf.url.replace(/^file:\/\//, "").replace(/.*\/(dist|node_modules)\//, "$1/") || "(native)";
  const key = `${cf.functionName || "(anonymous)"} ${file}:${cf.lineNumber + 1}`;
  fnTotals.set(key, (fnTotals.get(key) || 0) + us);
  fileTotals.set(file, (fileTotals.get(file) || 0) + us);
}
const fmt = (us) => `${(us / 1000).toFixed(0).padStart(7)} ms ${((us / total) * 100).toFixed(1).padStart(5)} %`;
console.log(`total sampled: ${(total / 1000).toFixed(0)} ms`);
console.log("\nby function (self time):");
for (const [k, us] of [...fnTotals].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${fmt(us)}  ${k}`);
console.log("\nby file (self time):");
for (const [k, us] of [...fileTotals].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${fmt(us)}  ${k}`);
