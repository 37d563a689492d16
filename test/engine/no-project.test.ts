/**
 * Facts the configuration fixes whatever the project: an account created here by
 * google_service_account is never the Compute Engine default account (GKE004) and is created
 * enabled unless `disabled = true` (GKE006), even when no project is known; and no message prints
 * a raw `${…}` interpolation.
 */
import { modelFromTerraformJson } from "../../src/inputs/terraform-json";
import { modelFromPlan } from "../../src/inputs/plan-json";
import { checkModel } from "../../src/engine/check";
import { loadInputs } from "../../src/inputs/load";
import { readableTemplate } from "../../src/model/unknown";
import { buildPlan, computed, ref } from "../support/plan-builder";
import { scenarios } from "../support/scenarios";
import type { Finding } from "../../src/rules/types";
import { join } from "node:path";
import { readdirSync } from "node:fs";

const noProject = (account: Record<string, unknown> = {}, nodeAccount = "${google_service_account.nodes.email}") => ({
  provider: { google: [{ region: "europe-west1" }] },
  terraform: { required_providers: { google: { source: "google", version: "6.50.0" } } },
  resource: {
    google_service_account: { nodes: { account_id: "gke-nodes", ...account } },
    google_container_cluster: { c: { name: "c", location: "europe-west1", remove_default_node_pool: true, initial_node_count: 1, node_config: { service_account: nodeAccount } } },
    google_container_node_pool: { p: { cluster: "${google_container_cluster.c.name}", location: "europe-west1", node_config: { service_account: nodeAccount } } },
  },
});

const of = (findings: Finding[], rule: string) => findings.filter((f) => f.ruleId === rule).map((f) => `${f.status} ${f.address}`).sort();
const tfCheck = (json: unknown) => checkModel(modelFromTerraformJson(json, { file: "cdk.tf.json" }), { includePass: true });

describe("an account created here, with no project known", () => {
  test("cdk.tf.json: GKE004 pass (never the default account), GKE006 pass (created enabled)", () => {
    const findings = tfCheck(noProject());
    expect(of(findings, "GKE004")).toEqual(["pass google_container_cluster.c", "pass google_container_node_pool.p"]);
    expect(of(findings, "GKE006")).toEqual(["pass google_container_cluster.c", "pass google_container_node_pool.p"]);
    // what needs the project stays open, with the project as the reason
    expect(of(findings, "GKE001")).toEqual(["unknown google_container_cluster.c", "unknown google_container_node_pool.p"]);
  });

  test("cdk.tf.json: GKE006 fail when it is created disabled, unknown when disabled is not known", () => {
    expect(of(tfCheck(noProject({ disabled: true })), "GKE006")).toEqual(["fail google_service_account.nodes", "fail google_service_account.nodes"]);
    expect(of(tfCheck(noProject({ disabled: "${var.off}" })), "GKE006")).toEqual(["unknown google_service_account.nodes", "unknown google_service_account.nodes"]);
  });

  test("cdk.tf.json: nodes left on the default account still fail GKE004 without a project", () => {
    const json = noProject();
    (json.resource.google_container_node_pool.p.node_config as Record<string, unknown>).service_account = "default";
    expect(of(tfCheck(json), "GKE004")).toContain("fail google_container_node_pool.p");
  });

  test("plan JSON without a provider project: the same", () => {
    const plan = buildPlan({
      providerVersion: "~> 6.0",
      resources: [
        { type: "google_service_account", name: "nodes", values: { account_id: "gke-nodes", email: computed, project: computed, disabled: false } },
        { type: "google_container_node_pool", name: "p", values: { cluster: "c", location: "europe-west1", project: computed, node_config: [{ service_account: ref("google_service_account.nodes.email") }] } },
      ],
    });
    const findings = checkModel(modelFromPlan(plan, "plan.json"), { includePass: true });
    expect(of(findings, "GKE004")).toEqual(["pass google_container_node_pool.p"]);
    expect(of(findings, "GKE006")).toEqual(["pass google_container_node_pool.p"]);
  });
});

describe("messages never print a raw ${…} interpolation", () => {
  test("readableTemplate names what a reference points to", () => {
    expect(readableTemplate("${google_service_account.nodes.email}")).toBe("the email of google_service_account.nodes");
    expect(readableTemplate("gke-nodes@${google_service_account.nodes.project}.iam.gserviceaccount.com")).toBe("gke-nodes@(the project of google_service_account.nodes).iam.gserviceaccount.com");
    expect(readableTemplate("service-${data.google_project.p.number}@container-engine-robot.iam.gserviceaccount.com")).toBe("service-(the number of data.google_project.p)@container-engine-robot.iam.gserviceaccount.com");
    expect(readableTemplate('${google_service_account.pool["a"].email}')).toBe('the email of google_service_account.pool["a"]');
    expect(readableTemplate("${module.gke.cluster_name}")).toBe("the output cluster_name of module.gke");
    expect(readableTemplate("${var.project}")).toBe("var.project");
    expect(readableTemplate('x-${jsonencode({a = "}"})}')).toBe('x-(the value of jsonencode({a = "}"}))');
    expect(readableTemplate("plain text")).toBe("plain text");
  });

  const raw = (f: Finding) => [f.message, f.reason ?? "", f.decideWith ?? ""].filter((t) => /\$\{[^}]*\}/.test(t.replace(/\$\$\{/g, "")));

  test("in the findings of a configuration without a project, of every scenario and of every example", () => {
    const findings = [
      ...tfCheck(noProject()),
      ...tfCheck(noProject({}, "${google_service_account.nodes.member}")),
      ...Object.values(scenarios).flatMap((build) => checkModel(modelFromPlan(build(), "plan.json"), { includePass: true })),
    ];
    const examples = join(__dirname, "../../examples");
    for (const dir of ["plans", "terraform-json"]) {
      for (const file of readdirSync(join(examples, dir))) findings.push(...loadInputs(join(examples, dir, file)).flatMap((m) => checkModel(m, { includePass: true })));
    }
    expect(findings.length).toBeGreaterThan(50);
    expect(findings.flatMap(raw)).toEqual([]);
  });
});
