import type { Model } from "../model/types";
import type { IamIndex } from "./iam/index-grants";
import type { GkeFacts } from "./gke/node-identities";
import { sharedVpcFacts, type SharedVpcFacts } from "./shared-vpc";
import { workloadIdentityFacts, type WorkloadIdentityFacts } from "./workload-identity";
import { kmsKeyFacts, type KmsKeyFacts } from "./kms-keys";
import { kubernetesProvidersFromClusters, type KubeProviderUse } from "./kubernetes-providers";
import { deployerRequirements, type DeployerRequirement } from "./deployer-requirements";
import { registryFacts, type RegistryFacts } from "./gke/registries";

/**
 * The facts derived from a model that several rules (and the --live planner) read, built once per
 * model (on first use, so a run that checks other rules only pays nothing) and shared by every
 * rule of the run.
 */
export interface Facts {
  readonly sharedVpc: SharedVpcFacts;
  readonly workloadIdentity: WorkloadIdentityFacts;
  readonly kmsKeys: KmsKeyFacts;
  /** kubernetes/helm/kubectl providers whose host is a GKE cluster of the input (GKE009, GKE010). */
  readonly kubernetesProviders: readonly KubeProviderUse[];
  /** What the identity running the apply needs for it (GKE009, and what --live tests). */
  readonly deployerRequirements: readonly DeployerRequirement[];
  /** The Artifact Registry repositories and their own IAM (GKE011). */
  readonly registries: RegistryFacts;
}

const cache = new WeakMap<IamIndex, Facts>();

export function factsOf(ctx: { model: Model; iam: IamIndex; gke: GkeFacts }): Facts {
  let facts = cache.get(ctx.iam);
  if (!facts) cache.set(ctx.iam, (facts = lazyFacts(ctx.model, ctx.iam, ctx.gke)));
  return facts;
}

function lazyFacts(model: Model, iam: IamIndex, gke: GkeFacts): Facts {
  let sharedVpc: SharedVpcFacts | undefined;
  let workloadIdentity: WorkloadIdentityFacts | undefined;
  let kmsKeys: KmsKeyFacts | undefined;
  let kubernetesProviders: KubeProviderUse[] | undefined;
  let deployer: DeployerRequirement[] | undefined;
  let registries: RegistryFacts | undefined;
  return {
    get sharedVpc() {
      return (sharedVpc ??= sharedVpcFacts(model, iam.catalog, gke));
    },
    get workloadIdentity() {
      return (workloadIdentity ??= workloadIdentityFacts(model, iam.catalog, gke));
    },
    get kmsKeys() {
      return (kmsKeys ??= kmsKeyFacts(model, iam.catalog, gke));
    },
    get kubernetesProviders() {
      return (kubernetesProviders ??= kubernetesProvidersFromClusters(model, iam.catalog));
    },
    get deployerRequirements() {
      return (deployer ??= deployerRequirements({ model, iam, gke }, this.kubernetesProviders));
    },
    get registries() {
      return (registries ??= registryFacts(model, iam));
    },
  };
}
