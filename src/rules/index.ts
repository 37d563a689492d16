import type { Rule } from "./types";
import { gke001NodeSaPermissions } from "./gke001-node-sa-permissions";
import { gke002ContainerServiceAgent } from "./gke002-container-service-agent";
import { gke003RequiredApis } from "./gke003-required-apis";

/** Every rule, in id order. A new rule is one file plus one line here. */
export const allRules: readonly Rule[] = [gke001NodeSaPermissions, gke002ContainerServiceAgent, gke003RequiredApis];

export function findRule(idOrSlug: string): Rule | undefined {
  const wanted = idOrSlug.toLowerCase();
  return allRules.find((r) => r.meta.id.toLowerCase() === wanted || r.meta.slug === wanted);
}
