import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { scenarios, cdkTfJson, type ScenarioName } from "../support/scenarios";
import { sharedVpcPlatform, workloadIdentityPlatform, cmekPlatform, pinnedVersionsPlatform, agentGrantBeforeApiPlatform } from "../support/platforms";

/**
 * examples/ is generated from the test scenarios so that what the README walks through is
 * exactly what the tests check. `UPDATE_EXAMPLES=1 npx jest test/examples` rewrites them.
 */
const root = join(__dirname, "..", "..");
const cli = join(root, "dist", "cli", "main.js");
const files: Array<[string, () => unknown]> = [
  ...(Object.keys(scenarios) as ScenarioName[]).map((name): [string, () => unknown] => [`examples/plans/${name}.plan.json`, scenarios[name]]),
  ["examples/terraform-json/good.cdk.tf.json", () => cdkTfJson("good")],
  ["examples/terraform-json/bad-default-sa.cdk.tf.json", () => cdkTfJson("bad-default-sa")],
  ["examples/terraform-json/shared-vpc-service.cdk.tf.json", () => sharedVpcPlatform("good")],
  ["examples/terraform-json/bad-shared-vpc-new-host.cdk.tf.json", () => sharedVpcPlatform("bad")],
  ["examples/terraform-json/workload-identity.cdk.tf.json", () => workloadIdentityPlatform("good")],
  ["examples/terraform-json/bad-workload-identity-race.cdk.tf.json", () => workloadIdentityPlatform("bad")],
  ["examples/terraform-json/cmek-cluster.cdk.tf.json", () => cmekPlatform("good")],
  ["examples/terraform-json/bad-cmek-node-account.cdk.tf.json", () => cmekPlatform("bad")],
  ["examples/terraform-json/pinned-versions.cdk.tf.json", () => pinnedVersionsPlatform("good")],
  ["examples/terraform-json/bad-version-skew-ranges.cdk.tf.json", () => pinnedVersionsPlatform("bad")],
  ["examples/terraform-json/bad-agent-grant-before-api.cdk.tf.json", agentGrantBeforeApiPlatform],
];

describe("bundled examples", () => {
  test.each(files)("%s is up to date", (file, make) => {
    const text = JSON.stringify(make(), null, 2) + "\n";
    const path = join(root, file);
    if (process.env.UPDATE_EXAMPLES) {
      mkdirSync(join(path, ".."), { recursive: true });
      writeFileSync(path, text);
    }
    expect(existsSync(path)).toBe(true);
    expect(readFileSync(path, "utf8")).toBe(text);
  });

  const expectations: Array<[string, number, RegExp]> = [
    ["examples/plans/good-cluster.plan.json", 0, /Summary: 0 failed, 1 unknown, 0 suppressed/],
    ["examples/plans/good-legacy-roles.plan.json", 0, /Summary: 0 failed, 1 unknown, 0 suppressed/],
    ["examples/plans/bad-minimal-roles.plan.json", 1, /FAIL\s+GKE001 .*lacks 2 of the 6 permissions/],
    ["examples/plans/bad-agent-binding.plan.json", 1, /FAIL\s+GKE002 google_project_iam_binding.service_agents is authoritative/],
    ["examples/plans/bad-api-destroyed.plan.json", 1, /FAIL\s+GKE003 The plan destroys google_project_service.container_api/],
    ["examples/plans/unknown-existing-account.plan.json", 0, /UNKNOWN\s+GKE001/],
    ["examples/terraform-json/good.cdk.tf.json", 0, /Summary: 0 failed, 1 unknown, 0 suppressed/],
    ["examples/terraform-json/bad-default-sa.cdk.tf.json", 1, /google_container_cluster.cluster \[gke\/cluster\]/],
    ["examples/terraform-json/shared-vpc-service.cdk.tf.json", 0, /Summary: 0 failed/],
    ["examples/terraform-json/bad-shared-vpc-new-host.cdk.tf.json", 1, /FAIL\s+GKE012 google_container_cluster.cluster uses the Shared VPC of acme-net-host/],
    ["examples/terraform-json/workload-identity.cdk.tf.json", 0, /Summary: 0 failed/],
    ["examples/terraform-json/bad-workload-identity-race.cdk.tf.json", 1, /FAIL\s+GKE013 google_service_account_iam_member.web_app_workload_identity grants to/],
    ["examples/terraform-json/cmek-cluster.cdk.tf.json", 0, /Summary: 0 failed/],
    ["examples/terraform-json/pinned-versions.cdk.tf.json", 0, /Summary: 0 failed/],
    ["examples/terraform-json/bad-agent-grant-before-api.cdk.tf.json", 1, /FAIL\s+GKE017 google_project_iam_member.gke_agent grants to Kubernetes Engine Service Agent/],
    ["examples/terraform-json/bad-version-skew-ranges.cdk.tf.json", 1, /FAIL\s+GKE016 google_container_cluster.cluster names the secondary range services[^]*FAIL\s+GKE015 google_container_node_pool.pool \(version\) runs 1.29.15-gke.1044000, 3 minor versions older/],
    ["examples/terraform-json/bad-cmek-node-account.cdk.tf.json", 1, /FAIL\s+GKE014 google_container_node_pool.pool \(node_config.boot_disk_kms_key\)/],
  ];
  test.each(expectations)("preflight %s exits %i", (file, code, output) => {
    const result = spawnSync(process.execPath, [cli, join(root, file)], { encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(result.stdout).toMatch(output);
    expect(result.status).toBe(code);
  });

  // A terminal of 24 lines: offline, what the deployer needs is one finding per project, not one per resource.
  test.each(files.map(([file]) => file).filter((file) => /\/good/.test(file)))("a good configuration's text report fits one screen: %s", (file) => {
    const result = spawnSync(process.execPath, [cli, join(root, file)], { encoding: "utf8", env: { PATH: process.env.PATH ?? "", NO_COLOR: "1" } });
    expect(result.status).toBe(0);
    expect(result.stdout.trimEnd().split("\n").length).toBeLessThanOrEqual(24);
    expect(result.stdout.match(/GKE009/g)).toHaveLength(2); // the finding and its docs link
  });

  test("the README's sample output is the CLI's real output", () => {
    const result = spawnSync(process.execPath, [cli, "examples/plans/bad-minimal-roles.plan.json"], { cwd: root, encoding: "utf8", env: { PATH: process.env.PATH ?? "", NO_COLOR: "1" } });
    expect(readFileSync(join(root, "README.md"), "utf8")).toContain(`$ npx cdktf-gke-preflight examples/plans/bad-minimal-roles.plan.json\n${result.stdout}\`\`\``);
  });

  test("--unknown fail turns undecided findings into a failing gate", () => {
    const result = spawnSync(process.execPath, [cli, join(root, "examples/plans/unknown-existing-account.plan.json"), "--unknown", "fail"], { encoding: "utf8" });
    expect(result.status).toBe(1);
  });
});
