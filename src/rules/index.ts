import type { Rule } from "./types";
import { gke001NodeSaPermissions } from "./gke001-node-sa-permissions";
import { gke002ContainerServiceAgent } from "./gke002-container-service-agent";
import { gke003RequiredApis } from "./gke003-required-apis";
import { gke004DefaultComputeSa } from "./gke004-default-compute-sa";
import { gke005GoogleManagedIdentities } from "./gke005-google-managed-identities";
import { gke006NodeSaExists } from "./gke006-node-sa-exists";
import { gke007ApplyOrdering } from "./gke007-apply-ordering";
import { gke008ApiDisableOnDestroy } from "./gke008-api-disable-on-destroy";
import { gke009DeployerActAs } from "./gke009-deployer-act-as";
import { gke010ClusterCredentialsAccess } from "./gke010-cluster-credentials-access";
import { gke011RegistryPull } from "./gke011-registry-pull";
import { gke012SharedVpcAccess } from "./gke012-shared-vpc-access";
import { gke013WorkloadIdentityPool } from "./gke013-workload-identity-pool";
import { gke014KmsKeyAccess } from "./gke014-kms-key-access";
import { gke015NodeVersionSkew } from "./gke015-node-version-skew";
import { gke016SecondaryRanges } from "./gke016-secondary-ranges";
import { gke017ServiceAgentExists } from "./gke017-service-agent-exists";

/** Every rule, in id order. A new rule is one file plus one line here. */
export const allRules: readonly Rule[] = [
  gke001NodeSaPermissions,
  gke002ContainerServiceAgent,
  gke003RequiredApis,
  gke004DefaultComputeSa,
  gke005GoogleManagedIdentities,
  gke006NodeSaExists,
  gke007ApplyOrdering,
  gke008ApiDisableOnDestroy,
  gke009DeployerActAs,
  gke010ClusterCredentialsAccess,
  gke011RegistryPull,
  gke012SharedVpcAccess,
  gke013WorkloadIdentityPool,
  gke014KmsKeyAccess,
  gke015NodeVersionSkew,
  gke016SecondaryRanges,
  gke017ServiceAgentExists,
];

export function findRule(idOrSlug: string): Rule | undefined {
  const wanted = idOrSlug.toLowerCase();
  return allRules.find((r) => r.meta.id.toLowerCase() === wanted || r.meta.slug === wanted);
}
