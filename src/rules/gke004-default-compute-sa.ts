import type { Rule, RuleContext, Verdict } from "./types";
import { CLUSTER, NODE_POOL, type NodeIdentityUse, distinctNodeIdentities } from "../facts/gke/node-identities";
import { DEFAULT_NODE_SA_ROLE } from "../knowledge/roles";
import { dedicatedNodeAccountRemediation } from "./remediation";

/**
 * GKE004: nodes (including the temporary default pool that remove_default_node_pool deletes
 * after creation) run as the Compute Engine default service account. That account only has
 * what GKE needs where Google still grants it Editor automatically, which organisations created
 * after 2024-05-03 no longer do by default.
 */
export const gke004DefaultComputeSa: Rule = {
  meta: {
    id: "GKE004",
    slug: "default-compute-sa",
    title: "Nodes do not run as the Compute Engine default service account",
    severity: "warning",
    rationale:
      "When node_config.service_account is unset or \"default\", nodes run as PROJECT_NUMBER-compute@developer.gserviceaccount.com. " +
      "Google grants that account Editor only where the organisation policy iam.automaticIamGrantsForDefaultServiceAccounts is not " +
      "enforced; it is enforced by default for organisations created after 2024-05-03, so the nodes end up without the permissions GKE " +
      "needs (\"Required permission\" errors, missing logs and metrics). Where Editor is granted, the nodes hold far more than they need.",
    googleDocUrl: "https://cloud.google.com/kubernetes-engine/docs/troubleshooting/4xx-errors",
    resourceTypes: [CLUSTER, NODE_POOL],
  },
  check(ctx: RuleContext): Verdict[] {
    return distinctNodeIdentities(ctx.gke).map((use) => checkUse(use));
  },
};

function checkUse(use: NodeIdentityUse): Verdict {
  const { identity, resource } = use;
  const where = `${resource.address} (${use.where}${use.value === undefined ? ", unset" : ""})`;
  const details = { where: use.where, identity: identity.email ?? identity.display, temporaryDefaultPool: use.temporaryDefaultPool };
  // An unset or "default" value is the default account even when its project is not known.
  const unsetOrDefault = use.value === undefined || use.value === null || use.value === "" || use.value === "default";
  if (identity.kind === "compute-default" || unsetOrDefault) {
    const pool = use.temporaryDefaultPool
      ? "The temporary default node pool (created with the cluster, then deleted by remove_default_node_pool)"
      : "Nodes";
    return {
      status: "fail",
      address: resource.address,
      message: `${pool} of ${where} run as ${identity.display}: it holds GKE's permissions only through the automatic Editor grant, which iam.automaticIamGrantsForDefaultServiceAccounts turns off`,
      remediation: dedicatedNodeAccountRemediation({
        summary: `Run the nodes as a dedicated service account holding ${DEFAULT_NODE_SA_ROLE}, or grant ${DEFAULT_NODE_SA_ROLE} to the default account.`,
        project: use.project.key,
        role: DEFAULT_NODE_SA_ROLE,
        nodeResource: resource,
        where: use.where,
      }),
      details,
    };
  }
  if (identity.key === undefined) {
    return {
      status: "unknown",
      address: resource.address,
      message: `Cannot tell whether ${where} runs its nodes as the Compute Engine default service account: ${identity.reason ?? "the account is only known after apply"}`,
      reason: identity.reason,
      decideWith: "set the service account to a literal email or to a google_service_account of this configuration (--live cannot see a value computed during apply)",
      details,
    };
  }
  // An account this configuration creates (google_service_account) is never the default one, even
  // when its project is not known: its email is ACCOUNT_ID@PROJECT.iam.gserviceaccount.com
  // (https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/google_service_account),
  // the default account's is PROJECT_NUMBER-compute@developer.gserviceaccount.com, created by Compute
  // Engine itself (https://cloud.google.com/compute/docs/access/service-accounts#default_service_account).
  return { status: "pass", address: resource.address, message: `${where} runs its nodes as ${identity.display}, not the Compute Engine default service account`, details };
}
