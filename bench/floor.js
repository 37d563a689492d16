#!/usr/bin/env node
"use strict";
// The floor: what any Node tool pays to read a JSON file and parse it, and nothing else.
// Prints {readMs, parseMs} as one JSON line; exits 3 when the file cannot be one string.
const { readFileSync } = require("node:fs");

const file = process.argv[2];
const t0 = process.hrtime.bigint();
let text;
try {
  text = readFileSync(file, "utf8");
} catch (error) {
  console.log(JSON.stringify({ error: error.code || error.message }));
  process.exit(3);
}
const t1 = process.hrtime.bigint();
const json = JSON.parse(text);
const t2 = process.hrtime.bigint();
const ms = (a, b) => Number(b - a) / 1e6;
console.log(JSON.stringify({ readMs: ms(t0, t1), parseMs: ms(t1, t2), keys: Object.keys(json).length }));
