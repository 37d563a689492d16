import type { Model } from "../model/types";
import type { IamIndex } from "./iam/index-grants";
import type { GkeFacts } from "./gke/node-identities";
import { sharedVpcFacts, type SharedVpcFacts } from "./shared-vpc";
import { workloadIdentityFacts, type WorkloadIdentityFacts } from "./workload-identity";
import { kmsKeyFacts, type KmsKeyFacts } from "./kms-keys";

/**
 * The facts the Shared VPC, Workload Identity and KMS rules read, built once per model (on first
 * use, so a run that checks other rules only pays nothing) and shared by every rule of the run.
 */
export interface Facts {
  readonly sharedVpc: SharedVpcFacts;
  readonly workloadIdentity: WorkloadIdentityFacts;
  readonly kmsKeys: KmsKeyFacts;
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
  };
}
