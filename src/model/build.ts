import type { InputFormat, Model, ProviderConfig, Resource, Value, Values } from "./types";
import { ReferenceResolver } from "./resolve";
import { addToList } from "./multimap";

/** What an input reader produces: resources whose values may still hold `${…}` references. */
export interface ModelDraft {
  format: InputFormat;
  file: string;
  stack?: string;
  terraformVersion?: string;
  googleProviderVersion?: string;
  resources: Resource[];
  providers: ProviderConfig[];
  /** Input variable values (plan) or defaults (Terraform JSON). */
  variables: Record<string, Value>;
  /** Locals (Terraform JSON), unresolved. */
  locals: Record<string, Value>;
}

/** Resolves references (in the draft's own resources), then indexes resources by address and by type, once. */
export function buildModel(draft: ModelDraft): Model {
  const byAddress = new Map<string, Resource>();
  for (const r of draft.resources) byAddress.set(r.address, r);
  const providers = new Map(draft.providers.map((p) => [p.key, p]));
  const resolver = new ReferenceResolver(byAddress, providers, draft.variables, draft.locals);
  // Resolved in place: the draft's resources and address index are the model's.
  const resources = draft.resources;
  for (const r of resources) resolver.resolveResource(r);
  for (const p of draft.providers) {
    const module = p.key.includes(":") ? p.key.split(":")[0] : "";
    if (p.project !== undefined) p.project = resolver.resolveScalar(p.project, module);
    if (p.arguments) p.arguments = resolver.resolveScalar(p.arguments, module) as Values;
  }
  const byType = new Map<string, Resource[]>();
  for (const r of resources) addToList(byType, r.type, r);
  return {
    format: draft.format,
    file: draft.file,
    stack: draft.stack,
    terraformVersion: draft.terraformVersion,
    googleProviderVersion: draft.googleProviderVersion,
    resources,
    byAddress,
    byType,
    providers,
  };
}
