/**
 * An example plan as OpenTofu's `tofu show -json` writes it. The document format is Terraform's
 * (format_version 1.2); what differs is where providers come from (registry.opentofu.org),
 * terraform_version holds OpenTofu's own version, and the top-level `applyable` / `complete` flags
 * that Terraform 1.8+ adds are absent. Read from OpenTofu's internal/command/jsonplan (the Plan struct)
 * and public tofu plans, 2026-12-01.
 */
export const OPENTOFU_VERSIONS = ["1.6.2", "1.7.3", "1.8.5", "1.9.0", "1.10.0", "1.11.5"] as const;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function asOpenTofuPlan(terraformPlan: any, version: string): any {
  const text = JSON.stringify(terraformPlan).replace(/registry\.terraform\.io\//g, "registry.opentofu.org/");
  const plan = JSON.parse(text);
  plan.terraform_version = version;
  if (plan.prior_state && typeof plan.prior_state === "object") plan.prior_state.terraform_version = version;
  delete plan.applyable;
  delete plan.complete;
  return plan;
}
