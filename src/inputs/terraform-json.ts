import type { CdkFramework, ProviderConfig, Resource, SourceLocation, Suppression, Value, Values } from "../model/types";
import { isObject } from "../model/access";
import { buildModel, type BuildOptions, type ModelDraft } from "../model/build";
import type { Model } from "../model/types";
import { parseTemplate } from "../model/expressions";
import { redactCredentials, sensitiveVariable } from "../model/secrets";
import { InputError } from "./input-error";
import { readJsonFile } from "./read-json";
import { configPathOf, inScope, moduleScopes, parentScope, type Expression, type ModuleCall } from "../model/modules";
import { setOwn } from "../model/own-property";
import { readdirSync, realpathSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve as resolvePath } from "node:path";
import { assertNesting } from "./nesting";

const TOP_LEVEL_KEYS = ["resource", "data", "provider", "terraform", "module", "variable", "locals", "output"];

/** A Terraform JSON configuration (`*.tf.json`, CDKTF's `cdk.tf.json`). */
export function isTerraformJson(json: unknown): boolean {
  if (!isObject(json as Value) || "format_version" in (json as Values)) return false;
  return TOP_LEVEL_KEYS.some((k) => k in (json as Values));
}

export interface TerraformJsonSource {
  file: string;
  stack?: string;
  /**
   * The folder local module sources may be read from (the cdktf.out folder, or the folder of the
   * file). Without it, modules are not read: their outputs stay unknown.
   */
  root?: string;
}

export function modelFromTerraformJson(json: unknown, source: TerraformJsonSource, options: BuildOptions = {}): Model {
  return buildModel(terraformJsonDraft(json, source), options);
}

type Json = Record<string, unknown>;

export function terraformJsonDraft(json: unknown, source: TerraformJsonSource): ModelDraft {
  if (!isObject(json as Value)) throw new InputError(source.file, "expected a JSON object at the top of a Terraform JSON configuration");
  assertNesting(json, source.file);
  const config = json as Json;
  const sensitiveTexts: string[] = [];
  const variables = variableDefaults(config, sensitiveTexts);
  const locals = localValues(config);
  const reader = new ModuleTreeReader(source, sensitiveTexts);
  const resources: Resource[] = [];
  const providers: ProviderConfig[] = [];
  const statics = new StaticValues(variables, locals, reader.modules);
  reader.readModule(config, source.file, "", resources, providers, statics);
  const terraform = firstObject(config.terraform);
  const google = asObject(asObject(firstObject(terraform?.required_providers))?.google);
  return {
    format: "terraform-json",
    file: source.file,
    stack: source.stack ?? stackName(config),
    googleProviderVersion: typeof google?.version === "string" ? google.version : undefined,
    cdkFramework: cdkFrameworkOf(config),
    resources,
    providers,
    variables,
    locals,
    sensitiveTexts,
    modules: [...reader.modules.values()],
    moduleInstanceValues: reader.instanceValues,
  };
}

/** Variable defaults; a sensitive one keeps only what sensitiveVariable lets through, its texts go to `sensitiveTexts`. */
function variableDefaults(config: Json, sensitiveTexts: string[]): Record<string, Value> {
  const variables: Record<string, Value> = {};
  for (const [name, body] of Object.entries(asObject(config.variable) ?? {})) {
    const block = firstObject(body);
    const def = block?.default;
    if (def === undefined) continue;
    if (block?.sensitive === true) {
      const hidden = sensitiveVariable(def as Value);
      setOwn(variables, name, hidden.value);
      sensitiveTexts.push(...hidden.texts);
    } else setOwn(variables, name, def as Value);
  }
  return variables;
}

function localValues(config: Json): Record<string, Value> {
  const locals: Record<string, Value> = {};
  for (const block of asList(config.locals)) for (const [k, v] of Object.entries(asObject(block) ?? {})) setOwn(locals, k, v as Value);
  return locals;
}

/** Module block arguments that are meta-arguments, not the module's input variables. */
const MODULE_META = new Set(["//", "source", "version", "providers", "depends_on", "count", "for_each"]);

/**
 * Reads a configuration and the modules it calls whose source is a local folder of Terraform
 * JSON files (`*.tf.json`; Terraform merges the files of a module), instance by instance.
 */
class ModuleTreeReader {
  readonly modules = new Map<string, ModuleCall>();
  readonly instanceValues = new Map<string, Value>();
  private readonly root: string | undefined;

  constructor(
    source: TerraformJsonSource,
    private readonly sensitiveTexts: string[],
  ) {
    this.root = source.root === undefined ? undefined : safeRealpath(source.root);
  }

  readModule(config: Json, file: string, scope: string, resources: Resource[], providers: ProviderConfig[], statics: StaticValues): void {
    const configPath = configPathOf(scope);
    for (const [mode, key] of [["managed", "resource"], ["data", "data"]] as const) {
      forEachBody(config[key], (type, name, body) => {
        const location = new BodyLocation(file, key, type, name);
        const instances = instancesOf(body, scope, statics);
        if (!instances) resources.push(fromBody(mode, type, name, body, location, scope));
        else for (const instance of instances) resources.push(fromBody(mode, type, name, body, location, scope, instance));
      });
    }
    // A module's provider blocks are its own configurations: `module.gke:kubernetes`.
    if (!scope || !this.providersRead.has(configPath)) {
      this.providersRead.add(configPath);
      for (const p of providerConfigs(config.provider)) providers.push(configPath ? { ...p, key: `${configPath}:${p.key}` } : p);
    }
    for (const group of asList(config.module)) {
      for (const [name, raw] of Object.entries(asObject(group) ?? {})) {
        const body = firstObject(raw);
        if (body) this.readCall(name, body, file, scope, resources, providers, statics);
      }
    }
  }

  private readonly providersRead = new Set<string>();

  private readCall(name: string, body: Json, file: string, scope: string, resources: Resource[], providers: ProviderConfig[], statics: StaticValues): void {
    const path = inScope(configPathOf(scope), `module.${name}`);
    const source = typeof body.source === "string" ? body.source : "";
    let call = this.modules.get(path);
    let child: Json | undefined;
    let childFile = file;
    if (!call) {
      const inputs: Record<string, Expression> = {};
      for (const [k, v] of Object.entries(body)) if (!MODULE_META.has(k)) setOwn(inputs as unknown as Values, k, { value: v as Value } as unknown as Value);
      const found = this.moduleSource(source, file);
      child = found.config;
      childFile = found.file ?? file;
      call = {
        path,
        inputs,
        outputs: {},
        defaults: child ? variableDefaults(child, this.sensitiveTexts) : {},
        locals: child ? localValues(child) : {},
        dependsOn: asList(body.depends_on).flatMap((d) => (typeof d === "string" ? [stripInterpolation(d)] : [])),
        providers: Object.fromEntries(Object.entries(asObject(body.providers) ?? {}).flatMap(([k, v]) => (typeof v === "string" ? [[k, stripInterpolation(v)]] : []))),
        ...(found.unread ? { unread: found.unread } : {}),
      };
      for (const [k, o] of Object.entries(asObject(child?.output) ?? {})) {
        const output = firstObject(o);
        if (output && "value" in output) setOwn(call.outputs as unknown as Values, k, { value: output.value as Value } as unknown as Value);
      }
      this.modules.set(path, call);
      this.sources.set(path, { config: child, file: childFile });
    } else ({ config: child, file: childFile } = this.sources.get(path) ?? { config: undefined, file });
    if (!child) return;
    const instances = instancesOf(body, scope, statics);
    if (instances === undefined && (body.for_each !== undefined || body.count !== undefined)) {
      call.unread ??= "its count or for_each is not known before apply";
      return;
    }
    for (const instance of instances ?? [undefined]) {
      const childScope = inScope(scope, `module.${name}${instance === undefined ? "" : instanceSuffix(instance.key)}`);
      if (instance?.value !== undefined) this.instanceValues.set(childScope, instance.value);
      if (moduleScopes(childScope).length > MAX_MODULE_DEPTH) continue;
      this.readModule(child, childFile, childScope, resources, providers, statics);
    }
  }

  private readonly sources = new Map<string, { config: Json | undefined; file: string }>();

  /** A local module source folder of Terraform JSON files, inside the input's folder. */
  private moduleSource(source: string, file: string): { config?: Json; file?: string; unread?: string } {
    if (!/^\.\.?\//.test(source)) return { unread: `its source ${JSON.stringify(source)} is not a local folder, so its configuration is not in the input` };
    if (this.root === undefined) return { unread: "local modules are read only from a file or cdktf.out folder" };
    const dir = resolvePath(dirname(file), source);
    const real = safeRealpath(dir);
    if (real === undefined) return { unread: `its source ${JSON.stringify(source)} does not exist` };
    const inside = relative(this.root, real);
    if (inside.startsWith("..") || isAbsolute(inside)) return { unread: `its source ${JSON.stringify(source)} is outside the input's folder, so it is not read` };
    let names: string[];
    try {
      names = readdirSync(real).sort();
    } catch {
      return { unread: `its source ${JSON.stringify(source)} is not a readable folder` };
    }
    const jsonFiles = names.filter((n) => n.endsWith(".tf.json"));
    if (jsonFiles.length === 0) {
      return { unread: names.some((n) => n.endsWith(".tf")) ? "it is written in HCL (.tf), which preflight does not read; check the plan (terraform show -json) for what it creates" : `its source ${JSON.stringify(source)} has no Terraform JSON file` };
    }
    const merged: Json = {};
    for (const name of jsonFiles) {
      const path = join(dir, name);
      const real = safeRealpath(path);
      const within = real === undefined ? ".." : relative(this.root, real);
      if (within.startsWith("..") || isAbsolute(within)) continue;
      const json = readJsonFile(path);
      if (!isObject(json as Value)) throw new InputError(path, "expected a JSON object at the top of a Terraform JSON configuration");
      assertNesting(json, path);
      for (const [k, v] of Object.entries(json as Json)) merged[k] = k in merged ? [...asList(merged[k]), ...asList(v)] : v;
    }
    return { config: merged, file: join(dir, jsonFiles[0]) };
  }
}

/** Module calls inside module calls; a folder that calls itself stops here. */
const MAX_MODULE_DEPTH = 32;

function safeRealpath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

function instanceSuffix(key: string | number): string {
  return typeof key === "number" ? `[${key}]` : `[${JSON.stringify(key)}]`;
}

type Instance = { key: string | number; value?: Value };

/**
 * The instances of a block with `count` or `for_each`, when the collection is known before
 * apply (https://developer.hashicorp.com/terraform/language/meta-arguments/for_each): a map's
 * keys, a set of strings (each.key = each.value), a count. Undefined without either, or when
 * the collection is not known.
 */
function instancesOf(body: Json, scope: string, statics: StaticValues): Instance[] | undefined {
  if (body.for_each !== undefined) {
    const collection = statics.value(body.for_each as Value, scope);
    if (Array.isArray(collection)) {
      if (!collection.every((k) => typeof k === "string")) return undefined;
      return [...new Set(collection as string[])].sort().map((k) => ({ key: k, value: k }));
    }
    if (isObject(collection)) return Object.keys(collection).sort().map((k) => ({ key: k, value: collection[k] }));
    return undefined;
  }
  if (body.count !== undefined) {
    const count = statics.value(body.count as Value, scope);
    const n = typeof count === "number" ? count : typeof count === "string" && /^\d+$/.test(count) ? Number(count) : undefined;
    if (n === undefined || !Number.isInteger(n) || n < 0 || n > MAX_INSTANCES) return undefined;
    return Array.from({ length: n }, (_, i) => ({ key: i }));
  }
  return undefined;
}

/** More instances than this are left as one block (as if the collection were not known). */
const MAX_INSTANCES = 10_000;

/**
 * Values known when the configuration is read, for `count` and `for_each`: literals, and
 * `${var.x}`, `${local.x}`, `${toset(…)}`, `${tomap(…)}`, `${length(…)}` of them, through module
 * inputs. Anything else (a resource attribute, another function) is not known here.
 */
class StaticValues {
  constructor(
    private readonly variables: Record<string, Value>,
    private readonly locals: Record<string, Value>,
    private readonly modules: ReadonlyMap<string, ModuleCall>,
  ) {}

  value(value: Value, scope: string, depth = 0): Value | undefined {
    if (depth > 16) return undefined;
    if (typeof value !== "string") return value;
    const parts = parseTemplate(value);
    if (parts.length !== 1) return undefined;
    if ("literal" in parts[0]) return parts[0].literal;
    return this.expression(parts[0].expression, scope, depth);
  }

  private expression(expression: string, scope: string, depth: number): Value | undefined {
    const call = /^(toset|tomap|tolist|length)\((.*)\)$/s.exec(expression.trim());
    if (call) {
      const inner = this.expression(call[2], scope, depth + 1);
      if (inner === undefined) return undefined;
      if (call[1] === "length") return Array.isArray(inner) ? inner.length : isObject(inner) ? Object.keys(inner).length : undefined;
      return inner;
    }
    const m = /^(var|local)\.([A-Za-z_][\w-]*)$/.exec(expression.trim());
    if (!m) return undefined;
    const [, kind, name] = m;
    if (kind === "local") {
      const locals = scope ? this.modules.get(configPathOf(scope))?.locals : this.locals;
      const v = locals && Object.prototype.hasOwnProperty.call(locals, name) ? locals[name] : undefined;
      return v === undefined ? undefined : this.value(v, scope, depth + 1);
    }
    if (!scope) return Object.prototype.hasOwnProperty.call(this.variables, name) ? this.value(this.variables[name], "", depth + 1) : undefined;
    const module = this.modules.get(configPathOf(scope));
    const input = module && Object.prototype.hasOwnProperty.call(module.inputs, name) ? module.inputs[name] : undefined;
    if (input && "value" in input) return this.value(input.value, parentScope(scope), depth + 1);
    const def = module && Object.prototype.hasOwnProperty.call(module.defaults, name) ? module.defaults[name] : undefined;
    return def === undefined ? undefined : this.value(def, scope, depth + 1);
  }
}

/**
 * Calls `visit` for each resource body, in file order. `resource` may be `{type: {name: body}}`
 * or a list of such objects; bodies may be lists. No list of entries is built: there is one
 * body per resource, 100,000 in a large stack.
 */
function forEachBody(section: unknown, visit: (type: string, name: string, body: Json) => void): void {
  for (const group of asList(section)) {
    const byType = asObject(group);
    if (!byType) continue;
    for (const type of Object.keys(byType)) {
      for (const named of asList(byType[type])) {
        const byName = asObject(named);
        if (!byName) continue;
        for (const name of Object.keys(byName)) {
          const object = firstObject(byName[name]);
          if (object) visit(type, name, object);
        }
      }
    }
  }
}

/** Keys of a resource body that are meta-arguments or CDKTF metadata, not values of the resource. */
const NOT_VALUES = new Set(["//", "depends_on", "provider", "lifecycle", "count", "for_each"]);

function fromBody(mode: "managed" | "data", type: string, name: string, body: Json, location: SourceLocation, scope = "", instance?: Instance): Resource {
  const meta = asObject(body["//"]);
  const values: Values = {};
  for (const k of Object.keys(body)) if (!NOT_VALUES.has(k)) values[k] = body[k] as Value;
  const address = inScope(scope, `${mode === "data" ? "data." : ""}${type}.${name}${instance ? instanceSuffix(instance.key) : ""}`);
  const key = providerKey(body.provider, type);
  const configPath = configPathOf(scope);
  return {
    address,
    mode,
    type,
    name,
    module: scope,
    change: "planned",
    values,
    providerKey: configPath ? `${configPath}:${key}` : key,
    dependsOn: asList(body.depends_on).flatMap((d) => (typeof d === "string" ? [inScope(scope, stripInterpolation(d))] : [])),
    ...(instance ? { instance } : {}),
    references: [],
    constructPath: typeof asObject(meta?.metadata)?.path === "string" ? redactCredentials(asObject(meta?.metadata)!.path as string) : undefined,
    location,
    suppressions: readSuppressions(meta),
  };
}

/** CDKTF writes `"provider": "google.other"`, hand-written JSON may use `${google.other}`. */
function providerKey(provider: unknown, type: string): string {
  if (typeof provider === "string" && provider) return stripInterpolation(provider);
  const underscore = type.indexOf("_");
  return underscore < 0 ? type : type.slice(0, underscore);
}

function stripInterpolation(text: string): string {
  const parts = parseTemplate(text);
  return parts.length === 1 && "expression" in parts[0] ? parts[0].expression : text;
}

function providerConfigs(section: unknown): ProviderConfig[] {
  const providers: ProviderConfig[] = [];
  for (const group of asList(section)) {
    for (const [name, bodies] of Object.entries(asObject(group) ?? {})) {
      for (const body of asList(bodies)) {
        const b = asObject(body);
        if (!b) continue;
        const alias = typeof b.alias === "string" ? b.alias : undefined;
        providers.push({ key: alias ? `${name}.${alias}` : name, project: b.project as Value | undefined, region: b.region as Value | undefined, name, arguments: providerArguments(b) });
      }
    }
  }
  return providers;
}

/** The block's arguments without CDKTF metadata; references are resolved with the resources. */
function providerArguments(body: Json): Values {
  const out: Values = {};
  for (const [k, v] of Object.entries(body)) if (k !== "//" && k !== "alias") out[k] = v as Value;
  return out;
}

function readSuppressions(meta: Json | undefined): Suppression[] {
  const list = asList(asObject(meta?.preflight)?.suppressions);
  return list.flatMap((raw) => {
    const s = asObject(raw);
    if (!s || typeof s.ruleId !== "string") return [];
    return [{
      ruleId: s.ruleId,
      reason: typeof s.reason === "string" ? redactCredentials(s.reason) : "",
      ...(typeof s.expires === "string" ? { expires: s.expires } : {}),
    }];
  });
}

/**
 * Which CDK synthesized the stack, from the version in its metadata: cdktf's releases end at 0.21
 * (npm dist-tag latest 0.21.0) and cdktn's start after them (0.24.0 on npm, 2026-12-01). Undefined
 * for Terraform JSON written by hand or by another tool.
 */
function cdkFrameworkOf(config: Json): CdkFramework | undefined {
  const version = asObject(asObject(config["//"])?.metadata)?.version;
  const match = typeof version === "string" ? /^0\.(\d+)\./.exec(version) : null;
  if (!match) return undefined;
  return Number(match[1]) >= 22 ? "cdktn" : "cdktf";
}

function stackName(config: Json): string | undefined {
  const name = asObject(asObject(config["//"])?.metadata)?.stackName;
  return typeof name === "string" ? redactCredentials(name) : undefined;
}

/**
 * Where a resource body is: `/resource/TYPE/NAME` in the file. The JSON pointer is spelled out
 * when read (for the resources that have findings): 100,000 pointer strings built up front were
 * 13 MB of a large stack's model.
 */
class BodyLocation implements SourceLocation {
  constructor(
    readonly file: string,
    private readonly section: "resource" | "data",
    private readonly type: string,
    private readonly name: string,
  ) {}

  get pointer(): string {
    return `/${this.section}/${escapePointer(this.type)}/${escapePointer(this.name)}`;
  }
}

function escapePointer(segment: string): string {
  if (!segment.includes("~") && !segment.includes("/")) return segment; // the usual case, once per resource
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

function firstObject(value: unknown): Json | undefined {
  if (!Array.isArray(value)) return asObject(value); // the usual shape: one object, no list to build
  return value.map(asObject).find((o) => o !== undefined);
}

function asList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return value === undefined || value === null ? [] : [value];
}

function asObject(value: unknown): Json | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}
