import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { modelFromPlan } from "../../src/inputs/plan-json";
import { modelFromTerraformJson } from "../../src/inputs/terraform-json";
import { isUnknown } from "../../src/model/unknown";
import { FORMATS } from "../../src/report/outputs";
import { buildPlan, computed } from "../support/plan-builder";
import { runCli } from "./support";

/**
 * No secrets out. Values the plan marks sensitive never enter the model; credentials that are not
 * marked (plan format 0.1 has no markers, cdk.tf.json and provider blocks never do) are kept out
 * too, by attribute name and by shape. Then every output format is searched for them.
 */
const TOKEN = "ya29.a0AfH6SMBx-secret-token-value-0123456789";
const PEM = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n";
const KEY_FILE_B64 = Buffer.from(JSON.stringify({ type: "service_account", private_key: PEM, client_email: "k@acme-prod.iam.gserviceaccount.com" })).toString("base64");
const REFRESH = "1//0gAbCdEfGhIjKlMnOpQrStUvWxYz0123456789";
const PASSWORD = "hunter2-Corr3ct-Horse-Battery";
const JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJkZXBsb3llciJ9.c2lnbmF0dXJlLWJ5dGVz";
/** What must never be printed: each secret, and a distinctive piece of it. */
const NEEDLES = [TOKEN, "a0AfH6SMBx", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", KEY_FILE_B64.slice(20, 60), REFRESH, "gAbCdEfGhIjKl", PASSWORD, "Corr3ct-Horse", JWT, "c2lnbmF0dXJl", "BEGIN PRIVATE KEY"];

function markedPlan(): Record<string, unknown> {
  // A plan as Terraform writes it for a key and a database user: secrets marked sensitive.
  const plan = buildPlan({
    project: "acme-prod",
    resources: [
      { type: "google_service_account", name: "nodes", values: { account_id: "gke-nodes", project: "acme-prod", email: computed } },
      { type: "google_service_account_key", name: "k", values: { service_account_id: "projects/acme-prod/serviceAccounts/gke-nodes@acme-prod.iam.gserviceaccount.com", private_key: KEY_FILE_B64 } },
      { type: "google_sql_user", name: "u", actions: ["delete"], values: { name: "app", instance: "db", password: PASSWORD } },
      { type: "google_container_cluster", name: "c", values: { name: "c", location: "europe-west1", project: "acme-prod", node_config: [{ service_account: "gke-nodes@acme-prod.iam.gserviceaccount.com" }] } },
    ],
  }) as { resource_changes: Array<{ type: string; change: Record<string, unknown> }>; prior_state: { values: { root_module: { resources: Array<Record<string, unknown>> } } } };
  for (const rc of plan.resource_changes) {
    if (rc.type === "google_service_account_key") rc.change.after_sensitive = { private_key: true };
    if (rc.type === "google_sql_user") rc.change.before_sensitive = { password: true };
  }
  for (const r of plan.prior_state.values.root_module.resources) if (r.type === "google_sql_user") r.sensitive_values = { password: true };
  return plan;
}

function unmarkedPlan(): Record<string, unknown> {
  // Format 0.1 (Terraform 0.12) has no sensitivity markers; a hostile plan may drop them.
  const plan = buildPlan({
    project: TOKEN,
    variables: { credentials: PEM, token: TOKEN, refresh: REFRESH },
    resources: [
      { type: "google_service_account_key", name: "k", values: { service_account_id: "x", private_key: KEY_FILE_B64, private_key_data: PEM } },
      { type: "google_sql_user", name: "u", values: { name: "app", instance: "db", password: PASSWORD } },
      { type: "google_project_iam_member", name: "m", values: { project: TOKEN, role: "roles/container.defaultNodeServiceAccount", member: `serviceAccount:${REFRESH}@acme-prod.iam.gserviceaccount.com` } },
      { type: "google_container_cluster", name: "c", values: { name: PEM, location: JWT, project: TOKEN, node_config: [{ service_account: TOKEN }] } },
    ],
  }) as Record<string, unknown> & { resource_changes: Array<{ change: Record<string, unknown> }> };
  plan.format_version = "0.1";
  for (const rc of plan.resource_changes) {
    delete rc.change.after_sensitive;
    delete rc.change.before_sensitive;
  }
  return plan;
}

function configuration(): Record<string, unknown> {
  return {
    provider: {
      google: [{ project: "acme-prod", access_token: TOKEN, credentials: PEM }],
      kubernetes: [{ host: "https://1.2.3.4", token: JWT, client_key: PEM }],
    },
    variable: { creds: { default: TOKEN }, pw: { default: PASSWORD } },
    locals: { key: PEM },
    resource: {
      google_sql_user: { u: { name: "app", instance: "db", password: "${var.pw}" } },
      google_service_account: { nodes: { account_id: "gke-nodes", project: "acme-prod" } },
      google_project_iam_member: { m: { project: "${var.creds}", role: `roles/${REFRESH}`, member: "serviceAccount:${google_service_account.nodes.email}" } },
      google_container_cluster: {
        c: { name: "${local.key}", location: JWT, project: "${var.creds}", node_config: { service_account: `${TOKEN}@acme-prod.iam.gserviceaccount.com` }, "//": { preflight: { suppressions: [{ ruleId: "GKE003", reason: `token ${TOKEN}`, expires: "2099-01-01" }] } } },
      },
    },
  };
}

describe("the readers keep secrets out of the model", () => {
  test("values marked sensitive (after_sensitive, before_sensitive, sensitive_values) become Unknown", () => {
    const model = modelFromPlan(markedPlan(), "plan.json");
    const key = model.byAddress.get("google_service_account_key.k")!;
    expect(isUnknown(key.values.private_key)).toBe(true);
    const user = model.byAddress.get("google_sql_user.u")!;
    expect(user.change).toBe("delete");
    expect(isUnknown(user.values.password)).toBe(true);
    expect(isUnknown(user.before?.password)).toBe(true);
    expect(JSON.stringify(model.resources)).not.toContain(PASSWORD);
    expect(JSON.stringify(model.resources)).not.toContain(KEY_FILE_B64.slice(20, 60));
  });

  test("unmarked credentials in a plan become Unknown, by attribute name and by shape", () => {
    const model = modelFromPlan(unmarkedPlan(), "plan.json");
    const text = JSON.stringify(model.resources) + JSON.stringify([...model.providers.values()]);
    for (const needle of NEEDLES) expect(text).not.toContain(needle);
    const cluster = model.byAddress.get("google_container_cluster.c")!;
    expect(isUnknown(cluster.values.project)).toBe(true);
  });

  test("credentials in a cdk.tf.json (provider blocks, variables, locals, resources) never enter the model", () => {
    const model = modelFromTerraformJson(configuration(), { file: "cdk.tf.json" });
    const text = JSON.stringify(model.resources) + JSON.stringify([...model.providers.values()]);
    for (const needle of NEEDLES) expect(text).not.toContain(needle);
  });
});

describe("no output format prints a secret", () => {
  const dir = mkdtempSync(join(tmpdir(), "preflight-secrets-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test.each([
    ["a plan with sensitive values", markedPlan],
    ["a plan without sensitivity markers", unmarkedPlan],
    ["a cdk.tf.json with credentials", configuration],
  ])("%s", async (name, make) => {
    // Not `.json`: the JSON report beside it would be written over its own input, which is refused.
    const input = join(dir, `${name.replace(/\W+/g, "-")}.input.json`);
    writeFileSync(input, JSON.stringify(make(), null, 2));
    const [first, ...rest] = FORMATS;
    const files = rest.map((f) => join(dir, `${name.replace(/\W+/g, "-")}.${f}`));
    const run = await runCli([input, "--include-pass", "--verbose", "--format", first, ...rest.flatMap((f, i) => ["--format", `${f}=${files[i]}`])]);
    expect([0, 1]).toContain(run.status);
    const outputs = [run.stdout, run.stderr, ...files.map((f) => readFileSync(f, "utf8"))];
    expect(outputs[0].length).toBeGreaterThan(100);
    for (const needle of NEEDLES) {
      for (const [i, output] of outputs.entries()) expect({ output: i, found: output.includes(needle) ? needle : undefined }).toEqual({ output: i, found: undefined });
    }
  });
});
