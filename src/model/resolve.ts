import type { ProviderConfig, Resource, Value, Values } from "./types";
import { isUnknown, Unknown } from "./unknown";
import { hasInterpolation, isPlainReference, parseReference, parseTemplate, referencesIn, type ParsedReference, type TemplatePart } from "./expressions";
import { isObject } from "./access";
import { hiddenCredential, isSecretAttribute, looksLikeCredential, withoutCredentials } from "./secrets";
import { addToList } from "./multimap";
import { setOwn } from "./own-property";
import { withoutInstanceKey } from "./addresses";
import { continues, SHORT_LIST } from "./reference-lists";
import { configPathOf, inScope, isToFollow, parentScope, parseModuleReference, scopeOf, scopeSegments, type Expression, type ModuleCall, type ModuleCalls } from "./modules";

/** What `each.key`, `each.value` and `count.index` stand for where an expression is evaluated. */
export interface InstanceContext {
  key: string | number;
  /** `each.value`, when known (Terraform JSON `for_each` over a known map or set). */
  value?: Value;
}

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
  /** `each`/`count` of the resource or module call whose expressions are being resolved, innermost last. */
  private readonly instances: Array<InstanceContext | undefined> = [];
  /** Resources a reference written in a scope stands for, by scope, then reference. */
  private readonly expanded = new Map<string, Map<string, readonly string[]>>();
  /** References being expanded, outermost first, see {@link MAX_EXPANSION_DEPTH}. */
  private expandDepth = 0;

  constructor(
    private readonly byAddress: ReadonlyMap<string, Resource>,
    private readonly providers: ReadonlyMap<string, ProviderConfig>,
    private readonly variables: Record<string, Value>,
    private readonly locals: Record<string, Value>,
    private readonly modules: ModuleCalls = new Map(),
    /** each.value of module call instances (Terraform JSON), by instance scope. */
    private readonly moduleInstanceValues: ReadonlyMap<string, Value> = new Map(),
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
    const own = resolution.source === resource ? resolution.references : this.collectReferences(resource.values, resource.module, []);
    resource.values = resolution.values;
    if (resource.before) resource.before = withoutCredentials(resource.before);
    // A reader's references may name variables, locals and module outputs: what they stand for
    // are the resources Terraform orders this one after.
    const read = resource.references.some((r) => this.needsFollowing(r)) ? this.withInstance(resource.instance, () => this.dependencyTargets(resource.references, resource.module)) : resource.references;
    resource.references = withoutDuplicates(read.concat(own)).filter((a) => a !== resource.address);
    return resource;
  }

  /** Block addresses (and whole-module addresses) that references written in `scope` depend on. */
  private dependencyTargets(references: readonly string[], scope: string): string[] {
    const out: string[] = [];
    for (const r of references) {
      if (!this.needsFollowing(r)) {
        const parsed = parseReference(r);
        out.push(parsed.kind === "resource" || parsed.kind === "data" ? (parsed.target.startsWith("module.") ? parsed.target : inScope(scope, parsed.target)) : r);
        continue;
      }
      for (const e of this.expandReferences([r], scope)) {
        const parsed = parseReference(e);
        if (parsed.kind === "resource" || parsed.kind === "data") out.push(parsed.target);
        else if (parsed.kind === "module") out.push(e);
      }
    }
    return out;
  }

  private withInstance<T>(instance: InstanceContext | undefined, run: () => T): T {
    this.instances.push(instance);
    try {
      return run();
    } finally {
      this.instances.pop();
    }
  }

  private get instance(): InstanceContext | undefined {
    return this.instances[this.instances.length - 1];
  }

  /**
   * Whether a reference names something other than a resource already qualified from the root
   * (a variable, local, module output, instance key): those are followed through the module tree.
   */
  private needsFollowing(reference: string): boolean {
    const c = reference.charCodeAt(0);
    // v, l, m, e, c: the only first letters of var., local., module., each., count.
    if (c !== 118 && c !== 108 && c !== 109 && c !== 101 && c !== 99) return false;
    // Every instance of a block asks about the same references: one answer per reference.
    let follow = this.following.get(reference);
    if (follow === undefined) this.following.set(reference, (follow = this.needsFollowingUncached(reference)));
    return follow;
  }

  private readonly following = new Map<string, boolean>();

  private needsFollowingUncached(reference: string): boolean {
    if (!/^(var|local|module|each|count)\./.test(reference)) return false;
    if (!reference.startsWith("module.")) return true;
    const parsed = parseReference(reference);
    if (parsed.kind !== "resource" && parsed.kind !== "data") return true;
    return !(this.byAddress.has(parsed.target) || this.instancesByBase.has(parsed.target));
  }

  /** The module call that creates a module instance scope, when the input shows it. */
  private callOf(scope: string): ModuleCall | undefined {
    return scope ? this.modules.get(configPathOf(scope)) : undefined;
  }

  /** `each`/`count` of a module instance scope (its key, and each.value when known). */
  private scopeInstance(scope: string): InstanceContext | undefined {
    const segments = scopeSegments(scope);
    const key = segments?.[segments.length - 1]?.key;
    if (key === undefined) return undefined;
    const value = this.moduleInstanceValues.get(scope);
    return value === undefined ? { key } : { key, value };
  }

  /**
   * The references (qualified from the root, attribute paths kept) that a reference written in
   * `scope` stands for: itself for a resource; through the caller's expression for `var.x` in a
   * module, the output's expression for `module.m.o`, the local's value for `local.x`, to any
   * depth; a whole module for `module.m`. `each`/`count` stand for nothing; with the instance
   * known, `type.name` written next to `each.key` or `count.index` (Terraform writes
   * `type.name[each.key]` so) is that instance when it exists.
   */
  expandReferences(references: readonly string[], scope: string): string[] {
    const outermost = this.expandDepth === 0;
    try {
      const out: string[] = [];
      for (const r of this.refineInstances(references, scope)) for (const e of this.expandReference(r, scope)) out.push(e);
      return withoutDuplicates(out);
    } catch (error) {
      // A chain too long to follow (thousands of locals) stands for nothing we can name.
      if (error !== TOO_DEEP || !outermost) throw error;
      return [];
    }
  }

  private expandReference(reference: string, scope: string): readonly string[] {
    let inScopeMemo = this.expanded.get(scope);
    if (!inScopeMemo) this.expanded.set(scope, (inScopeMemo = new Map()));
    const known = inScopeMemo.get(reference);
    if (known) return known;
    const memo = `${scope}|${reference}`;
    if (this.inProgress.includes(memo)) return NO_REFERENCES;
    if (this.expandDepth >= MAX_EXPANSION_DEPTH) throw TOO_DEEP;
    this.inProgress.push(memo);
    this.expandDepth++;
    try {
      const result = this.expandUncached(reference, scope);
      inScopeMemo.set(reference, result);
      return result;
    } finally {
      this.expandDepth--;
      this.inProgress.pop();
    }
  }

  private expandUncached(reference: string, scope: string): readonly string[] {
    const ref = parseReference(reference);
    if (ref.kind === "resource" || ref.kind === "data") {
      if (ref.target.startsWith("module.")) {
        // A qualified resource, unless the name after the module is one of its outputs.
        if (this.byAddress.has(ref.target) || this.instancesByBase.has(ref.target) || !this.moduleOutputOf(reference, scope)) return [reference];
      } else return [inScope(scope, reference)];
    }
    if (ref.kind === "var") {
      const call = this.callOf(scope);
      const input = call && Object.prototype.hasOwnProperty.call(call.inputs, ref.target.slice(4)) ? call.inputs[ref.target.slice(4)] : undefined;
      // A root variable (or one the input does not show the caller of) stays what it is.
      if (!input) return [reference];
      const parent = parentScope(scope);
      return this.withInstance(this.scopeInstance(scope), () => this.expandReferences(expressionReferences(input), parent));
    }
    if (ref.kind === "local") {
      const locals = scope ? this.callOf(scope)?.locals : this.locals;
      const value = locals ? ownValue(locals, ref.target.slice(6)) : undefined;
      return value === undefined ? [reference] : this.expandReferences(valueReferences(value), scope);
    }
    const output = this.moduleOutputOf(reference, scope);
    if (output) {
      if (!output.expression) return [output.child];
      return this.expandReferences(expressionReferences(output.expression), output.child);
    }
    if (ref.kind === "module") {
      const m = parseModuleReference(reference);
      return m ? [inScope(scope, scopeOf([m.segment]))] : [reference];
    }
    // each./count. name an instance key, not something a value is built from.
    return NO_REFERENCES;
  }

  /** `module.m.o…` written in `scope`: the child scope, and the output's expression when the input has it. */
  private moduleOutputOf(reference: string, scope: string): { child: string; expression?: Expression; path: string[]; name: string } | undefined {
    const m = parseModuleReference(reference);
    if (!m || m.output === undefined) return undefined;
    const child = inScope(scope, scopeOf([m.segment]));
    const call = this.modules.get(configPathOf(child));
    if (!call) return undefined;
    const expression = Object.prototype.hasOwnProperty.call(call.outputs, m.output) ? call.outputs[m.output] : undefined;
    if (!expression && !call.unread) return undefined;
    return { child, expression, path: m.path, name: m.output };
  }

  /** `type.name` beside `each.key` / `each.value` / `count.index` → `type.name[KEY]`, when that instance exists. */
  private refineInstances(references: readonly string[], scope: string): readonly string[] {
    const instance = this.instance;
    if (!instance) return references;
    let key: string | number | undefined;
    for (const r of references) {
      if (r === "each.key" || r === "count.index") key ??= instance.key;
      else if (r === "each.value" && typeof instance.value === "string") key ??= instance.value;
    }
    if (key === undefined) return references;
    const suffix = typeof key === "number" ? `[${key}]` : `[${JSON.stringify(key)}]`;
    return references.map((r) => {
      const parsed = parseReference(r);
      if ((parsed.kind !== "resource" && parsed.kind !== "data") || parsed.index !== undefined || parsed.attributePath.length > 0) return r;
      const address = (parsed.target.startsWith("module.") ? parsed.target : inScope(scope, parsed.target)) + suffix;
      return this.byAddress.has(address) ? address : r;
    });
  }

  /** Adds the addresses of resources referenced anywhere in the (unresolved) values; returns `into`. */
  private collectReferences(value: Value, module: string, into: string[]): string[] {
    if (typeof value === "string") {
      if (!value.includes("${")) return into;
      for (const part of parseTemplate(value)) {
        if ("expression" in part) for (const r of referencesIn(part.expression)) this.addReference(r, module, into);
      }
    } else if (isUnknown(value)) {
      for (const r of this.followUnknown(value, module).references) this.addReference(r, "", into);
    } else if (Array.isArray(value)) value.forEach((v) => this.collectReferences(v, module, into));
    else if (isObject(value)) for (const [k, v] of Object.entries(value)) if (k !== "//") this.collectReferences(v, module, into);
    return into;
  }

  /** The block a reference written in `module` depends on; for a variable, local or module output, the blocks it stands for. */
  private addReference(reference: string, module: string, into: string[]): void {
    const ref = parseReference(reference);
    if (ref.kind === "resource" || ref.kind === "data") {
      if (!ref.target.startsWith("module.") || this.byAddress.has(ref.target) || this.instancesByBase.has(ref.target)) {
        into.push(module && !ref.target.startsWith("module.") ? `${module}.${ref.target}` : ref.target);
        return;
      }
    }
    if (ref.kind === "other" || (!module && ref.kind === "var") || (this.modules.size === 0 && ref.kind !== "local")) return;
    for (const target of this.dependencyTargets([reference], module)) into.push(target);
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
      const values = this.withInstance(resource.instance, () => this.resolveValue(resource.values, resource.module, references)) as Values;
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
    if (isUnknown(value)) {
      const rewritten = this.followUnknown(value, module);
      // Their references are qualified now: collected as they are.
      if (references) for (const r of rewritten.references) this.addReference(r, "", references);
      return rewritten;
    }
    return value;
  }

  /**
   * An input's Unknown (a plan value known only after apply) with the references of its
   * expression followed through variables, module outputs and instance keys, so that it names
   * the resources it is built from.
   */
  private followUnknown(value: Unknown, module: string): Unknown {
    if (!isToFollow(value)) return value;
    const followed = mostSpecific(this.expandReferences(value.references, module));
    return new Unknown(value.reason, followed, value.template, value.computedByProvider);
  }

  private resolveString(text: string, module: string, references: string[] | undefined): Value {
    if (looksLikeCredential(text)) {
      if (references) this.collectReferences(text, module, references);
      return hiddenCredential();
    }
    // Without `${` there is nothing to resolve and no `$${` to unescape.
    if (!text.includes("${")) return text;
    const parts = parseTemplate(this.withInstanceKeys(text));
    if (references) for (const part of parts) if ("expression" in part) for (const r of this.refineInstances(referencesIn(part.expression), module)) this.addReference(r, module, references);
    return parts.some((p) => "expression" in p) ? this.resolveTemplate(parts, module) : unescapeTemplate(text);
  }

  /**
   * A credential attribute keeps only where its value comes from (a reference such as
   * `data.google_client_config.x.access_token`, which rules read to judge the token source);
   * any value that resolves to text is hidden.
   */
  private secretValue(value: Value, module: string, references: string[] | undefined): Value {
    if (references) this.collectReferences(value, module, references);
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
    if (ref.kind === "var") return module ? this.moduleVariable(ref.target.slice(4), ref.attributePath, reference, module) : this.lookupPath(ref.target, ownValue(this.variables, ref.target.slice(4)), ref.attributePath, reference, module, "input variable");
    if (ref.kind === "local") {
      const locals = module ? this.callOf(module)?.locals ?? {} : this.locals;
      return this.lookupPath(`${module}|${ref.target}`, ownValue(locals, ref.target.slice(6)), ref.attributePath, reference, module, "local value");
    }
    if (ref.kind === "module") return this.moduleOutput(reference, module);
    if (ref.kind === "other") return this.instanceValue(ref, reference);
    const target = this.findTarget(ref, module);
    if (!target && ref.target.startsWith("module.") && this.moduleOutputOf(reference, module)) return this.moduleOutput(reference, module);
    if (!target) return new Unknown(`\`${reference}\` points to nothing in the input`, [reference]);
    if (this.inProgress.includes(target.address)) return new Unknown(`\`${reference}\` is part of a reference cycle`, [reference]);
    return this.follow(reference, () => this.attributeOf(target, ref, reference));
  }

  /**
   * `var.NAME` inside a module: the caller's expression for it, evaluated in the caller's scope
   * (https://developer.hashicorp.com/terraform/language/values/variables), else the variable's default.
   */
  private moduleVariable(name: string, path: string[], reference: string, module: string): Value {
    const call = this.callOf(module);
    const where = `${reference} (in ${module})`;
    if (!call) return new Unknown(`\`${where}\` is an input of a module the input does not show`, [reference]);
    const input = Object.prototype.hasOwnProperty.call(call.inputs, name) ? call.inputs[name] : undefined;
    if (!input) return this.lookupPath(`${module}|var.${name}`, ownValue(call.defaults, name), path, reference, module, "input variable");
    const parent = parentScope(module);
    return this.withInstance(this.scopeInstance(module), () => this.expressionValue(input, `${module}|var.${name}`, path, where, parent));
  }

  /** An expression of a module call or output evaluated in `scope`, then the attribute `path` in it. */
  private expressionValue(expression: Expression, key: string, path: string[], where: string, scope: string): Value {
    if ("references" in expression) {
      return new Unknown(`\`${where}\` is set from an expression the plan does not evaluate`, mostSpecific(this.expandReferences(expression.references, scope)));
    }
    return this.lookupPath(key, expression.value, path, where, scope, "expression");
  }

  /**
   * `module.NAME.OUTPUT`: the output's expression evaluated in the module's scope
   * (https://developer.hashicorp.com/terraform/language/values/outputs), to any depth.
   */
  private moduleOutput(reference: string, module: string): Value {
    const output = this.moduleOutputOf(reference, module);
    if (!output) {
      const call = parseModuleReference(reference);
      const child = call && this.modules.get(configPathOf(inScope(module, scopeOf([call.segment]))));
      if (child && call.output !== undefined) return new Unknown(`\`${reference}\`: the module has no output \`${call.output}\``, [reference]);
      return new Unknown(`\`${reference}\` is an output of a module the input does not show`, [reference]);
    }
    if (!output.expression) return new Unknown(`\`${reference}\` is an output of a module whose configuration is not in the input (${this.modules.get(configPathOf(output.child))?.unread ?? "not read"})`, [reference]);
    return this.expressionValue(output.expression, `${output.child}|output.${output.name}`, output.path, reference, output.child);
  }

  /** `each.key`, `each.value…`, `count.index` of the instance being resolved. */
  private instanceValue(ref: ParsedReference, reference: string): Value {
    const instance = this.instance;
    const unknown = () => new Unknown(`\`${reference}\` is only known when Terraform expands the resource`, [reference]);
    if (!instance) return unknown();
    if (ref.target === "count" && ref.attributePath.length === 1 && ref.attributePath[0] === "index" && typeof instance.key === "number") return instance.key;
    if (ref.target !== "each") return unknown();
    if (ref.attributePath.length === 1 && ref.attributePath[0] === "key") return instance.key;
    if (ref.attributePath[0] === "value" && instance.value !== undefined) {
      const found = walk(instance.value, ref.attributePath.slice(1));
      return found === undefined ? unknown() : found;
    }
    return unknown();
  }

  /** `x[each.key]`, `x[each.value]`, `x[count.index]` with the instance's key or value written in. */
  private withInstanceKeys(text: string): string {
    const instance = this.instance;
    if (!instance || !(text.includes("[each.") || text.includes("[count."))) return text;
    const literal = (v: string | number) => (typeof v === "number" ? String(v) : JSON.stringify(v));
    return text.replace(/\[\s*(each\.key|each\.value|count\.index)\s*\]/g, (whole, name: string) => {
      if (name === "each.key" || (name === "count.index" && typeof instance.key === "number")) return `[${literal(instance.key)}]`;
      if (name === "each.value" && (typeof instance.value === "string" || typeof instance.value === "number")) return `[${literal(instance.value)}]`;
      return whole;
    });
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
const NO_REFERENCES: readonly string[] = [];
/** Variables, locals and outputs followed inside one another; real configurations nest a few dozen. */
const MAX_EXPANSION_DEPTH = 250;

/** The references an expression is built from, as written in its scope. */
function expressionReferences(expression: Expression): readonly string[] {
  return "references" in expression ? expression.references : valueReferences(expression.value);
}

/** The references in a value's `${…}` templates (and its Unknowns), as written. */
function valueReferences(value: Value): string[] {
  const out: string[] = [];
  const visit = (v: Value) => {
    if (typeof v === "string") {
      if (v.includes("${")) for (const part of parseTemplate(v)) if ("expression" in part) out.push(...referencesIn(part.expression));
    } else if (isUnknown(v)) out.push(...v.references);
    else if (Array.isArray(v)) v.forEach(visit);
    else if (isObject(v)) for (const [k, item] of Object.entries(v)) if (k !== "//") visit(item);
  };
  visit(value);
  return out;
}

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


/** Plans list `a.b.email` and `a.b` for one reference; keep the most specific of each. */
function mostSpecific(refs: readonly string[]): string[] {
  // Short lists (nearly all) compare pairs, building no string; long ones mark every prefix.
  if (refs.length <= SHORT_LIST) return refs.filter((r) => !refs.some((other) => continues(other, r, true)));
  const prefixes = new Set<string>();
  for (const r of refs) {
    for (let i = 0; i < r.length; i++) if (r[i] === "." || r[i] === "[") prefixes.add(r.slice(0, i));
  }
  return refs.filter((r) => !prefixes.has(r));
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

/** First occurrences, in order; most lists are empty or a few long and need no Set. */
function withoutDuplicates(items: string[]): string[] {
  if (items.length < 2) return items;
  if (items.length > SHORT_LIST) return unique(items);
  return items.filter((item, i) => items.indexOf(item) === i);
}
