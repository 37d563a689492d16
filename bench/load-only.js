#!/usr/bin/env node
"use strict";
// The reader's own cost: file → model, nothing else.
//   node bench/load-only.js FILE [--reader load|parse|stream]
// load:   loadInputs, what the CLI does (plans are streamed, other inputs parsed whole)
// parse:  the whole-file reader: readFile, JSON.parse, model (what loadInputs did before every plan was streamed)
// stream: the streaming plan reader of src/inputs/stream alone
const path = require("node:path");
const dist = process.env.BENCH_DIST ? path.resolve(process.env.BENCH_DIST) : path.join(__dirname, "..", "dist");
const args = process.argv.slice(2);
const file = args[0];
const reader = args.includes("--reader") ? args[args.indexOf("--reader") + 1] : "load";
const readers = {
  load: () => require(path.join(dist, "inputs", "load")).loadInputs(file),
  parse: () => {
    const { modelFromJson } = require(path.join(dist, "inputs", "load"));
    const { readJsonFile } = require(path.join(dist, "inputs", "read-json"));
    return [modelFromJson(readJsonFile(file), file)];
  },
  stream: () => [require(path.join(dist, "inputs", "stream")).modelFromPlanFile(file)],
};
if (!readers[reader]) throw new Error(`unknown reader ${reader}; expected load, parse or stream`);
const t0 = process.hrtime.bigint();
const models = readers[reader]();
const t1 = process.hrtime.bigint();
console.log(JSON.stringify({ reader, resources: models.reduce((n, m) => n + m.resources.length, 0), loadMs: Math.round(Number(t1 - t0) / 1e6) }));
