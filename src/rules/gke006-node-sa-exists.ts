import { sh } from "../text/shell";
import { commentText, hclString, tsString } from "../text/code-text";
import type { Rule, RuleContext, Verdict } from "./types";
import type { Resource } from "../model/types";
import { isUnknown } from "../model/unknown";
import { booleanAttribute, stringAttribute } from "../model/access";
import { CLUSTER, NODE_POOL, type NodeIdentityUse, distinctNodeIdentities } from "../facts/gke/node-identities";
import { constructVariable, textRemediation } from "./remediation";
import { existingProject, type LiveNeeds } from "../facts/live-request";
import type { ServiceAccountRead } from "../facts/live-view";
import { COMPUTE_DEFAULT_ACCOUNT_PLACEHOLDER, computeDefaultAccountEmail } from "../knowledge/service-agents";
import { upstreamAccount, type UpstreamAccount } from "../facts/upstream-stacks";
import { inStack } from "../facts/iam/upstream-grants";

const ACCOUNT = "google_service_account";
const DEFAULT_ACCOUNTS = "google_project_default_service_accounts";

/**
 * GKE006: the account nodes run as exists and is enabled when the cluster or pool is created.
 * Decided from the configuration when it creates (or destroys, or disables) the account;
 * accounts made elsewhere are only known with --live.
 */
export const gke006NodeSaExists: Rule = {
  meta: {
    id: "GKE006",
    slug: "node-sa-exists",
    title: "The node service account exists and is enabled",
    severity: "error",
    rationale:
      "Creating a cluster or node pool whose service account does not exist fails (400 \"Service account … does not exist\", or 404 " +
      "\"Gaia id not found for email …\"); a disabled account leaves the node pool without working nodes. Destroying an account while " +
      "pools still run as it breaks those pools.",
    googleDocUrl: "https://cloud.google.com/kubernetes-engine/docs/troubleshooting/4xx-errors",
    resourceTypes: [CLUSTER, NODE_POOL, ACCOUNT, DEFAULT_ACCOUNTS],
  },
  liveNeeds: nodeAccountsToRead,
  check(ctx: RuleContext): Verdict[] {
    // Built once: data sources that read an account during plan, and default-account actions per project.
    const readByData = new Map<string, Resource>();
    for (const d of ctx.model.byType.get(ACCOUNT) ?? []) {
      if (d.mode === "data" && typeof d.values.email === "string") readByData.set(d.values.email.toLowerCase(), d);
    }
    const defaultActions = new Map<string, Resource>();
    for (const r of ctx.model.byType.get(DEFAULT_ACCOUNTS) ?? []) {
      const project = ctx.iam.catalog.projectOf(r).key;
      if (r.mode === "managed" && r.change !== "delete" && project) defaultActions.set(project, r);
    }
    return distinctNodeIdentities(ctx.gke).map((use) => checkUse(use, ctx, readByData, defaultActions));
  },
};

type UseDetails = { identity: string; where: string };

function checkUse(use: NodeIdentityUse, ctx: RuleContext, readByData: Map<string, Resource>, defaultActions: Map<string, Resource>): Verdict {
  const details = { identity: use.identity.email ?? use.identity.display, where: use.where };
  if (use.identity.key === undefined) {
    return { status: "unknown", address: use.resource.address, message: `The node service account of ${use.resource.address} (${use.where}) is only known after apply, so its existence cannot be checked`, reason: use.identity.reason, decideWith: "name the account by a literal email or by a google_service_account of this configuration (--live cannot see a value computed during apply)", details };
  }
  const account = use.identity.createdBy;
  if (account && account.mode === "managed") return createdAccountVerdict(use, account, details);
  const upstream = use.identity.email ? upstreamAccount(ctx.iam.upstream, use.identity.email) : undefined;
  if (upstream) return upstreamAccountVerdict(use, upstream, details);
  return defaultAccountRemovedVerdict(use, defaultActions, details) ?? existingAccountVerdict(use, ctx, readByData, details);
}

/** The account is a google_service_account of this configuration. */
function createdAccountVerdict(use: NodeIdentityUse, account: Resource, details: UseDetails): Verdict {
  const address = use.resource.address;
  const removed = accountRemovedVerdict(use, account, details);
  if (removed) return removed;
  const disabled = booleanAttribute(account.values, "disabled");
  if (disabled === true) return accountDisabledVerdict(use, account, details);
  if (isUnknown(disabled)) {
    return { status: "unknown", address: account.address, message: `Whether ${account.address} is disabled is only known after apply, and ${address} runs its nodes as it`, reason: disabled.reason, decideWith: "write disabled as a literal", details };
  }
  // Created in this apply, before the nodes that reference it, and enabled: `disabled` defaults to
  // false (https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/google_service_account#disabled-1),
  // whatever project it lands in.
  return { status: "pass", address, message: use.identity.email ? `${use.identity.email} is created by ${account.address}, enabled` : `${account.address} creates the node account of ${address}, enabled`, details };
}

function accountRemovedVerdict(use: NodeIdentityUse, account: Resource, details: UseDetails): Verdict | undefined {
  // A replaced account gets a new identity; nodes created or replaced in the same apply pick it up.
  const nodesRecreated = use.resource.change === "create" || use.resource.change === "replace";
  if (!(account.change === "delete" || (account.change === "replace" && !nodesRecreated))) return undefined;
  const verb = account.change === "delete" ? "destroys" : "destroys and recreates (a new account with the same email does not inherit grants or running VMs)";
  return {
    status: "fail",
    address: account.address,
    message: `The plan ${verb} ${account.address}, while ${use.resource.address} (${use.where}) runs its nodes as ${use.identity.display}`,
    remediation: textRemediation(
      `Keep ${account.address} while node pools use it (add lifecycle prevent_destroy), or move the nodes to another account first.`,
      [sh`gcloud iam service-accounts describe ${use.identity.email ?? "SERVICE_ACCOUNT_EMAIL"}` + (use.project.key ? sh` --project=${use.project.key}` : "")],
      `// keep the ServiceAccount construct, and protect it:\n${constructVariable(account)}.addOverride("lifecycle.prevent_destroy", true);`,
      `resource "google_service_account" ${hclString(account.name)} {\n  # ...\n  lifecycle {\n    prevent_destroy = true\n  }\n}`,
    ),
    details: { ...details, account: account.address },
  };
}

function accountDisabledVerdict(use: NodeIdentityUse, account: Resource, details: UseDetails): Verdict {
  return {
    status: "fail",
    address: account.address,
    message: `${account.address} is created with disabled = true, and ${use.resource.address} (${use.where}) runs its nodes as it: the pool's VMs cannot authenticate`,
    remediation: textRemediation(
      `Set disabled = false on ${account.address}.`,
      [sh`gcloud iam service-accounts enable ${use.identity.email ?? "SERVICE_ACCOUNT_EMAIL"}` + (use.project.key ? sh` --project=${use.project.key}` : "")],
      `// on the ServiceAccount construct: disabled: false`,
      `# in ${commentText(account.address)}:\ndisabled = false`,
    ),
    details: { ...details, account: account.address },
  };
}

/** Nodes run as the Compute Engine default account, which google_project_default_service_accounts disables or deletes. */
function defaultAccountRemovedVerdict(use: NodeIdentityUse, defaultActions: Map<string, Resource>, details: UseDetails): Verdict | undefined {
  const project = use.project.key;
  if (use.identity.kind !== "compute-default" || !project) return undefined;
  const action = defaultActions.get(project);
  const verb = action ? stringAttribute(action.values, "action") : undefined;
  if (!(typeof verb === "string" && ["DISABLE", "DELETE"].includes(verb.toUpperCase()))) return undefined;
  return {
    status: "fail",
    address: action!.address,
    message: `${action!.address} ${verb.toUpperCase() === "DELETE" ? "deletes" : "disables"} the Compute Engine default service account of ${project}, which ${use.resource.address} (${use.where}) runs its nodes as`,
    remediation: textRemediation(`Give the nodes a dedicated account, or do not disable/delete the default account.`, [sh`gcloud iam service-accounts enable ${COMPUTE_DEFAULT_ACCOUNT_PLACEHOLDER} --project=${project}`], `// set nodeConfig.serviceAccount to a dedicated ServiceAccount's email`, `# set node_config.service_account to a dedicated google_service_account's email`),
    details,
  };
}

/** An account this configuration does not create: read live, read by a data source, or not known. */
function existingAccountVerdict(use: NodeIdentityUse, ctx: RuleContext, readByData: Map<string, Resource>, details: UseDetails): Verdict {
  const { identity } = use;
  const address = use.resource.address;
  const project = use.project.key;
  const email = identity.email ?? liveDefaultEmail(identity.kind, project, ctx);
  const live = email ? ctx.live.serviceAccount(email) : undefined;
  if (email && live && "value" in live) return liveAccountVerdict(use, email, live.value, details);
  const data = identity.email ? readByData.get(identity.email) : undefined;
  if (data && data.change === "read" && !isUnknown(data.values.unique_id) && data.values.unique_id !== undefined && booleanAttribute(data.values, "disabled") !== true) {
    return { status: "pass", address, message: `${identity.display} was read by ${data.address} during plan, so it exists`, details };
  }
  if (identity.kind === "compute-default" && project && ctx.iam.catalog.isCreatedHere(project)) {
    return { status: "pass", address, message: `${project} is created here; Compute Engine creates its default service account when the API is enabled, and nothing here disables or deletes it`, details };
  }
  const liveError = live && "unreadable" in live ? live.unreadable : undefined;
  return {
    status: "unknown",
    address,
    message: `${address} (${use.where}) runs its nodes as ${identity.display}, which this configuration does not create; whether it exists and is enabled is not known`,
    reason: liveError ? `the account could not be read: ${liveError}` : "accounts created outside the configuration are not in the input",
    decideWith: "--live reads the account",
    details,
  };
}

function liveAccountVerdict(use: NodeIdentityUse, email: string, account: ServiceAccountRead, details: UseDetails): Verdict {
  const address = use.resource.address;
  if (!account.exists) {
    const accountId = email.split("@")[0]!;
    return {
      status: "fail",
      address,
      message: `${address} (${use.where}) runs its nodes as ${email}, which does not exist (read live)`,
      remediation: textRemediation(`Create the account, or name an existing one.`, [sh`gcloud iam service-accounts create ${accountId} --project=${use.project.key ?? "PROJECT_ID"}`, `# a default account deleted less than 30 days ago can be undeleted: gcloud beta iam service-accounts undelete ACCOUNT_UNIQUE_ID`], `new ServiceAccount(this, "gke-nodes", { accountId: ${tsString(accountId)} });`, `resource "google_service_account" "gke_nodes" {\n  account_id = ${hclString(accountId)}\n}`),
      details,
    };
  }
  if (account.disabled) {
    return { status: "fail", address, message: `${address} (${use.where}) runs its nodes as ${email}, which is disabled (read live)`, remediation: textRemediation(`Enable the account.`, [sh`gcloud iam service-accounts enable ${email}`], `// the account is not managed by this stack: enable it with gcloud`, `# the account is not managed here: enable it with gcloud`), details };
  }
  return { status: "pass", address, message: `${email} exists and is enabled (read live)`, details };
}

/** The account is created by a stack deployed before this one: it exists when this stack applies, enabled unless created disabled. */
function upstreamAccountVerdict(use: NodeIdentityUse, upstream: UpstreamAccount, details: Record<string, unknown>): Verdict {
  const address = use.resource.address;
  const by = inStack(upstream.resource.address, upstream.stack);
  const withAccount = { ...details, account: `${upstream.stack}:${upstream.resource.address}` };
  if (upstream.disabled === "unknown") {
    return { status: "unknown", address, message: `Whether ${by} creates ${use.identity.display} disabled is only known after apply, and ${address} runs its nodes as it`, reason: "disabled is only known after apply", decideWith: "write disabled as a literal", details: withAccount };
  }
  if (upstream.disabled) {
    return {
      status: "fail",
      address,
      message: `${by} creates ${use.identity.display} with disabled = true, and ${address} (${use.where}) runs its nodes as it: the pool's VMs cannot authenticate`,
      remediation: textRemediation(`Set disabled = false on ${upstream.resource.address} in stack ${upstream.stack}.`, [sh`gcloud iam service-accounts enable ${use.identity.email ?? "SERVICE_ACCOUNT_EMAIL"}`], `// on the ServiceAccount construct of stack ${commentText(upstream.stack)}: disabled: false`, `# in ${commentText(upstream.resource.address)} of stack ${commentText(upstream.stack)}:\ndisabled = false`),
      details: withAccount,
    };
  }
  return { status: "pass", address, message: `${use.identity.display} is created by ${by}, enabled`, details: withAccount };
}

/** The default account's email needs the project number, which the live read knows. */
function liveDefaultEmail(kind: string, project: string | undefined, ctx: RuleContext): string | undefined {
  if (kind !== "compute-default" || !project) return undefined;
  const number = ctx.live.projectNumber(project);
  return number !== undefined ? computeDefaultAccountEmail(number) : undefined;
}

/**
 * Whether the node accounts exist and are enabled, wherever they are used: the ones named by
 * email and not created here, and the Compute Engine default account of existing projects (its
 * email needs the live project number).
 */
function nodeAccountsToRead(ctx: RuleContext): LiveNeeds {
  const serviceAccounts: string[] = [];
  const defaultServiceAccountProjects: string[] = [];
  for (const use of ctx.gke.nodeIdentities) {
    const { identity } = use;
    if (identity.kind === "service-account" && identity.email && !identity.createdBy) serviceAccounts.push(identity.email);
    else if (identity.kind === "compute-default") {
      const project = existingProject(use.project);
      if (project) defaultServiceAccountProjects.push(project);
    }
  }
  return { serviceAccounts, defaultServiceAccountProjects };
}
