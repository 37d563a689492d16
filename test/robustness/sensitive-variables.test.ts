import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkTerraformJson } from "../../src/library";
import { annotationFor } from "../../src/cdktf/annotate";
import { defaultPolicy } from "../../src/report/policy";
import { FORMATS } from "../../src/report/outputs";
import { buildPlan, computed, ref } from "../support/plan-builder";
import { runCli } from "./support";

/**
 * A root variable marked `sensitive` (here the project, as pipelines often pass it) is hidden by
 * Terraform in its own output; preflight must not print it either, in any format, while the
 * checks that need it still decide. Values the plan marks with after_sensitive / before_sensitive
 * never enter the model at all.
 */
const SECRET = "secret-proj-7731";
const MARKED = "marked-value-5529";
const SHORT = "q7z";

const dir = mkdtempSync(join(tmpdir(), "preflight-sensitive-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A plan whose provider project is `var.project_id` (sensitive); the provider filled it into the resources. */
function sensitivePlan(): unknown {
  const plan = buildPlan({
    resources: [
      { type: "google_service_account", name: "nodes", values: { account_id: "gke-nodes", project: SECRET, email: computed } },
      { type: "google_project_iam_member", name: "logs", values: { project: SECRET, role: "roles/logging.logWriter", member: ref("google_service_account.nodes.member") } },
      { type: "google_container_cluster", name: "primary", values: { name: "primary", location: "europe-west1", project: SECRET, node_config: [{ service_account: ref("google_service_account.nodes.email") }] } },
      { type: "google_project_service", name: "api", actions: ["delete"], values: { project: MARKED, service: "container.googleapis.com", disable_on_destroy: true } },
    ],
  }) as Record<string, any>;
  plan.variables = { project_id: { value: SECRET }, short: { value: SHORT } };
  plan.configuration.root_module.variables = { project_id: { sensitive: true, description: "the project" }, short: { sensitive: true } };
  plan.configuration.provider_config.google.expressions = { project: { references: ["var.project_id"] }, region: { references: ["var.short"] } };
  // A value Terraform marks sensitive in the resource itself.
  const api = plan.resource_changes.find((c: { address: string }) => c.address === "google_project_service.api");
  api.change.before_sensitive = { project: true };
  return plan;
}

function sensitiveTerraformJson(): unknown {
  return {
    "//": { metadata: { backend: "local", stackName: "gke", version: "0.21.0" } },
    variable: { project: { type: "string", default: SECRET, sensitive: true }, region: { type: "string", default: SHORT, sensitive: true } },
    provider: { google: [{ project: "${var.project}", region: "${var.region}" }] },
    resource: {
      google_service_account: { nodes: { account_id: "gke-nodes" } },
      google_project_iam_member: { logs: { project: "${var.project}", role: "roles/logging.logWriter", member: "serviceAccount:${google_service_account.nodes.email}" } },
      google_container_cluster: { primary: { name: "primary", location: "europe-west1", node_config: { service_account: "${google_service_account.nodes.email}" } } },
    },
  };
}

const leaks = (text: string) => [SECRET, MARKED, SHORT].filter((s) => text.toLowerCase().includes(s.toLowerCase()));

describe.each([
  ["sensitive.plan.json", sensitivePlan],
  ["sensitive.cdk.tf.json", sensitiveTerraformJson],
])("%s", (name, make) => {
  let outputs: Record<string, string>;
  let stderr: string;
  beforeAll(async () => {
    const input = join(dir, name);
    writeFileSync(input, JSON.stringify(make(), null, 2));
    const [first, ...rest] = FORMATS;
    const files = Object.fromEntries(rest.map((f) => [f, join(dir, `${name}.${f}`)]));
    const run = await runCli([input, "--include-pass", "-v", "--format", first, ...rest.flatMap((f) => ["--format", `${f}=${files[f]}`])]);
    expect(run.status).toBe(1);
    stderr = run.stderr;
    outputs = { [first]: run.stdout, ...Object.fromEntries(rest.map((f) => [f, readFileSync(files[f], "utf8")])) };
  }, 120_000);

  test.each([...FORMATS])("%s never shows a sensitive value", (format) => {
    expect(outputs[format]!.length).toBeGreaterThan(200);
    expect(leaks(outputs[format]!)).toEqual([]);
    expect(leaks(stderr)).toEqual([]);
  });

  test("the sensitive project still decides: GKE001 fails on it, and says (sensitive) where it stands", () => {
    const report = JSON.parse(outputs.json!) as { findings: Array<{ ruleId: string; status: string; message: string; remediation: { gcloud: string[] } }> };
    const gke001 = report.findings.find((f) => f.ruleId === "GKE001" && f.status === "fail");
    expect(gke001?.message).toContain("on (sensitive)");
    expect(gke001?.remediation.gcloud.join("\n")).toContain("(sensitive)");
  });
});

test("annotations (the CDKTF aspect's door) never show a sensitive value", () => {
  const findings = checkTerraformJson(sensitiveTerraformJson(), { file: "cdk.tf.json", stack: "gke" });
  const messages = findings.map((f) => annotationFor(f, defaultPolicy)?.message ?? "").join("\n");
  expect(findings.some((f) => f.ruleId === "GKE001" && f.status === "fail")).toBe(true);
  expect(leaks(messages)).toEqual([]);
  expect(leaks(JSON.stringify(findings))).toEqual([]);
  expect(messages).toContain("(sensitive)");
});
