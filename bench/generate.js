#!/usr/bin/env node
"use strict";
// Seeded generator of synthetic inputs for the benchmark.
//
//   node bench/generate.js --resources 10000 --format plan|tfjson --seed 1 --out bench/out/p10k.plan.json
//   node bench/generate.js --shape quadratic --pools 10000 --members 10000 --out bench/out/quad.plan.json
//
// Same arguments → same bytes. Prints one JSON line with what was written.

const path = require("node:path");
const fs = require("node:fs");
const { describeUnit, unitRecords, rootRecords, quadraticRecords } = require("./lib/units");
const { writePlan } = require("./lib/plan-writer");
const { writeTerraformJson } = require("./lib/tfjson-writer");
const { monorepoConfiguration, quadraticConfiguration } = require("./lib/plan-config");

function parseArgs(argv) {
  const args = { resources: 1000, format: "plan", seed: 1, shape: "monorepo", pools: 10000, members: 10000 };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, "");
    if (!(key in args) && key !== "out") throw new Error(`unknown option ${argv[i]}`);
    args[key] = argv[++i];
  }
  for (const k of ["resources", "seed", "pools", "members"]) args[k] = Number(args[k]);
  if (!args.out) throw new Error("--out FILE is required");
  if (!["plan", "tfjson"].includes(args.format)) throw new Error("--format must be plan or tfjson");
  return args;
}

const managedIn = (format) => (r) => r.mode === "managed" && (format === "plan" || r.tf);

/** Units of the monorepo, as many as it takes to reach `resources` managed resources. */
function monorepoSource(resources, seed, format) {
  const root = rootRecords();
  const counts = managedIn(format);
  let total = root.filter(counts).length;
  const units = [];
  while (total < resources) {
    const u = describeUnit(seed, units.length);
    total += unitRecords(u).filter(counts).length;
    units.push(u);
  }
  const teams = [];
  for (const u of units) if (!teams.some((t) => t.moduleName === u.moduleName)) teams.push({ moduleName: u.moduleName, existing: u.existing });
  return {
    rootRecords: root,
    groups: function* () {
      for (const u of units) yield { address: `module.${u.moduleName}[${JSON.stringify(u.projectId)}]`, records: unitRecords(u) };
    },
    configuration: monorepoConfiguration(teams),
    units: units.length,
  };
}

function quadraticSource(pools, members) {
  return { rootRecords: quadraticRecords(pools, members), groups: function* () {}, configuration: quadraticConfiguration(), units: 1 };
}

function generate(args) {
  fs.mkdirSync(path.dirname(path.resolve(args.out)), { recursive: true });
  const source = args.shape === "quadratic" ? quadraticSource(args.pools, args.members) : monorepoSource(args.resources, args.seed, args.format);
  const started = process.hrtime.bigint();
  const written = args.format === "plan" ? writePlan(args.out, source) : writeTerraformJson(args.out, source);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { out: args.out, format: args.format, shape: args.shape, seed: args.seed, units: source.units, ...written, ms: Math.round(ms) };
}

if (require.main === module) {
  try {
    console.log(JSON.stringify(generate(parseArgs(process.argv.slice(2)))));
  } catch (e) {
    console.error(`generate: ${e.message}`);
    process.exit(2);
  }
}

module.exports = { generate, parseArgs };
