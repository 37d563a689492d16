import type { Change, ProviderConfig, Resource, Value, Values } from "../model/types";
import { Unknown } from "../model/unknown";
import { isObject } from "../model/access";
import { setOwn } from "../model/own-property";
import { sensitiveVariable } from "../model/secrets";
import { buildModel, type BuildOptions, type ModelDraft } from "../model/build";
import type { Model } from "../model/types";
import { followLater, type Expression, type ModuleCall } from "../model/modules";
import { continues, SHORT_LIST } from "../model/reference-lists";
import { excerpt, InputError } from "./input-error";
import { assertNesting } from "./nesting";

/**
 * Reads `terraform show -json` output (format_version 0.1 to 1.x): resource_changes for what
 * the apply does, configuration for references and provider defaults, prior_state for data
 * sources read during plan, variables for input values.
 */
export function isPlanJson(json: unknown): boolean {
  return isObject(json as Value) && typeof (json as Values).format_version === "string" &&
    ("resource_changes" in (json as Values) || "planned_values" in (json as Values) || "configuration" in (json as Values));
}

type Json = Record<string, unknown>;

export function modelFromPlan(json: unknown, file: string, options: BuildOptions = {}): Model {
  return buildModel(planDraft(json, file), options);
}

export function planDraft(json: unknown, file: string): ModelDraft {
  assertNesting(json, file);
  const plan = asObject(json);
  if (!plan) throw new InputError(file, "expected a JSON object at the top of a Terraform plan");
  const builder = new PlanDraftBuilder(plan, file);
  asArray(plan.resource_changes).forEach((raw, i) => builder.addResourceChange(raw, i));
  // Data sources read during plan are only in prior_state; resources in a plan without
  // resource_changes (very old formats) only in planned_values.
  walkModule(asObject(asObject(asObject(plan.prior_state)?.values)?.root_module), PRIOR_STATE_ROOT, (raw, at) => builder.addStateResource(raw, at, "read"));
  walkModule(asObject(asObject(plan.planned_values)?.root_module), PLANNED_VALUES_ROOT, (raw, at) => builder.addStateResource(raw, at, "planned"));
  return builder.draft();
}

export const PRIOR_STATE_ROOT = "/prior_state/values/root_module";
export const PLANNED_VALUES_ROOT = "/planned_values/root_module";

/**
 * Builds the model draft of a plan one resource at a time, in the order the plan reader visits
 * them: resource_changes, then prior_state, then planned_values; the first resource seen at an
 * address wins. `header` holds the plan's format_version, terraform_version, variables and
 * configuration (the whole plan will do). Shared by the whole-file and the streaming reader,
 * so both give the same model.
 */
export class PlanDraftBuilder {
  private readonly resources: Resource[] = [];
  private readonly seen = new Set<string>();
  private readonly configIndex: Map<string, ConfigResource>;
  private readonly modules: ModuleCall[];
  /** Without a configuration block, the plan does not say what depends on what. */
  private readonly hasConfiguration: boolean;

  constructor(
    private readonly header: Json,
    private readonly file: string,
  ) {
    const version = typeof header.format_version === "string" ? header.format_version : "";
    if (!/^[01]\./.test(version)) throw new InputError(file, `has plan format_version ${excerpt(header.format_version)}; this version of preflight reads 0.x and 1.x`);
    const configuration = asObject(header.configuration);
    this.hasConfiguration = asObject(configuration?.root_module) !== undefined;
    this.modules = [];
    this.configIndex = indexConfiguration(configuration, this.modules);
  }

  private marked(resource: Resource): Resource {
    if (!this.hasConfiguration) resource.dependenciesUnknown = true;
    return resource;
  }

  /** Whether a resource at this address is already in (later ones at the same address are not read). */
  has(address: string): boolean {
    return this.seen.has(address);
  }

  addResourceChange(raw: unknown, index: number): void {
    const rc = asObject(raw);
    if (!rc || typeof rc.address !== "string" || typeof rc.type !== "string") return;
    const resource = fromResourceChange(rc, this.configIndex, this.file, `/resource_changes/${index}`);
    if (!resource || this.seen.has(resource.address)) return;
    this.seen.add(resource.address);
    this.resources.push(this.marked(resource));
  }

  /** A resource of prior_state (`read`: only data sources count) or of planned_values (`planned`). */
  addStateResource(raw: Json, pointer: string, change: "read" | "planned"): void {
    if (typeof raw.address !== "string" || this.seen.has(raw.address)) return;
    if (change === "read" && raw.mode !== "data") return;
    this.seen.add(raw.address);
    this.resources.push(this.marked(fromStateResource(raw, change, this.configIndex, this.file, pointer)));
  }

  draft(): ModelDraft {
    const { header } = this;
    const variables: Record<string, Value> = {};
    const sensitiveTexts: string[] = [];
    const declared = asObject(asObject(asObject(header.configuration)?.root_module)?.variables) ?? {};
    for (const [name, v] of Object.entries(asObject(header.variables) ?? {})) {
      const value = asObject(v)?.value;
      if (value === undefined) continue;
      if (asObject(declared[name])?.sensitive === true) {
        const hidden = sensitiveVariable(value as Value);
        variables[name] = hidden.value;
        sensitiveTexts.push(...hidden.texts);
      } else variables[name] = value as Value;
    }
    return {
      format: "plan",
      file: this.file,
      terraformVersion: typeof header.terraform_version === "string" ? header.terraform_version : undefined,
      googleProviderVersion: googleVersionConstraint(asObject(header.configuration)),
      resources: this.resources,
      providers: providerConfigs(asObject(header.configuration)),
      variables,
      locals: {},
      sensitiveTexts,
      modules: this.modules,
    };
  }
}

interface ConfigResource {
  providerKey: string;
  expressions: Json;
  /** What the expressions refer to, without the module prefix: worked out once per configuration block, not per instance. */
  targets?: string[];
  /** `depends_on` as written in the resource's module (qualified with the instance's module when read). */
  dependsOn: string[];
  module: string;
}

/**
 * configuration.root_module and nested module_calls, keyed by module-qualified address; the
 * module calls (their argument expressions, outputs and depends_on) go to `modules`.
 */
function indexConfiguration(configuration: Json | undefined, modules: ModuleCall[]): Map<string, ConfigResource> {
  const index = new Map<string, ConfigResource>();
  const visit = (module: Json | undefined, prefix: string) => {
    for (const raw of asArray(module?.resources)) {
      const r = asObject(raw);
      if (!r || typeof r.address !== "string") continue;
      const address = prefix ? `${prefix}.${r.address}` : r.address;
      const key = typeof r.provider_config_key === "string" ? r.provider_config_key : "google";
      index.set(address, {
        providerKey: normaliseProviderKey(key, prefix),
        expressions: asObject(r.expressions) ?? {},
        dependsOn: strings(r.depends_on),
        module: prefix,
      });
    }
    for (const [name, raw] of Object.entries(asObject(module?.module_calls) ?? {})) {
      const call = asObject(raw);
      const path = prefix ? `${prefix}.module.${name}` : `module.${name}`;
      const child = asObject(call?.module);
      modules.push({
        path,
        inputs: expressions(asObject(call?.expressions)),
        outputs: Object.fromEntries(Object.entries(asObject(child?.outputs) ?? {}).flatMap(([k, o]) => {
          const expression = asObject(asObject(o)?.expression);
          return expression ? [[k, planExpression(expression)]] : [];
        })),
        defaults: Object.fromEntries(Object.entries(asObject(child?.variables) ?? {}).flatMap(([k, v]) => {
          const variable = asObject(v);
          return variable && "default" in variable ? [[k, toValue(variable.default)]] : [];
        })),
        locals: {},
        dependsOn: strings(call?.depends_on),
        providers: {},
        ...(child ? {} : { unread: "the plan does not show the module's configuration" }),
      });
      visit(child, path);
    }
  };
  visit(asObject(configuration?.root_module), "");
  return index;
}

/**
 * Provider config keys look like `google`, `google.beta-alias`, `module.gke:google`, or in
 * old plans `gke:google`. Resources in a module without their own provider block inherit
 * the root's, which is why a missing module key falls back to the bare name.
 */
function normaliseProviderKey(key: string, module: string): string {
  if (key.includes(":")) {
    const [mod, name] = key.split(":");
    return `${mod.startsWith("module.") ? mod : module}:${name}`;
  }
  return key;
}

function strings(value: unknown): string[] {
  return asArray(value).filter((d): d is string => typeof d === "string");
}

/** A module call's argument expressions: constants as they are, anything else by its references. */
function expressions(raw: Json | undefined): Record<string, Expression> {
  const out: Record<string, Expression> = {};
  for (const [name, e] of Object.entries(raw ?? {})) {
    const expression = asObject(e);
    if (expression) setOwn(out as unknown as Values, name, planExpression(expression) as unknown as Value);
  }
  return out;
}

function planExpression(expression: Json): Expression {
  if ("constant_value" in expression) return { value: toValue(expression.constant_value) };
  return { references: mostSpecific(strings(expression.references)) };
}

function googleVersionConstraint(configuration: Json | undefined): string | undefined {
  const google = asObject(asObject(configuration?.provider_config)?.google);
  return typeof google?.version_constraint === "string" ? google.version_constraint : undefined;
}

function providerConfigs(configuration: Json | undefined): ProviderConfig[] {
  const providers: ProviderConfig[] = [];
  for (const [key, raw] of Object.entries(asObject(configuration?.provider_config) ?? {})) {
    const p = asObject(raw);
    const expressions = asObject(p?.expressions);
    const moduleAddress = typeof p?.module_address === "string" ? p.module_address : "";
    providers.push({
      key: moduleAddress && !key.includes(":") ? `${moduleAddress}:${key}` : normaliseProviderKey(key, ""),
      project: expressionValue(asObject(expressions?.project), moduleAddress),
      region: expressionValue(asObject(expressions?.region), moduleAddress),
      name: typeof p?.name === "string" ? p.name : key.split(":").pop()!.split(".")[0],
      arguments: expressionValues(expressions, moduleAddress),
    });
  }
  return providers;
}

function expressionValue(expression: Json | undefined, module: string): Value | undefined {
  if (!expression) return undefined;
  if ("constant_value" in expression) return expression.constant_value as Value;
  const references = asArray(expression.references).filter((r): r is string => typeof r === "string");
  if (references.length === 1 && references[0].startsWith("var.")) return `\${${references[0]}}`;
  if (references.length) return followLater(new Unknown("set from an expression the plan does not evaluate", qualify(references, module)), references);
  return undefined;
}

/**
 * A provider block's expressions as values: constants as they are, references as Unknowns that
 * carry them, nested blocks (lists of expression objects) recursively.
 */
function expressionValues(expressions: Json | undefined, module: string): Values {
  const out: Values = {};
  for (const [name, raw] of Object.entries(expressions ?? {})) {
    if (Array.isArray(raw)) out[name] = raw.map((b) => expressionValues(asObject(b), module));
    else {
      const expression = asObject(raw);
      if (!expression) continue;
      if ("constant_value" in expression) out[name] = toValue(expression.constant_value);
      else {
        const references = asArray(expression.references).filter((r): r is string => typeof r === "string");
        const specific = mostSpecific(references);
        out[name] = followLater(new Unknown("set from an expression the plan does not evaluate", qualify(specific, module)), specific);
      }
    }
  }
  return out;
}

function fromResourceChange(rc: Json, config: Map<string, ConfigResource>, file: string, pointer: string): Resource | undefined {
  const change = asObject(rc.change) ?? {};
  const actions = asArray(change.actions).filter((a): a is string => typeof a === "string");
  const kind = changeOf(actions);
  const before = asObject(change.before);
  const after = asObject(change.after);
  const moduleAddress = typeof rc.module_address === "string" ? rc.module_address : moduleOf(rc.address as string);
  const cfg = config.get(configAddress(rc.address as string));
  const expressions = cfg?.expressions;
  const beforeValues = before ? planValues(before, undefined, change.before_sensitive, undefined, moduleAddress) : undefined;
  const values = kind === "delete" ? (beforeValues ?? {}) : planValues(after, change.after_unknown, change.after_sensitive, expressions ?? UNCONFIGURED, moduleAddress);
  return {
    address: rc.address as string,
    mode: rc.mode === "data" ? "data" : "managed",
    type: rc.type as string,
    name: typeof rc.name === "string" ? rc.name : "",
    module: moduleAddress,
    change: kind,
    values,
    before: beforeValues,
    providerKey: cfg?.providerKey ?? defaultProviderKey(rc, moduleAddress),
    dependsOn: cfg ? qualifyAddresses(cfg.dependsOn, moduleAddress) : [],
    references: cfg ? referencesOf(cfg, moduleAddress) : [],
    ...instanceOf(rc.index),
    location: { file, pointer },
    suppressions: [],
  };
}

/** Plans give the instance key as `index`: a number for count, a string for for_each. */
function instanceOf(index: unknown): { instance?: { key: string | number } } {
  return typeof index === "string" || (typeof index === "number" && Number.isInteger(index)) ? { instance: { key: index } } : {};
}

function qualifyAddresses(addresses: string[], module: string): string[] {
  return module ? addresses.map((d) => `${module}.${d}`) : addresses;
}

function fromStateResource(raw: Json, change: Change, config: Map<string, ConfigResource>, file: string, pointer: string): Resource {
  const address = raw.address as string;
  const moduleAddress = moduleOf(address);
  const cfg = config.get(configAddress(address));
  return {
    address,
    mode: raw.mode === "data" ? "data" : "managed",
    type: String(raw.type),
    name: String(raw.name ?? ""),
    module: moduleAddress,
    change,
    values: planValues(asObject(raw.values), undefined, raw.sensitive_values, undefined, moduleAddress),
    providerKey: cfg?.providerKey ?? defaultProviderKey(raw, moduleAddress),
    dependsOn: cfg ? qualifyAddresses(cfg.dependsOn, moduleAddress) : [],
    references: cfg ? referencesOf(cfg, moduleAddress) : [],
    ...instanceOf(raw.index),
    location: { file, pointer },
    suppressions: [],
  };
}

function changeOf(actions: string[]): Change {
  if (actions.includes("delete") && actions.includes("create")) return "replace";
  const [first] = actions;
  switch (first) {
    case "create":
    case "update":
    case "delete":
    case "read":
    case "no-op":
      return first;
    case "forget": // removed from state only: the object stays in Google Cloud
      return "no-op";
    default:
      return "planned";
  }
}

/**
 * One pass over a plan value and its masks: leaves that after_unknown marks become
 * {@link Unknown}s carrying the references of the matching configuration expression (so the
 * engine can still tell which service account an unknown email belongs to); leaves that the
 * sensitive mask marks never enter the model, so nothing downstream can print them.
 */
function planValues(value: unknown, unknown: unknown, sensitive: unknown, expressions: unknown, module: string): Values {
  return isObject(value as Value) || isObject(unknown as Value) ? (planValue(value ?? null, unknown, sensitive, expressions, module) as Values) : {};
}

function planValue(value: unknown, unknown: unknown, sensitive: unknown, expressions: unknown, module: string): Value {
  if (sensitive === true) return new Unknown("sensitive value, not read");
  if (unknown === true) return unknownFrom(expressions, module);
  const absent = value === null || value === undefined;
  // Copy on write: where the masks change nothing (most of a plan), the parsed value itself is
  // the result; a container is copied only when something in it changes.
  if (Array.isArray(value) || (absent && Array.isArray(unknown))) {
    const list: unknown[] = Array.isArray(value) ? value : [];
    const u = Array.isArray(unknown) ? unknown : [];
    const masks = Array.isArray(sensitive) ? sensitive : [];
    const exprs = expressions === UNCONFIGURED ? [UNCONFIGURED] : Array.isArray(expressions) ? expressions : [];
    const length = Math.max(list.length, u.length);
    let out: Value[] | undefined = Array.isArray(value) && length === list.length ? undefined : new Array(length);
    for (let i = 0; i < length; i++) {
      const item = planValue(list[i] ?? null, u[i], masks[i], exprs[i] ?? exprs[0], module);
      if (out === undefined && item !== list[i]) out = list.slice(0, i) as Value[];
      if (out !== undefined) out[i] = item;
    }
    return out ?? (value as Value[]);
  }
  if (isObject(value as Value) || (absent && isObject(unknown as Value))) {
    const v = (isObject(value as Value) ? value : {}) as Json;
    const u = asObject(unknown) ?? {};
    const masks = asObject(sensitive) ?? {};
    const exprs = expressions === UNCONFIGURED ? UNCONFIGURED_FIELDS : asObject(expressions) ?? {};
    const keys = Object.keys(v);
    let out: Values | undefined = v === value ? undefined : {};
    for (let j = 0; j < keys.length; j++) {
      const k = keys[j];
      const item = planValue(v[k], u[k], masks[k], exprs[k], module);
      if (out === undefined && item !== v[k]) out = copyKeys(v, keys, j);
      if (out !== undefined) setOwn(out, k, item);
    }
    for (const k of Object.keys(u)) {
      if (Object.prototype.hasOwnProperty.call(v, k) || u[k] === false) continue;
      out ??= copyKeys(v, keys, keys.length);
      setOwn(out, k, planValue(null, u[k], masks[k], exprs[k], module));
    }
    return out ?? (v as Values);
  }
  return value === undefined ? null : (value as Value);
}

/** A new object with the first `count` of `keys` of `from`, in order. */
function copyKeys(from: Json, keys: string[], count: number): Values {
  const out: Values = {};
  for (let i = 0; i < count; i++) setOwn(out, keys[i], from[keys[i]] as Value);
  return out;
}

/**
 * The expressions of a resource the plan's configuration does not show: its unknown values may
 * be unset (the provider computes them) or set from anything, which the plan cannot tell.
 */
const UNCONFIGURED: Json = Object.freeze({});
/** Every field of an unconfigured object is unconfigured too. */
const UNCONFIGURED_FIELDS: Json = new Proxy(UNCONFIGURED, { get: () => UNCONFIGURED });

function unknownFrom(expression: unknown, module: string): Unknown {
  if (expression === UNCONFIGURED) return new Unknown("known only after apply; the plan has no configuration to tell whether it is set");
  const refs = asArray(asObject(expression)?.references).filter((r): r is string => typeof r === "string");
  if (refs.length) {
    const specific = mostSpecific(refs);
    return followLater(new Unknown("known only after apply", qualify(specific, module)), specific);
  }
  // No configuration expression: the configuration does not set it, the provider computes it.
  if (expression === undefined || expression === null) return Unknown.computedByProvider();
  return new Unknown("known only after apply");
}

/** Plans list `a.b.email` and `a.b` for one reference; keep the most specific of each. */
function mostSpecific(refs: string[]): string[] {
  if (refs.length <= SHORT_LIST) return refs.filter((r) => r === "" || !refs.some((other) => continues(other, r, false)));
  // Linear in the total length: mark every dotted prefix instead of comparing all pairs.
  const prefixes = new Set<string>();
  for (const r of refs) for (let i = r.indexOf("."); i > 0; i = r.indexOf(".", i + 1)) prefixes.add(r.slice(0, i));
  return refs.filter((r) => !prefixes.has(r));
}

function qualify(refs: string[], module: string): string[] {
  return refs.map((r) => (module && !/^(var|local|each|count|path|terraform)\./.test(r) && !r.startsWith("module.") ? `${module}.${r}` : r));
}

/**
 * The resources a configuration block refers to, qualified with the module of the instance;
 * variables, locals and module outputs as written (model building follows them).
 */
function referencesOf(cfg: ConfigResource, module: string): string[] {
  const targets = (cfg.targets ??= expressionTargets(cfg.expressions));
  return module ? targets.map((t) => (/^(var|local|module)\./.test(t) ? t : `${module}.${t}`)) : targets.slice();
}

function expressionTargets(expressions: unknown): string[] {
  const out = new Set<string>();
  const visit = (e: unknown) => {
    if (Array.isArray(e)) e.forEach(visit);
    else if (isObject(e as Value)) {
      const obj = e as Json;
      if (Array.isArray(obj.references)) {
        for (const r of obj.references) {
          if (typeof r !== "string" || /^(path|terraform|each|count)\./.test(r)) continue;
          if (/^(var|local|module)\./.test(r)) {
            // `module.m.o` is listed with `module.m`: a reference to an output waits for what the
            // output refers to, not for the whole module.
            if (!obj.references.some((other) => typeof other === "string" && other.length > r.length && (other.startsWith(`${r}.`) || other.startsWith(`${r}[`)))) out.add(r);
            continue;
          }
          const parts = r.split(".");
          const target = parts[0] === "data" ? parts.slice(0, 3).join(".") : parts.slice(0, 2).join(".");
          out.add(target.replace(/\[.*$/, ""));
        }
      }
      for (const [k, v] of Object.entries(obj)) if (k !== "references" && k !== "constant_value") visit(v);
    }
  };
  visit(expressions);
  return [...out];
}

/** Visits the resources of a module, then its child modules, depth first, in array order. */
export function walkModule(module: Json | undefined, pointer: string, visit: (resource: Json, pointer: string) => void): void {
  if (!module) return;
  asArray(module.resources).forEach((r, i) => {
    const o = asObject(r);
    if (o) visit(o, `${pointer}/resources/${i}`);
  });
  asArray(module.child_modules).forEach((c, i) => walkModule(asObject(c), `${pointer}/child_modules/${i}`, visit));
}

function defaultProviderKey(raw: Json, module: string): string {
  const name = typeof raw.provider_name === "string" ? raw.provider_name.split("/").pop()! : "google";
  return module ? `${module}:${name}` : name;
}

/** `module.a["x"].module.b.google_x.y[0]` → `module.a["x"].module.b` */
export function moduleOf(address: string): string {
  const match = /^((?:module\.[^.[]+(?:\[[^\]]*\])?\.)*)/.exec(address);
  return match && match[1] ? match[1].slice(0, -1) : "";
}

/** The configuration address has no instance keys: `module.a.google_x.y`. */
function configAddress(address: string): string {
  return address.replace(/\[[^\]]*\]/g, "");
}

function toValue(value: unknown): Value {
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.map(toValue);
  if (value instanceof Unknown) return value;
  if (typeof value === "object" && value !== null) {
    const out: Values = {};
    for (const [k, v] of Object.entries(value)) out[k] = toValue(v);
    return out;
  }
  return value as Value;
}

export function asObject(value: unknown): Json | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
