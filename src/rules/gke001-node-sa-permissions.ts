import type { Remediation, Rule, RuleContext, Verdict } from "./types";
import { terraformName, type FixAction, type FixTarget } from "./fix-actions";
import { PROJECT_IAM } from "../knowledge/iam-resources";
import type { Denials, PermissionReport } from "../facts/iam/index-grants";
import { DEFAULT_NODE_SA_PERMISSIONS, DEFAULT_NODE_SA_ROLE } from "../knowledge/roles";
import { bothRemediations, denyExceptionRemediation, grantRoleRemediation } from "./remediation";
import { denyPoliciesText } from "./deny";
import { CLUSTER, NODE_POOL, type NodeIdentityUse, distinctNodeIdentities } from "../facts/gke/node-identities";
import { grantedUpstream, inStack } from "../facts/iam/upstream-grants";

const MINIMUM_ROLE = DEFAULT_NODE_SA_ROLE;

/**
 * GKE001: every service account GKE nodes run as must hold, on the cluster's project, every
 * permission of roles/container.defaultNodeServiceAccount. Checked permission by permission,
 * so that any set of roles that covers them passes (e.g. the legacy five-role set).
 */
export const gke001NodeSaPermissions: Rule = {
  meta: {
    id: "GKE001",
    slug: "node-sa-permissions",
    title: "Node service accounts hold the minimum GKE node permissions",
    severity: "error",
    rationale:
      "Nodes use their service account to write logs and metrics and to report autoscaling metrics. " +
      "When it lacks the permissions of roles/container.defaultNodeServiceAccount, GKE reports missing permissions " +
      "(\"Retry budget exhausted … Required permission\") or runs degraded: no logs, no metrics, no HPA profile.",
    googleDocUrl: "https://cloud.google.com/kubernetes-engine/docs/troubleshooting/4xx-errors",
    resourceTypes: [CLUSTER, NODE_POOL],
  },
  // The role's permissions as Google has them now, over the bundled table.
  liveNeeds: () => ({ roles: [MINIMUM_ROLE] }),
  check(ctx: RuleContext): Verdict[] {
    return distinctNodeIdentities(ctx.gke).map((use) => checkUse(use, ctx));
  },
  aspectFix: { statuses: ["fail"], targetTypes: [CLUSTER, NODE_POOL], actions: (_finding, target) => grantNodeRole(target) },
};

/**
 * The aspect's fix: the minimum role, granted non-authoritatively (a member, never a binding) to
 * the account the cluster or pool names. The Compute Engine default account is not granted to:
 * the fix for it is a dedicated account, which only the user can choose.
 */
function grantNodeRole(target: FixTarget): FixAction[] {
  const email =
    target.attribute("node_config", "service_account") ??
    (target.type === CLUSTER ? target.attribute("cluster_autoscaling", "auto_provisioning_defaults", "service_account") : undefined);
  if (!email || email === "default" || !isEmailLike(email)) {
    return [{ kind: "not-fixable", why: "the node service account is the Compute Engine default one or not a known email; set a dedicated node service account" }];
  }
  const member = `serviceAccount:${email}`;
  return [
    {
      kind: "add-resource",
      type: PROJECT_IAM.member,
      name: `${terraformName(referencedName(email) ?? email.split("@")[0])}_default_node_role`,
      values: { project: target.project, role: MINIMUM_ROLE, member },
      identifiedBy: ["project", "role", "member"],
      description: `granted ${MINIMUM_ROLE} to ${member} on project ${target.project}`,
    },
  ];
}

/** The resource name in a reference to one of its attributes: `${google_service_account.nodes.email}` → `nodes`. */
function referencedName(expression: string): string | undefined {
  return /^\$\{[a-z0-9_]+\.([A-Za-z0-9_-]+)\.[a-z_]+\}$/.exec(expression)?.[1];
}

function isEmailLike(expression: string): boolean {
  return expression.startsWith("${") || /^[^@\s]+@[^@\s]+\.iam\.gserviceaccount\.com$/.test(expression);
}

function checkUse(use: NodeIdentityUse, ctx: RuleContext): Verdict {
  const { identity, project, resource } = use;
  const who = `${identity.display}${use.temporaryDefaultPool ? " (temporary default node pool)" : ""}`;
  const where = `${resource.address} (${use.where}${use.value === undefined ? ", unset" : ""})`;
  if (!identity.key) {
    return {
      status: "unknown",
      address: resource.address,
      message: `The node service account of ${where} cannot be checked: ${identity.reason ?? "it is not known before apply"}`,
      reason: identity.reason,
      decideWith: "set node_config.service_account to a literal email or to a google_service_account of this configuration (--live cannot see a value computed during apply)",
    };
  }
  if (project.key === undefined) {
    return { status: "unknown", address: resource.address, message: `The project of ${where} is not known, so the grants of ${who} cannot be checked`, reason: project.reason, decideWith: "set project on the resource or on the provider" };
  }
  return permissionsVerdict(use, ctx, who, where, project.key);
}

/** Whether the node account holds the permissions of the minimum role on `project`, by the IAM index. */
function permissionsVerdict(use: NodeIdentityUse, ctx: RuleContext, who: string, where: string, project: string): Verdict {
  const { identity, resource } = use;
  const report = ctx.iam.permissions(identity, project, DEFAULT_NODE_SA_PERMISSIONS);
  // Built only for the verdicts that carry it (most node accounts pass).
  const remediation = () => nodeRoleRemediation(use, ctx, project);
  const details = permissionDetails(use, project, report);
  if (report.missing.length > 0) {
    // A permission an unconditional deny rule takes away is "missing" to the index whatever is
    // granted: told apart here, because granting the role again does nothing against a deny rule.
    const denied = ctx.iam.denials(identity, project, report.missing).denied;
    if (denied.length > 0) return deniedVerdict(use, who, where, project, report, denied, remediation, details);
    const stripped = report.stripped.length ? `; ${report.stripped[0].why}` : report.closedBy ? `; ${report.closedBy}` : "";
    return {
      status: "fail",
      address: resource.address,
      message: `${capitalise(who)} used by ${where} lacks ${report.missing.length} of the ${DEFAULT_NODE_SA_PERMISSIONS.length} permissions of ${MINIMUM_ROLE} on ${project}: ${report.missing.join(", ")}${stripped}`,
      remediation: remediation(),
      details,
    };
  }
  if (report.undetermined.length > 0) {
    return {
      status: "unknown",
      address: resource.address,
      message: `Cannot tell whether ${who} used by ${where} holds ${report.undetermined.map((u) => u.permission).join(", ")} on ${project}`,
      reason: report.undetermined[0].reason,
      decideWith: "--live, or grant the role in this configuration",
      remediation: remediation(),
      details,
    };
  }
  const upstream = grantedUpstream([...report.granted.values()].flat());
  return {
    status: "pass",
    address: resource.address,
    message: `${capitalise(who)} used by ${where} holds every permission of ${MINIMUM_ROLE} on ${project}${upstream ? ` (${upstream})` : ""}`,
    details,
  };
}

function nodeRoleRemediation(use: NodeIdentityUse, ctx: RuleContext, project: string): Remediation {
  const { identity, resource } = use;
  return grantRoleRemediation({
    summary: `Grant ${MINIMUM_ROLE} on project ${project} to ${identity.display}.`,
    project,
    projectNumber: ctx.iam.catalog.numberOf(project),
    identity,
    role: MINIMUM_ROLE,
    resourceName: `${(identity.createdBy?.name ?? resource.name).replace(/[^A-Za-z0-9_]/g, "_")}_default_node_sa`,
  });
}

function permissionDetails(use: NodeIdentityUse, project: string, report: PermissionReport) {
  return {
    identity: use.identity.email ?? use.identity.display,
    project,
    requiredRole: MINIMUM_ROLE,
    missingPermissions: report.missing,
    undeterminedPermissions: report.undetermined.map((u) => u.permission),
    grantedBy: [...new Set([...report.granted.values()].flat().map((g) => `${typeof g.role === "string" ? g.role : "?"} (${g.resource ? inStack(g.resource.address, g.stack) : "live policy"})`))],
    strippedBy: report.stripped.map((s) => `${s.role} (${s.resource.address})`),
  };
}

/**
 * A deny policy read live takes some of the permissions away. Those no held role gives either
 * are missing by grant as well: then the message says both, and both fixes are given.
 */
function deniedVerdict(
  use: NodeIdentityUse,
  who: string,
  where: string,
  project: string,
  report: PermissionReport,
  denied: Denials["denied"],
  grantFix: () => Remediation,
  details: Record<string, unknown>,
): Verdict {
  const { identity, resource } = use;
  const deniedNames = denied.map((d) => d.permission);
  const notGranted = report.missing.filter((p) => !report.deniedButGranted.includes(p));
  const policies = denyPoliciesText(denied);
  const denyFix = denyExceptionRemediation({
    email: identity.email ?? "SERVICE_ACCOUNT_EMAIL",
    who: identity.display,
    short: "the node service account",
    what: deniedNames.join(", "),
    attachedTo: denied[0].attachedTo ?? `projects/${project}`,
    policy: denied[0].policy,
  });
  const total = DEFAULT_NODE_SA_PERMISSIONS.length;
  const message = notGranted.length
    ? `${capitalise(who)} used by ${where} lacks ${notGranted.length} of the ${total} permissions of ${MINIMUM_ROLE} on ${project}: ${notGranted.join(", ")}; and ${policies} denies it ${deniedNames.join(", ")}`
    : `${capitalise(who)} used by ${where} is granted every permission of ${MINIMUM_ROLE} on ${project}, but ${policies} denies it ${deniedNames.length === 1 ? "one" : deniedNames.length} of them: ${deniedNames.join(", ")}; a deny rule wins over any grant`;
  return {
    status: "fail",
    address: resource.address,
    message,
    remediation: notGranted.length ? bothRemediations(grantFix(), denyFix) : denyFix,
    details: { ...details, missingPermissions: notGranted, deniedPermissions: deniedNames, denyPolicies: [...new Set(denied.map((d) => d.policy))] },
  };
}

/** Descriptions ("the Compute Engine default…") start a sentence capitalised; emails stay as they are. */
function capitalise(text: string): string {
  return text.startsWith("the ") ? `The ${text.slice(4)}` : text;
}
