import type { Value } from "./types";

/**
 * An expression of a module call's argument or of a module output, as the input gives it:
 * Terraform JSON gives the value itself (with `${…}` templates, evaluated in the expression's
 * scope); a plan gives a constant, or only the references the expression is built from.
 */
export type Expression = { value: Value } | { references: readonly string[] };

/** What a configuration says about one `module` block and the module it calls. */
export interface ModuleCall {
  /** Configuration path of the called module, without instance keys: `module.a.module.b`. */
  path: string;
  /** The caller's expressions for the module's input variables, evaluated in the caller's scope. */
  inputs: Record<string, Expression>;
  /** The module's outputs, evaluated in the module's scope. */
  outputs: Record<string, Expression>;
  /** Defaults of the module's input variables. */
  defaults: Record<string, Value>;
  /** The module's locals (Terraform JSON; plans do not carry them). */
  locals: Record<string, Value>;
  /** `depends_on` of the module block, as written in the caller's scope. */
  dependsOn: string[];
  /** The block's `providers` map: provider key inside the module → provider key in the caller. */
  providers: Record<string, string>;
  /** Why the module's own configuration is not in the input (a registry or HCL source). */
  unread?: string;
}

/** One module instance scope: `""` (root), `module.a`, `module.a["k"].module.b`. */
export interface ScopeSegment {
  /** The module block's name. */
  name: string;
  /** The instance key (`for_each` string key or `count` index), when the call has one. */
  key?: string | number;
}

// One segment of a module address: `module.NAME` with an optional `[0]` or `["key"]`.
const SEGMENT = /module\.([A-Za-z_][\w-]*)(?:\[(\d+|"(?:[^"\\]|\\.)*")\])?/y;

/** What is worked out once per scope: scopes repeat across thousands of resources. */
interface ScopeFacts {
  segments: readonly ScopeSegment[] | undefined;
  configPath: string;
  parent: string;
}

const factsByScope = new Map<string, ScopeFacts>();

function scopeFacts(scope: string): ScopeFacts {
  let facts = factsByScope.get(scope);
  if (facts === undefined) {
    if (factsByScope.size > 100_000) factsByScope.clear();
    const segments = parseSegments(scope);
    facts = {
      segments,
      configPath: !scope.includes("[") || !segments ? scope : segments.map((s) => `module.${s.name}`).join("."),
      parent: segments ? scopeOf(segments.slice(0, -1)) : "",
    };
    factsByScope.set(scope, facts);
  }
  return facts;
}

/** `module.a["k"].module.b[0]` → [{a, "k"}, {b, 0}]; undefined when it is not a module address. */
export function scopeSegments(scope: string): readonly ScopeSegment[] | undefined {
  return scopeFacts(scope).segments;
}

function parseSegments(scope: string): ScopeSegment[] | undefined {
  const out: ScopeSegment[] = [];
  let i = 0;
  while (i < scope.length) {
    SEGMENT.lastIndex = i;
    const m = SEGMENT.exec(scope);
    if (!m) return undefined;
    out.push(m[2] === undefined ? { name: m[1] } : { name: m[1], key: m[2].startsWith('"') ? (JSON.parse(m[2]) as string) : Number(m[2]) });
    i = SEGMENT.lastIndex;
    if (i < scope.length) {
      if (scope[i] !== ".") return undefined;
      i++;
    }
  }
  return out;
}

export function scopeOf(segments: readonly ScopeSegment[]): string {
  return segments.map((s) => `module.${s.name}${s.key === undefined ? "" : `[${typeof s.key === "number" ? s.key : JSON.stringify(s.key)}]`}`).join(".");
}

/** The configuration path of a module instance scope: its instance keys dropped. */
export function configPathOf(scope: string): string {
  return scope.includes("[") ? scopeFacts(scope).configPath : scope;
}

/** The scope that calls `scope`'s module (`""` for a root module call). */
export function parentScope(scope: string): string {
  return scopeFacts(scope).parent;
}

/** `scope` and every scope above it that is a module, outermost first: `module.a`, `module.a.module.b`. */
export function moduleScopes(scope: string): string[] {
  const segments = scopeSegments(scope) ?? [];
  return segments.map((_, i) => scopeOf(segments.slice(0, i + 1)));
}

/** A name written in `scope` (`module.x`, `google_x.y`), as an address from the root. */
export function inScope(scope: string, address: string): string {
  return scope ? `${scope}.${address}` : address;
}

/**
 * A reference to a module call or its output written in some scope: `module.net`,
 * `module.net.subnet`, `module.pools["a"].email`, `module.pools[0]`.
 */
export interface ModuleOutputReference {
  segment: ScopeSegment;
  /** The output's name, when the reference names one. */
  output?: string;
  /** Attribute path inside the output's value. */
  path: string[];
}

const MODULE_REFERENCE = /^module\.([A-Za-z_][\w-]*)(?:\[(\d+|"(?:[^"\\]|\\.)*")\])?(?:\.([A-Za-z_][\w-]*))?((?:\.[A-Za-z_][\w-]*|\[(?:\d+|"[^"]*")\])*)$/;

export function parseModuleReference(reference: string): ModuleOutputReference | undefined {
  const m = MODULE_REFERENCE.exec(reference);
  if (!m) return undefined;
  const segment: ScopeSegment = m[2] === undefined ? { name: m[1] } : { name: m[1], key: m[2].startsWith('"') ? (JSON.parse(m[2]) as string) : Number(m[2]) };
  const path = [...m[4].matchAll(/\.([A-Za-z_][\w-]*)|\[(\d+|"[^"]*")\]/g)].map((p) => p[1] ?? p[2].replace(/^"|"$/g, ""));
  return { segment, ...(m[3] !== undefined ? { output: m[3] } : {}), path };
}

/** The module calls of a configuration by configuration path. */
export type ModuleCalls = ReadonlyMap<string, ModuleCall>;

/**
 * Unknowns a reader made from references that still name variables, locals, module outputs or
 * instance keys (the others name resources, qualified from the root): only these are followed
 * through the module tree, so the bulk of a plan's unknown values is not looked at again.
 */
const toFollow = new WeakSet<object>();

/** Marks `value` for following when any of the references it was made from (as written in its module) needs it. */
export function followLater<T extends object>(value: T, writtenReferences: readonly string[]): T {
  if (writtenReferences.some((r) => /^(var|local|module|each|count)\./.test(r))) toFollow.add(value);
  return value;
}

export function isToFollow(value: object): boolean {
  return toFollow.has(value);
}
