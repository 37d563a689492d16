import type { CdkFramework, InputFormat, Model, ProviderConfig, Resource, Value, Values } from "./types";
import { ReferenceResolver } from "./resolve";
import { addToList } from "./multimap";

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
  const resolver = new ReferenceResolver(byAddress, providers, draft.variables, draft.locals);
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
