/**
 * Builds Terraform plan JSON (`terraform show -json`, format 1.2) from a short description,
 * following the format exactly: unknown values are omitted from `after` and marked in
 * `after_unknown` (true for unknown leaves, false for known list elements), configuration
 * expressions carry `constant_value` or `references` (most specific first, as Terraform
 * writes them), data sources read during plan live in `prior_state`.
 */
export interface RefValue { $ref: string[] }
export interface ComputedValue { $computed: true }
export type SpecValue = string | number | boolean | null | RefValue | ComputedValue | SpecValue[] | { [k: string]: SpecValue };

/** A value known only after apply, built from these references (e.g. `google_service_account.nodes.email`). */
export function ref(...references: string[]): RefValue {
  return { $ref: references };
}
/** A value the provider computes (not set in the configuration). */
export const computed: ComputedValue = { $computed: true };

export interface ResourceSpec {
  type: string;
  name: string;
  mode?: "managed" | "data";
  module?: string;
  index?: number | string;
  actions?: string[];
  values: Record<string, SpecValue>;
  /** Values before the change, for update/delete/no-op (defaults to the known part of values). */
  before?: Record<string, unknown>;
  dependsOn?: string[];
  provider?: string;
}

export interface PlanSpec {
  project?: string;
  providerVersion?: string;
  variables?: Record<string, unknown>;
  resources: ResourceSpec[];
}

const isRef = (v: unknown): v is RefValue => typeof v === "object" && v !== null && "$ref" in v;
const isComputed = (v: unknown): v is ComputedValue => typeof v === "object" && v !== null && "$computed" in v;

function after(value: SpecValue): unknown {
  if (isRef(value) || isComputed(value)) return undefined;
  if (Array.isArray(value)) return value.map((v) => after(v) ?? null);
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const a = after(v);
      if (a !== undefined) out[k] = a;
    }
    return out;
  }
  return value;
}

function afterUnknown(value: SpecValue, inList = false): unknown {
  if (isRef(value) || isComputed(value)) return true;
  if (Array.isArray(value)) return value.map((v) => afterUnknown(v, true));
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const u = afterUnknown(v);
      if (u !== undefined && u !== false) out[k] = u;
    }
    return out;
  }
  return inList ? false : undefined;
}

function expressions(values: Record<string, SpecValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    if (isComputed(v)) continue;
    if (isRef(v)) out[k] = { references: v.$ref.flatMap((r) => [r, r.split(".").slice(0, r.startsWith("data.") ? 3 : 2).join(".")]).filter((r, i, all) => all.indexOf(r) === i) };
    else if (Array.isArray(v) && v.length > 0 && v.every((e) => typeof e === "object" && e !== null && !Array.isArray(e) && !isRef(e) && !isComputed(e))) {
      out[k] = v.map((e) => expressions(e as Record<string, SpecValue>));
    } else out[k] = { constant_value: after(v) };
  }
  return out;
}

function address(r: ResourceSpec): string {
  const base = `${r.module ? `${r.module}.` : ""}${r.mode === "data" ? "data." : ""}${r.type}.${r.name}`;
  if (r.index === undefined) return base;
  return typeof r.index === "number" ? `${base}[${r.index}]` : `${base}["${r.index}"]`;
}

export function buildPlan(spec: PlanSpec): Record<string, unknown> {
  const provider = "registry.terraform.io/hashicorp/google";
  const planned: Record<string, unknown[]> = {};
  const priorResources: unknown[] = [];
  const changes: unknown[] = [];
  const configResources: Record<string, unknown[]> = {};
  for (const r of spec.resources) {
    const mode = r.mode ?? "managed";
    const addr = address(r);
    const actions = r.actions ?? (mode === "data" ? ["read"] : ["create"]);
    const known = after(r.values) as Record<string, unknown>;
    const module = r.module ?? "";
    const base = { address: addr, ...(module ? { module_address: module } : {}), mode, type: r.type, name: r.name, ...(r.index !== undefined ? { index: r.index } : {}), provider_name: provider };
    if (mode === "data" && actions[0] === "read" && !Object.values(r.values).some((v) => isRef(v) || isComputed(v))) {
      priorResources.push({ ...base, schema_version: 0, values: known, sensitive_values: {} });
    } else {
      const isDelete = actions.length === 1 && actions[0] === "delete";
      const before = actions[0] === "create" || actions[0] === "read" ? null : r.before ?? known;
      changes.push({
        ...base,
        change: {
          actions,
          before,
          after: isDelete ? null : known,
          after_unknown: isDelete ? {} : afterUnknown(r.values),
          before_sensitive: before === null ? false : {},
          after_sensitive: isDelete ? false : {},
        },
      });
      if (!isDelete) (planned[module] ??= []).push({ ...base, schema_version: 0, values: known, sensitive_values: {} });
      if (before !== null && mode === "managed") priorResources.push({ ...base, schema_version: 0, values: before, sensitive_values: {} });
    }
    if (!(actions.length === 1 && actions[0] === "delete")) {
      const local = `${mode === "data" ? "data." : ""}${r.type}.${r.name}`;
      // The configuration has one entry per module call, whatever its instance keys.
      const list = (configResources[module.replace(/\[[^\]]*\]/g, "")] ??= []);
      if (!list.some((c) => (c as { address: string }).address === local)) {
        list.push({ address: local, mode, type: r.type, name: r.name, provider_config_key: r.provider ?? "google", expressions: expressions(r.values), schema_version: 0, ...(r.dependsOn ? { depends_on: r.dependsOn } : {}) });
      }
    }
  }
  const moduleTree = (resourcesByModule: Record<string, unknown[]>, key: "child_modules" | "module_calls") => {
    const root: Record<string, unknown> = { resources: resourcesByModule[""] ?? [] };
    const modules = Object.keys(resourcesByModule).filter((m) => m);
    if (modules.length) {
      if (key === "child_modules") root.child_modules = modules.map((m) => ({ address: m, resources: resourcesByModule[m] }));
      else root.module_calls = Object.fromEntries(modules.map((m) => [m.replace(/^module\./, ""), { source: `./modules/${m.replace(/^module\./, "")}`, module: { resources: resourcesByModule[m] } }]));
    }
    return root;
  };
  const variables = spec.variables ?? {};
  return {
    format_version: "1.2",
    terraform_version: "1.9.8",
    ...(Object.keys(variables).length ? { variables: Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, { value: v }])) } : {}),
    planned_values: { root_module: moduleTree(planned, "child_modules") },
    resource_changes: changes,
    prior_state: { format_version: "1.0", terraform_version: "1.9.8", values: { root_module: { resources: priorResources } } },
    configuration: {
      provider_config: {
        google: {
          name: "google",
          full_name: provider,
          ...(spec.providerVersion ? { version_constraint: spec.providerVersion } : {}),
          expressions: spec.project ? { project: { constant_value: spec.project } } : {},
        },
      },
      root_module: moduleTree(configResources, "module_calls"),
    },
    relevant_attributes: [],
    timestamp: "2026-11-28T12:00:00Z",
    applyable: true,
    complete: true,
    errored: false,
  };
}
