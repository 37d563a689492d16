"use strict";
// Preloaded (`node --require`) to list every module file a run loads, written at exit to
// BENCH_LOADS_FILE (one path a line). Used to prove that heavy packages stay unloaded.
const Module = require("node:module");
const { writeFileSync } = require("node:fs");
const loaded = new Set();
const original = Module._load;
Module._load = function load(request, parent, isMain) {
  try {
    loaded.add(Module._resolveFilename(request, parent, isMain));
  } catch {
    loaded.add(request);
  }
  return original.apply(this, arguments);
};
process.on("exit", () => {
  if (process.env.BENCH_LOADS_FILE) writeFileSync(process.env.BENCH_LOADS_FILE, [...loaded].join("\n"));
});
