import { buildPlan, type PlanSpec, type ResourceSpec } from "../support/plan-builder";
import { PROJECT } from "../support/scenarios";
import { modelFromPlan } from "../../src/inputs/plan-json";
import { modelFromTerraformJson } from "../../src/inputs/terraform-json";
import { checkModel } from "../../src/engine/check";
import type { Finding } from "../../src/rules/types";
import type { LiveFacts } from "../../src/live/facts";

export interface RunOptions {
  live?: LiveFacts;
  providerVersion?: string | null;
  /** Extra provider blocks for configuration.provider_config (kubernetes, helm). */
  providers?: Record<string, { expressions: Record<string, unknown> }>;
  plan?: Partial<PlanSpec>;
}

/** Builds an exact plan JSON from specs and returns one rule's findings (pass included). */
export function planFindings(ruleId: string, resources: ResourceSpec[], options: RunOptions = {}): Finding[] {
  const plan = buildPlan({ project: PROJECT, resources, ...(options.providerVersion === null ? {} : { providerVersion: options.providerVersion ?? "~> 6.0" }), ...options.plan });
  const providerConfig = (plan.configuration as { provider_config: Record<string, unknown> }).provider_config;
  for (const [name, p] of Object.entries(options.providers ?? {})) {
    providerConfig[name] = { name: name.split(".")[0], full_name: `registry.terraform.io/hashicorp/${name.split(".")[0]}`, expressions: p.expressions };
  }
  return checkModel(modelFromPlan(plan, "plan.json"), { includePass: true, rules: [ruleId], ...(options.live ? { live: options.live } : {}) });
}

/** Checks a cdk.tf.json object and returns one rule's findings (pass included). */
export function tfFindings(ruleId: string, json: Record<string, unknown>, options: { live?: LiveFacts } = {}): Finding[] {
  return checkModel(modelFromTerraformJson(json, { file: "cdk.tf.json" }), { includePass: true, rules: [ruleId], ...(options.live ? { live: options.live } : {}) });
}

/** A CDKTF-style stack: google provider on acme-prod, pinned to 6.50.0 unless told otherwise. */
export function stack(resource: Record<string, Record<string, unknown>>, extra: { data?: Record<string, Record<string, unknown>>; provider?: Record<string, unknown[]>; version?: string | null } = {}): Record<string, unknown> {
  const withMeta = (section: Record<string, Record<string, unknown>>) =>
    Object.fromEntries(Object.entries(section).map(([type, byName]) => [type, Object.fromEntries(Object.entries(byName).map(([name, body]) => [name, { "//": { metadata: { path: `gke/${name}`, uniqueId: name } }, ...(body as object) }]))]));
  return {
    "//": { metadata: { backend: "local", stackName: "gke", version: "0.21.0" }, outputs: {} },
    provider: { google: [{ project: PROJECT, region: "europe-west1" }], ...(extra.provider ?? {}) },
    terraform: { required_providers: { google: { source: "google", ...(extra.version === null ? {} : { version: extra.version ?? "6.50.0" }) } } },
    ...(extra.data ? { data: withMeta(extra.data) } : {}),
    resource: withMeta(resource),
  };
}

/** "status address" lines, for compact assertions. */
export function verdicts(findings: Finding[]): string[] {
  return findings.map((f) => `${f.status} ${f.address}`);
}

/** Terraform JSON pieces of a sound platform, to vary one thing at a time. */
export const tf = {
  account: { account_id: "gke-nodes", display_name: "GKE nodes" },
  apis: {
    container_api: { service: "container.googleapis.com", disable_on_destroy: false },
    compute_api: { service: "compute.googleapis.com", disable_on_destroy: false },
  },
  nodeGrant: { project: PROJECT, role: "roles/container.defaultNodeServiceAccount", member: "serviceAccount:${google_service_account.nodes_sa.email}" },
  cluster: (extra: Record<string, unknown> = {}) => ({
    name: "demo",
    location: "europe-west1",
    initial_node_count: 1,
    remove_default_node_pool: true,
    node_config: { service_account: "${google_service_account.nodes_sa.email}" },
    depends_on: ["google_project_service.container_api", "google_project_iam_member.nodes_default_node_sa"],
    ...extra,
  }),
  pool: (extra: Record<string, unknown> = {}) => ({
    name: "pool",
    cluster: "${google_container_cluster.cluster.name}",
    location: "europe-west1",
    node_count: 1,
    node_config: { service_account: "${google_service_account.nodes_sa.email}" },
    ...extra,
  }),
};
