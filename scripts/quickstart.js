#!/usr/bin/env node
// Runs preflight on the bundled examples and says what each exit code means.
const { spawnSync } = require("node:child_process");
const { join } = require("node:path");

const root = join(__dirname, "..");
const cli = join(root, "dist", "cli", "main.js");
const runs = [
  ["examples/plans/bad-minimal-roles.plan.json", 1],
  ["examples/terraform-json/bad-default-sa.cdk.tf.json", 1],
  ["examples/plans/good-cluster.plan.json", 0],
];
let surprises = 0;
for (const [file, expected] of runs) {
  console.log(`\n$ preflight ${file}`);
  const { status } = spawnSync(process.execPath, [cli, join(root, file)], { stdio: "inherit", cwd: root });
  const meaning = status === 0 ? "nothing failing" : status === 1 ? "failing findings" : "usage or input error";
  console.log(`exit code ${status} (${meaning}${status === expected ? ", as expected" : `, expected ${expected}`})`);
  if (status !== expected) surprises++;
}
process.exitCode = surprises ? 1 : 0;
