import type { CdkFramework, InputFormat, Model, ProviderConfig, Resource, Value, Values } from "./types";
import { ReferenceResolver } from "./resolve";
import { addToList } from "./multimap";
import { configPathOf, inScope, moduleScopes, parentScope, type ModuleCall } from "./modules";

/** What an input reader produces: resources whose values may still hold `${…}` references. */
export interface ModelDraft {
  format: InputFormat;
  file: string;
  stack?: string;
  terraformVersion?: string;
  googleProviderVersion?: string;
  cdkFramework?: CdkFramework;
  resources: Resource[];
  providers: ProviderConfig[];
  /** Input variable values (plan) or defaults (Terraform JSON). */
  variables: Record<string, Value>;
  /** Locals (Terraform JSON), unresolved. */
  locals: Record<string, Value>;
  /** Texts of the sensitive variables among `variables` (see sensitiveVariable in secrets.ts). */
  sensitiveTexts?: string[];
  /** Module calls of the configuration, nested ones included. */
  modules?: ModuleCall[];
  /** `each.value` of module call instances, by instance scope (Terraform JSON). */
  moduleInstanceValues?: ReadonlyMap<string, Value>;
}

export interface BuildOptions {
  /**
   * Project of the google provider configurations whose project is unset, or not known before
   * apply (the environment's project at apply time, e.g. GOOGLE_PROJECT). Applied before references
   * are resolved, so what is derived from the provider's project (a service account's email) is
   * known. A project the input sets and that is known wins.
   */
  defaultProject?: string;
}

/** Resolves references (in the draft's own resources), then indexes resources by address and by type, once. */
export function buildModel(draft: ModelDraft, options: BuildOptions = {}): Model {
  const byAddress = new Map<string, Resource>();
  for (const r of draft.resources) byAddress.set(r.address, r);
  const providers = new Map(draft.providers.map((p) => [p.key, p]));
  const modules = new Map((draft.modules ?? []).map((m) => [m.path, m]));
  if (modules.size > 0) {
    // Thousands of resources share a handful of modules and provider keys: each worked out once.
    const keys = new Map<string, string>();
    const moduleDependencies = new Map<string, string[]>();
    for (const r of draft.resources) {
      let key = keys.get(r.providerKey);
      if (key === undefined) keys.set(r.providerKey, (key = sourceProviderKey(r.providerKey, providers, modules)));
      r.providerKey = key;
      if (!r.module) continue;
      let inherited = moduleDependencies.get(r.module);
      if (!inherited) moduleDependencies.set(r.module, (inherited = moduleDependsOn(r.module, modules)));
      if (inherited.length > 0) r.dependsOn = r.dependsOn.concat(inherited);
    }
  }
  const resolver = new ReferenceResolver(byAddress, providers, draft.variables, draft.locals, modules, draft.moduleInstanceValues);
  // Provider projects first: resources read them (lazily) through `providers` as they resolve.
  for (const p of draft.providers) {
    if (p.project !== undefined) p.project = resolver.resolveScalar(p.project, moduleOfProvider(p.key));
  }
  if (options.defaultProject) fillDefaultProject(providers, draft.resources, options.defaultProject);
  // Resolved in place: the draft's resources and address index are the model's.
  const resources = draft.resources;
  for (const r of resources) resolver.resolveResource(r);
  for (const p of providers.values()) {
    if (p.arguments) p.arguments = resolver.resolveScalar(p.arguments, moduleOfProvider(p.key)) as Values;
  }
  const byType = new Map<string, Resource[]>();
  for (const r of resources) addToList(byType, r.type, r);
  return {
    format: draft.format,
    file: draft.file,
    stack: draft.stack,
    terraformVersion: draft.terraformVersion,
    googleProviderVersion: draft.googleProviderVersion,
    ...(draft.cdkFramework ? { cdkFramework: draft.cdkFramework } : {}),
    resources,
    byAddress,
    byType,
    providers,
    ...(draft.sensitiveTexts?.length ? { sensitiveTexts: draft.sensitiveTexts } : {}),
  };
}

/**
 * `depends_on` of the module blocks a resource is inside, outermost first, as addresses from the
 * root: Terraform orders every resource of a module after what its module block depends on
 * (https://developer.hashicorp.com/terraform/language/meta-arguments/depends_on#usage-notes).
 */
function moduleDependsOn(module: string, modules: ReadonlyMap<string, ModuleCall>): string[] {
  const out: string[] = [];
  for (const scope of moduleScopes(module)) {
    const call = modules.get(configPathOf(scope));
    if (!call) continue;
    const caller = parentScope(scope);
    for (const d of call.dependsOn) out.push(inScope(caller, d));
  }
  return out;
}

/**
 * The provider configuration a resource in a module uses, as Terraform finds it
 * (https://developer.hashicorp.com/terraform/language/modules/develop/providers): one declared in
 * the module; else the one its module block passes in (`providers`); else, for a default
 * (unaliased) configuration, the caller's, inherited implicitly, up to the root.
 */
function sourceProviderKey(key: string, providers: ReadonlyMap<string, ProviderConfig>, modules: ReadonlyMap<string, ModuleCall>): string {
  const colon = key.lastIndexOf(":");
  let current = colon < 0 ? key : `${configPathOf(key.slice(0, colon))}${key.slice(colon)}`;
  for (let depth = 0; depth < 100 && !providers.has(current) && current.includes(":"); depth++) {
    const colon = current.lastIndexOf(":");
    const module = current.slice(0, colon);
    const local = current.slice(colon + 1);
    const call = modules.get(configPathOf(module));
    const passed = call && Object.prototype.hasOwnProperty.call(call.providers, local) ? call.providers[local] : undefined;
    const caller = parentScope(configPathOf(module));
    if (passed !== undefined) current = caller ? `${caller}:${passed}` : passed;
    else if (!local.includes(".")) current = caller ? `${caller}:${local}` : local;
    else break;
  }
  return current;
}

function moduleOfProvider(key: string): string {
  return key.includes(":") ? key.split(":")[0] : "";
}

/** A google (or google-beta) provider key: `google`, `google.alias`, `module.net:google-beta`. */
export function isGoogleProviderKey(key: string): boolean {
  return /(^|[:.])google(-beta)?($|\.)/.test(key);
}

/**
 * Fills the project of each google provider configuration, declared or only used by resources
 * (an implicit `provider "google" {}`), whose project is unset or not a known string.
 */
function fillDefaultProject(providers: Map<string, ProviderConfig>, resources: readonly Resource[], project: string): void {
  const keys = new Set([...providers.keys(), ...resources.map((resource) => resource.providerKey)]);
  for (const key of keys) {
    if (!isGoogleProviderKey(key)) continue;
    const config = providers.get(key);
    if (config === undefined) providers.set(key, { key, project });
    else if (typeof config.project !== "string" || config.project === "") config.project = project;
  }
}
