import { readdirSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

/**
 * Plans above the streaming threshold (64 MB by default; V8 strings stop at 512 MB) are read
 * piece by piece. Lowering the threshold sends every plan through the streaming reader: the
 * report must be the same bytes as with JSON.parse.
 */
const root = join(__dirname, "..", "..");
const cli = join(root, "dist", "cli", "main.js");
const plans = [
  ...readdirSync(join(root, "examples", "plans")).map((f) => join(root, "examples", "plans", f)),
  ...["tgc-gke_custom_node_init.tfplan.json", "conftest-hcl1-gke-show.tfplan.json", "pso-rcpl-iam_allowed_policy_member_domains.tfplan.json"].map((f) => join(root, "test", "fixtures", "corpus", f)),
];
const run = (file: string, env: NodeJS.ProcessEnv = {}) => spawnSync(process.execPath, [cli, file, "--format", "json", "--include-pass"], { encoding: "utf8", env: { ...process.env, ...env } });

test.each(plans)("%s: streamed and parsed give the same report", (file) => {
  const parsed = run(file);
  const streamed = run(file, { PREFLIGHT_STREAMING_THRESHOLD_BYTES: "1000" });
  expect(streamed.stderr).toBe("");
  expect(streamed.status).toBe(parsed.status);
  const withoutPointers = (text: string) => JSON.stringify((JSON.parse(text) as { findings: Array<Record<string, unknown>> }).findings.map(({ pointer: _pointer, ...rest }) => rest));
  expect(withoutPointers(streamed.stdout)).toBe(withoutPointers(parsed.stdout));
});

test("a large Terraform JSON configuration is not mistaken for a plan", () => {
  const file = join(root, "examples", "terraform-json", "good.cdk.tf.json");
  expect(run(file, { PREFLIGHT_STREAMING_THRESHOLD_BYTES: "1000" }).stdout).toBe(run(file).stdout);
});
