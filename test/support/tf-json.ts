import { modelFromTerraformJson } from "../../src/inputs/terraform-json";
import { modelFromPlan } from "../../src/inputs/plan-json";
import { checkModel, type CheckOptions } from "../../src/engine/check";
import type { Finding } from "../../src/rules/types";

/** A cdk.tf.json-shaped object from `{type: {name: body}}` and data sources, with CDKTF metadata. */
export function tfJson(resources: Record<string, Record<string, Record<string, unknown>>>, options: { project?: string; data?: Record<string, Record<string, Record<string, unknown>>>; providerVersion?: string } = {}): Record<string, unknown> {
  const withMeta = (section: Record<string, Record<string, Record<string, unknown>>>) =>
    Object.fromEntries(Object.entries(section).map(([type, byName]) => [type, Object.fromEntries(Object.entries(byName).map(([name, body]) => [name, { "//": { metadata: { path: `stack/${name}`, uniqueId: name } }, ...body }]))]));
  return {
    "//": { metadata: { backend: "local", stackName: "stack", version: "0.21.0" } },
    provider: { google: [{ ...(options.project ? { project: options.project } : {}), region: "europe-west1" }] },
    terraform: { required_providers: { google: { source: "google", version: options.providerVersion ?? "6.50.0" } } },
    ...(options.data ? { data: withMeta(options.data) } : {}),
    resource: withMeta(resources),
  };
}

export function checkTf(json: unknown, options: CheckOptions = {}): Finding[] {
  return checkModel(modelFromTerraformJson(json, { file: "cdk.tf.json" }), { includePass: true, ...options });
}

export function checkPlan(json: unknown, options: CheckOptions = {}): Finding[] {
  return checkModel(modelFromPlan(json, "plan.json"), { includePass: true, ...options });
}

export function statuses(findings: Finding[], rule: string): string[] {
  return findings.filter((f) => f.ruleId === rule).map((f) => `${f.status} ${f.address}`);
}
