import type { CdkFramework, ProviderConfig, Resource, SourceLocation, Suppression, Value, Values } from "../model/types";
import { isObject } from "../model/access";
import { buildModel, type BuildOptions, type ModelDraft } from "../model/build";
import type { Model } from "../model/types";
import { parseTemplate } from "../model/expressions";
import { redactCredentials, sensitiveVariable } from "../model/secrets";
import { InputError } from "./input-error";
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
}

export function modelFromTerraformJson(json: unknown, source: TerraformJsonSource, options: BuildOptions = {}): Model {
  return buildModel(terraformJsonDraft(json, source), options);
}

type Json = Record<string, unknown>;

export function terraformJsonDraft(json: unknown, source: TerraformJsonSource): ModelDraft {
  if (!isObject(json as Value)) throw new InputError(source.file, "expected a JSON object at the top of a Terraform JSON configuration");
  assertNesting(json, source.file);
  const config = json as Json;
  const resources: Resource[] = [];
  for (const [mode, key] of [["managed", "resource"], ["data", "data"]] as const) {
    forEachBody(config[key], (type, name, body) => {
      resources.push(fromBody(mode, type, name, body, new BodyLocation(source.file, key, type, name)));
    });
  }
  const variables: Record<string, Value> = {};
  const sensitiveTexts: string[] = [];
  for (const [name, body] of Object.entries(asObject(config.variable) ?? {})) {
    const block = firstObject(body);
    const def = block?.default;
    if (def === undefined) continue;
    if (block?.sensitive === true) {
      const hidden = sensitiveVariable(def as Value);
      variables[name] = hidden.value;
      sensitiveTexts.push(...hidden.texts);
    } else variables[name] = def as Value;
  }
  const locals: Record<string, Value> = {};
  for (const block of asList(config.locals)) Object.assign(locals, asObject(block) ?? {});
  const terraform = firstObject(config.terraform);
  const google = asObject(asObject(firstObject(terraform?.required_providers))?.google);
  return {
    format: "terraform-json",
    file: source.file,
    stack: source.stack ?? stackName(config),
    googleProviderVersion: typeof google?.version === "string" ? google.version : undefined,
    cdkFramework: cdkFrameworkOf(config),
    resources,
    providers: providerConfigs(config.provider),
    variables,
    locals: locals as Record<string, Value>,
    sensitiveTexts,
  };
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

function fromBody(mode: "managed" | "data", type: string, name: string, body: Json, location: SourceLocation): Resource {
  const meta = asObject(body["//"]);
  const values: Values = {};
  for (const k of Object.keys(body)) if (!NOT_VALUES.has(k)) values[k] = body[k] as Value;
  const address = `${mode === "data" ? "data." : ""}${type}.${name}`;
  return {
    address,
    mode,
    type,
    name,
    module: "",
    change: "planned",
    values,
    providerKey: providerKey(body.provider, type),
    dependsOn: asList(body.depends_on).flatMap((d) => (typeof d === "string" ? [stripInterpolation(d)] : [])),
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
