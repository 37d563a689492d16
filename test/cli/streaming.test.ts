import { readdirSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

/**
 * Plans are read by the streaming reader (src/inputs/stream); PREFLIGHT_STREAMING_THRESHOLD_BYTES
 * =Infinity sends them through readFile + JSON.parse instead. Both must give the same report,
 * byte for byte, JSON pointers included.
 */
const root = join(__dirname, "..", "..");
const cli = join(root, "dist", "cli", "main.js");
const plans = [
  ...readdirSync(join(root, "examples", "plans")).map((f) => join(root, "examples", "plans", f)),
  ...["tgc-gke_custom_node_init.tfplan.json", "conftest-hcl1-gke-show.tfplan.json", "pso-rcpl-iam_allowed_policy_member_domains.tfplan.json"].map((f) => join(root, "test", "fixtures", "corpus", f)),
];
const run = (file: string, env: NodeJS.ProcessEnv = {}) => spawnSync(process.execPath, [cli, file, "--format", "json", "--include-pass"], { encoding: "utf8", env: { ...process.env, ...env } });

test.each(plans)("%s: streamed and parsed give the same report", (file) => {
  const parsed = run(file, { PREFLIGHT_STREAMING_THRESHOLD_BYTES: "Infinity" });
  const streamed = run(file);
  expect(streamed.stderr).toBe("");
  expect(streamed.status).toBe(parsed.status);
  expect(streamed.stdout).toBe(parsed.stdout);
  expect(streamed.stdout.length).toBeGreaterThan(100);
});

test("a large Terraform JSON configuration is not mistaken for a plan", () => {
  const file = join(root, "examples", "terraform-json", "good.cdk.tf.json");
  expect(run(file).stdout).toBe(run(file, { PREFLIGHT_STREAMING_THRESHOLD_BYTES: "Infinity" }).stdout);
});
