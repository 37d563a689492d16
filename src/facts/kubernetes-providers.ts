import type { Model, ProviderConfig, Resource, Value, Values } from "../model/types";
import { isUnknown } from "../model/unknown";
import { parseReference } from "../model/expressions";
import { block, isObject } from "../model/access";
import type { ProjectCatalog } from "./iam/projects";
import { CLUSTER } from "./gke/node-identities";

const KUBE_PROVIDERS = new Set(["kubernetes", "helm", "kubectl"]);

/** A kubernetes/helm/kubectl provider whose host comes from a GKE cluster. */
export interface KubeProviderUse {
  provider: ProviderConfig;
  /** The settings that configure the connection (helm nests them in a `kubernetes` block). */
  settings: Values;
  cluster: Resource;
  project?: string;
}

/** Providers configured from a cluster's endpoint (managed cluster or data source). */
export function kubernetesProvidersFromClusters(model: Model, catalog: ProjectCatalog): KubeProviderUse[] {
  const uses: KubeProviderUse[] = [];
  for (const provider of model.providers.values()) {
    const name = provider.name ?? provider.key.split(":").pop()!.split(".")[0];
    if (!KUBE_PROVIDERS.has(name) || !provider.arguments) continue;
    const settings = name === "helm" ? connectionBlock(provider.arguments.kubernetes) : provider.arguments;
    if (!settings) continue;
    const cluster = clusterOf(settings.host, model);
    if (!cluster) continue;
    const project = catalog.projectOf(cluster).key;
    uses.push({ provider, settings, cluster, ...(project ? { project } : {}) });
  }
  return uses;
}

/** helm 2.x writes `kubernetes { … }` (a block), helm 3.x `kubernetes = { … }` (an object). */
function connectionBlock(value: Value | undefined): Values | undefined {
  return isObject(value) ? value : block(value);
}

/**
 * The cluster a provider's host is built from. References are qualified from the root
 * (`module.gke.google_container_cluster.primary.endpoint`), variables and module outputs
 * already followed to the resource they come from.
 */
function clusterOf(host: Value | undefined, model: Model): Resource | undefined {
  if (!isUnknown(host)) return undefined;
  for (const reference of host.references) {
    const parsed = parseReference(reference);
    if (parsed.kind !== "resource" && parsed.kind !== "data") continue;
    const instance = parsed.index === undefined ? undefined : `${parsed.target}[${/^\d+$/.test(parsed.index) ? parsed.index : JSON.stringify(parsed.index)}]`;
    const found = (instance && model.byAddress.get(instance)) || model.byAddress.get(parsed.target) || model.byAddress.get(`${parsed.target}[0]`);
    if (found?.type === CLUSTER) return found;
  }
  return undefined;
}
