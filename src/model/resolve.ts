import type { ProviderConfig, Resource, Value, Values } from "./types";
import { isUnknown, Unknown } from "./unknown";
import { hasInterpolation, isPlainReference, parseReference, parseTemplate, referencesIn, type ParsedReference, type TemplatePart } from "./expressions";
import { isObject } from "./access";
import { hiddenCredential, isSecretAttribute, looksLikeCredential, withoutCredentials } from "./secrets";
import { addToList } from "./multimap";
import { setOwn } from "./own-property";
import { withoutInstanceKey } from "./addresses";

/**
 * Replaces `${…}` references in resource values by what they point to, where that is known
 * before apply. Attributes computed by Google (a service account's email, a project's number)
 * are derived from the arguments that determine them where the provider documents the format.
 * What cannot be resolved becomes an {@link Unknown} that keeps the template and references.
 */
export class ReferenceResolver {
  private readonly resolved = new Map<string, Resolution>();
  /**
   * Resources, variables and locals being resolved, innermost last: meeting one again is a
   * cycle. A stack, not a Set: entries come and go in nested order, at most a few hundred deep
   * (see MAX_LEVEL), and a Set resized itself on nearly every add and delete.
   */
  private readonly inProgress: string[] = [];
  /** Nested values and references followed so far, see {@link MAX_LEVEL}. */
  private level = 0;
  /** Instances of blocks with `count`/`for_each` by their block address (`x.y[0]` under `x.y`). */
  private readonly instancesByBase = new Map<string, Resource[]>();

  constructor(
    private readonly byAddress: ReadonlyMap<string, Resource>,
    private readonly providers: ReadonlyMap<string, ProviderConfig>,
    private readonly variables: Record<string, Value>,
    private readonly locals: Record<string, Value>,
  ) {
    for (const r of byAddress.values()) {
      // An address without an instance key is found by its exact address: no need to index it.
      const base = withoutInstanceKey(r.address);
      if (base !== r.address) addToList(this.instancesByBase, base, r);
    }
  }

  /**
   * Resolves the resource's values and lists what it references, in place: the draft's resources
   * become the model's (a copy of 100,000 resources is what this saves). Call once per resource.
   */
  resolveResource(resource: Resource): Resource {
    const resolution = this.resolution(resource);
    // With two resources under one address, the values of the first are used for both (as
    // references see them); each keeps the references of its own expressions.
    const own = resolution.source === resource ? resolution.references : collectReferences(resource.values, resource.module, []);
    resource.values = resolution.values;
    if (resource.before) resource.before = withoutCredentials(resource.before);
    resource.references = withoutDuplicates(resource.references.concat(own)).filter((a) => a !== resource.address);
    return resource;
  }

  /** Resolves a single value in the scope of a module (used for provider arguments). */
  resolveScalar(value: Value, module: string): Value {
    return this.resolveValue(value, module);
  }

  private resolvedValues(resource: Resource): Values {
    return this.resolution(resource).values;
  }

  /**
   * A resource's resolved values, and the resources its own expressions refer to, found in the
   * same walk (a second walk over every value parsed every template again). Computed once.
   */
  private resolution(resource: Resource): Resolution {
    const cached = this.resolved.get(resource.address);
    if (cached) return cached;
    this.inProgress.push(resource.address);
    try {
      const references: string[] = [];
      const values = this.resolveValue(resource.values, resource.module, references) as Values;
      const resolution = { values, references, source: resource };
      this.resolved.set(resource.address, resolution);
      return resolution;
    } finally {
      this.inProgress.pop();
    }
  }

  /** One level deeper; past {@link MAX_LEVEL} the reference being followed is given up. Pair with {@link leave}. */
  private enter(cost: number): void {
    if (this.level + cost > MAX_LEVEL) throw TOO_DEEP;
    this.level += cost;
  }

  private leave(cost: number): void {
    this.level -= cost;
  }

  /** Follows a reference; a chain too long to follow becomes an Unknown instead of a stack overflow. */
  private follow(reference: string, resolve: () => Value): Value {
    try {
      this.enter(REFERENCE_COST);
      try {
        return resolve();
      } finally {
        this.leave(REFERENCE_COST);
      }
    } catch (error) {
      if (error !== TOO_DEEP) throw error;
      return new Unknown(`\`${reference}\` is reached through a chain of references too long to follow`, [reference]);
    }
  }

  /**
   * Resolves references in a value. With `references`, also adds the resources its expressions
   * refer to (as {@link collectReferences} would), so that a resource's values are walked once.
   */
  private resolveValue(value: Value, module: string, references?: string[]): Value {
    if (typeof value === "string") return this.resolveString(value, module, references);
    // Copy on write: most of a plan has nothing to resolve, and copying it all is what costs.
    if (Array.isArray(value)) {
      this.enter(1);
      try {
        let out: Value[] | undefined;
        for (let i = 0; i < value.length; i++) {
          const resolved = this.resolveValue(value[i], module, references);
          if (resolved !== value[i]) (out ??= value.slice())[i] = resolved;
        }
        return out ?? value;
      } finally {
        this.leave(1);
      }
    }
    if (isObject(value)) {
      this.enter(1);
      try {
        let out: Values | undefined;
        for (const k of Object.keys(value)) {
          if (k === "//") continue;
          const v = value[k];
          const resolved = isSecretAttribute(k) && v !== null && !isUnknown(v) ? this.secretValue(v, module, references) : this.resolveValue(v, module, references);
          if (resolved === v) continue;
          out ??= { ...value };
          setOwn(out, k, resolved);
        }
        return out ?? value;
      } finally {
        this.leave(1);
      }
    }
    // Unknown values carry fully qualified references already.
    if (references && isUnknown(value)) for (const r of value.references) addReference(r, "", references);
    return value;
  }

  private resolveString(text: string, module: string, references: string[] | undefined): Value {
    if (looksLikeCredential(text)) {
      if (references) collectReferences(text, module, references);
      return hiddenCredential();
    }
    // Without `${` there is nothing to resolve and no `$${` to unescape.
    if (!text.includes("${")) return text;
    const parts = parseTemplate(text);
    if (references) for (const part of parts) if ("expression" in part) for (const r of referencesIn(part.expression)) addReference(r, module, references);
    return parts.some((p) => "expression" in p) ? this.resolveTemplate(parts, module) : unescapeTemplate(text);
  }

  /**
   * A credential attribute keeps only where its value comes from (a reference such as
   * `data.google_client_config.x.access_token`, which rules read to judge the token source);
   * any value that resolves to text is hidden.
   */
  private secretValue(value: Value, module: string, references: string[] | undefined): Value {
    if (references) collectReferences(value, module, references);
    if (typeof value !== "string" || !hasInterpolation(value)) return hiddenCredential();
    const resolved = this.resolveTemplate(parseTemplate(value), module);
    return isUnknown(resolved) ? new Unknown(resolved.reason, resolved.references) : hiddenCredential();
  }

  private resolveTemplate(parts: TemplatePart[], module: string): Value {
    const references: string[] = [];
    let template = "";
    let unresolved: string | undefined;
    let whole: Value | undefined;
    for (const part of parts) {
      if ("literal" in part) {
        template += part.literal;
        continue;
      }
      const resolved = isPlainReference(part.expression)
        ? this.resolveReference(part.expression, module)
        : new Unknown(`the expression \`${part.expression}\` is evaluated by Terraform at apply`, referencesIn(part.expression));
      if (isUnknown(resolved)) {
        references.push(...(resolved.references.length ? resolved.references : [part.expression]));
        template += resolved.template ?? `\${${part.expression}}`;
        unresolved ??= resolved.reason;
      } else if (typeof resolved === "string" || typeof resolved === "number" || typeof resolved === "boolean") {
        template += String(resolved);
        if (parts.length === 1) whole = resolved;
      } else {
        if (parts.length === 1) whole = resolved;
        else {
          unresolved ??= `\`${part.expression}\` is not a string`;
          template += `\${${part.expression}}`;
        }
      }
    }
    if (unresolved) return new Unknown(unresolved, unique(references), template);
    return whole !== undefined ? whole : template;
  }

  /** Resolves one plain reference such as `google_service_account.nodes.email`. */
  resolveReference(reference: string, module: string): Value {
    const ref = parseReference(reference);
    if (ref.kind === "var") return this.lookupPath(ref.target, ownValue(this.variables, ref.target.slice(4)), ref.attributePath, reference, module, "input variable");
    if (ref.kind === "local") return this.lookupPath(ref.target, ownValue(this.locals, ref.target.slice(6)), ref.attributePath, reference, module, "local value");
    if (ref.kind === "module") return new Unknown(`\`${reference}\` is an output of a module the input does not show`, [reference]);
    if (ref.kind === "other") return new Unknown(`\`${reference}\` is only known when Terraform expands the resource`, [reference]);
    const target = this.findTarget(ref, module);
    if (!target) return new Unknown(`\`${reference}\` points to nothing in the input`, [reference]);
    if (this.inProgress.includes(target.address)) return new Unknown(`\`${reference}\` is part of a reference cycle`, [reference]);
    return this.follow(reference, () => this.attributeOf(target, ref, reference));
  }

  private attributeOf(target: Resource, ref: ParsedReference, reference: string): Value {
    const values = this.resolvedValues(target);
    const computed = computedAttribute(target, values, ref.attributePath, this.providerProject(target));
    if (computed !== undefined) return computed;
    const found = walk(values, ref.attributePath);
    if (found === undefined || found === null) {
      return new Unknown(`\`${reference}\` is computed by the provider at apply`, [`${target.address}.${ref.attributePath.join(".")}`]);
    }
    if (isUnknown(found)) return new Unknown(found.reason, found.references.length ? found.references : [reference], found.template);
    return found;
  }

  private lookupPath(key: string, root: Value | undefined, path: string[], reference: string, module: string, what: string): Value {
    if (root === undefined) return new Unknown(`the ${what} \`${reference}\` has no value in the input`, [reference]);
    if (this.inProgress.includes(key)) return new Unknown(`\`${reference}\` is part of a reference cycle`, [reference]);
    this.inProgress.push(key);
    try {
      const resolved = this.follow(reference, () => this.resolveValue(root, module));
      const found = walk(resolved, path);
      if (found === undefined) return new Unknown(`\`${reference}\` has no value in the input`, [reference]);
      return found;
    } finally {
      this.inProgress.pop();
    }
  }

  private findTarget(ref: ParsedReference, module: string): Resource | undefined {
    const base = module && !ref.target.startsWith("module.") ? `${module}.${ref.target}` : ref.target;
    if (ref.index !== undefined) {
      const key = /^\d+$/.test(ref.index) ? `[${ref.index}]` : `["${ref.index}"]`;
      return this.byAddress.get(base + key) ?? this.byAddress.get(base);
    }
    const exact = this.byAddress.get(base);
    if (exact) return exact;
    const instances = this.instancesByBase.get(base);
    return instances && instances.length === 1 ? instances[0] : undefined;
  }

  private providerProject(resource: Resource): Value | undefined {
    const provider = this.providers.get(resource.providerKey);
    if (provider?.project === undefined) return undefined;
    return this.resolveValue(provider.project, resource.module);
  }
}

/**
 * Bound on nested values plus references followed (each counting {@link REFERENCE_COST}) while
 * resolving one resource. Readers accept values nested up to 1,000 levels, so a value alone
 * never reaches it; a chain of hundreds of references (or references into very deep values)
 * does, and would otherwise overflow the call stack.
 */
const MAX_LEVEL = 1_500;
const REFERENCE_COST = 4;
const TOO_DEEP = new Error("reference chain too deep");

interface Resolution {
  values: Values;
  /** Addresses of resources referenced by the expressions of `source`'s values, in order, repeats included. */
  references: readonly string[];
  source: Resource;
}

/** Variables and locals are looked up by names from the input: never reach Object.prototype. */
function ownValue(values: Record<string, Value>, name: string): Value | undefined {
  return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : undefined;
}

/**
 * Attributes Google computes from arguments, in the formats the provider documents:
 * a service account's email is `ACCOUNT_ID@PROJECT.iam.gserviceaccount.com`.
 */
function computedAttribute(target: Resource, values: Values, path: string[], providerProject: Value | undefined): Value | undefined {
  const attr = path[0];
  if (path.length !== 1) return undefined;
  const project = values.project ?? providerProject;
  if (target.type === "google_service_account" && (attr === "email" || attr === "member" || attr === "name" || attr === "id")) {
    if (typeof values.email === "string") return withPrefix(attr, values.email, project);
    const accountId = values.account_id;
    if (typeof accountId !== "string") return new Unknown("the service account's email is computed at apply", [`${target.address}.${attr}`]);
    if (typeof project !== "string") {
      return new Unknown(
        "the service account's project is not known before apply",
        [`${target.address}.${attr}`],
        `${attr === "member" ? "serviceAccount:" : ""}${accountId}@\${${target.address}.project}.iam.gserviceaccount.com`,
      );
    }
    return withPrefix(attr, `${accountId}@${stripProjects(project)}.iam.gserviceaccount.com`, project);
  }
  if (target.type === "google_project" && attr === "project_id") {
    return typeof values.project_id === "string" ? values.project_id : project;
  }
  if (target.type === "google_project" && attr === "number" && (values.number === undefined || values.number === null)) {
    const reason = target.mode === "data" ? "the project number is read from Google at apply" : "the project number is assigned by Google when the project is created";
    return new Unknown(reason, [`${target.address}.number`]);
  }
  if (target.mode === "data" && target.type === "google_client_config" && attr === "project") return project;
  // A google resource that sets no project is created in its provider's project, which the
  // provider also records as the resource's `project` attribute.
  if (attr === "project" && (values.project === undefined || values.project === null) && typeof providerProject === "string" && hasProjectAttribute(target.type)) {
    return providerProject;
  }
  return undefined;
}

/** Google resource types with a `project` argument: not projects themselves, nor folder, organisation or billing resources. */
function hasProjectAttribute(type: string): boolean {
  return type.startsWith("google_") && type !== "google_project" && !/^google_(organization|folder|billing)/.test(type);
}

function withPrefix(attr: string, email: string, project: Value | undefined): Value {
  if (attr === "member") return `serviceAccount:${email}`;
  if (attr === "name" || attr === "id") {
    return typeof project === "string" ? `projects/${stripProjects(project)}/serviceAccounts/${email}` : email;
  }
  return email;
}

function stripProjects(project: string): string {
  return project.replace(/^projects\//, "");
}

function walk(value: Value | undefined, path: string[]): Value | undefined {
  let current = value;
  for (const key of path) {
    if (current === undefined || current === null || isUnknown(current)) return current;
    if (Array.isArray(current)) {
      if (/^\d+$/.test(key)) current = current[Number(key)];
      else current = isObject(current[0]) ? ownValue(current[0], key) : undefined;
    } else if (isObject(current)) current = ownValue(current, key);
    else return undefined;
  }
  return current;
}

function unescapeTemplate(text: string): string {
  return text.includes("$${") ? text.replace(/\$\$\{/g, "${") : text;
}

/** Adds the addresses of resources referenced anywhere in the (unresolved) values; returns `into`. */
function collectReferences(value: Value, module: string, into: string[]): string[] {
  if (typeof value === "string") {
    if (!value.includes("${")) return into;
    for (const part of parseTemplate(value)) {
      if ("expression" in part) for (const r of referencesIn(part.expression)) addReference(r, module, into);
    }
  } else if (isUnknown(value)) {
    // Unknown values carry fully qualified references already.
    for (const r of value.references) addReference(r, "", into);
  } else if (Array.isArray(value)) value.forEach((v) => collectReferences(v, module, into));
  else if (isObject(value)) for (const [k, v] of Object.entries(value)) if (k !== "//") collectReferences(v, module, into);
  return into;
}

function addReference(reference: string, module: string, into: string[]): void {
  const ref = parseReference(reference);
  if (ref.kind !== "resource" && ref.kind !== "data") return;
  into.push(module && !ref.target.startsWith("module.") ? `${module}.${ref.target}` : ref.target);
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

/** First occurrences, in order; most lists are empty or one long and need no Set. */
function withoutDuplicates(items: string[]): string[] {
  return items.length < 2 ? items : unique(items);
}
