import { sh } from "../text/shell";
import { hclString, tsString } from "../text/code-text";
import type { Rule, RuleContext, Verdict } from "./types";
import { CLUSTER, NODE_POOL } from "../facts/gke/node-identities";
import { PROJECT_SERVICE } from "../facts/gke/project-services";
import { isCreated } from "../model/change";
import type { DeployerRequirement } from "../facts/deployer-requirements";
import type { LiveNeeds } from "../facts/live-request";
import { bothRemediations, serviceAccountUserRemediation, textRemediation } from "./remediation";
import { addToList } from "../model/multimap";
import { computeDefaultAccountEmail } from "../knowledge/service-agents";
import { ROLE_FOR_HIERARCHY_PERMISSION, ROLE_FOR_PERMISSION } from "../knowledge/deployer-roles";

export { ROLE_FOR_HIERARCHY_PERMISSION, ROLE_FOR_PERMISSION } from "../knowledge/deployer-roles";

const ACT_AS = "iam.serviceAccounts.actAs";

function roleFor(permission: string): string | undefined {
  return ROLE_FOR_PERMISSION[permission] ?? ROLE_FOR_HIERARCHY_PERMISSION[permission];
}

/**
 * GKE009: whoever applies needs actAs on every node account, and the project permissions the
 * plan's resources call for. Without --live this is `unknown` with the list; with --live, decided.
 */
export const gke009DeployerActAs: Rule = {
  meta: {
    id: "GKE009",
    slug: "deployer-act-as",
    title: "The identity running the apply holds the permissions this plan needs",
    severity: "error",
    rationale:
      "Creating a cluster or node pool that runs as a service account requires iam.serviceAccounts.actAs on that account " +
      "(roles/iam.serviceAccountUser); roles/container.admin and clusterAdmin do not include it, and the apply stops with 400 \"The user " +
      "does not have access to service account\". Granting project roles needs resourcemanager.projects.setIamPolicy (not in Editor), " +
      "enabling APIs needs serviceusage.services.enable, and creating the cluster needs container.clusters.create (403 otherwise).",
    googleDocUrl: "https://cloud.google.com/iam/docs/roles-permissions/container",
    resourceTypes: [CLUSTER, NODE_POOL, PROJECT_SERVICE, "google_project_iam_member", "google_service_account"],
  },
  liveNeeds: deployerPermissionsToTest,
  check(ctx: RuleContext): Verdict[] {
    const requirements = ctx.facts.deployerRequirements;
    // One verdict per place the permissions are checked on: each project, each node account. Offline
    // none of them can be decided, so a project's needs and actAs on its node accounts are said once,
    // in one verdict with the full list; an account known only after apply keeps its own (its reason differs).
    const offline = !ctx.live.enabled;
    const groups = new Map<string, DeployerRequirement[]>();
    for (const r of requirements) {
      const ownAccount = r.scope === "serviceAccount" && (!offline || r.account!.key === undefined);
      const key = ownAccount ? `sa|${r.account!.key ?? r.account!.display}` : r.scope === "project" || r.scope === "serviceAccount" ? `project|${r.project ?? "?"}` : `${r.scope}|${r.node ?? "?"}`;
      addToList(groups, key, r);
    }
    return [...groups.values()].map((group) => {
      const scope = group[0].scope;
      if (scope === "folder" || scope === "organization") return hierarchyVerdict(group, ctx);
      if (group.every((r) => r.scope === "serviceAccount") && group.length === 1) return actAsVerdict(group[0], ctx);
      return group.some((r) => r.scope === "serviceAccount") ? offlineProjectVerdict(group, ctx) : projectVerdict(group, ctx);
    });
  },
};

/**
 * Exactly what the verdicts weigh: testIamPermissions on each existing project, folder and
 * organisation for its permissions, and actAs on each node account that exists already.
 */
function deployerPermissionsToTest(ctx: RuleContext): LiveNeeds {
  const callerPermissions: Record<string, string[]> = {};
  const resourceCallerPermissions: Record<string, string[]> = {};
  const serviceAccounts: string[] = [];
  const defaultServiceAccountProjects: string[] = [];
  const add = (map: Record<string, string[]>, key: string, permission: string) => (map[key] ??= []).push(permission);
  for (const requirement of ctx.facts.deployerRequirements) {
    const project = requirement.project && !ctx.iam.catalog.isCreatedHere(requirement.project) ? requirement.project : undefined;
    if (requirement.scope === "project") {
      if (project) add(callerPermissions, project, requirement.permission);
      continue;
    }
    if (requirement.scope === "folder" || requirement.scope === "organization") {
      // Only folders and organisations named by id exist to be asked; one created here does not yet.
      if (requirement.node && /^(folders|organizations)\/\d+$/.test(requirement.node)) add(resourceCallerPermissions, requirement.node, requirement.permission);
      continue;
    }
    const account = requirement.account;
    if (account?.kind === "service-account" && account.email && !account.createdBy) serviceAccounts.push(account.email);
    else if (account?.kind === "compute-default" && project) defaultServiceAccountProjects.push(project); // its email needs the live project number; actAs is tested on it
    // A project-wide actAs grant covers every account, including ones this apply creates.
    if (project) add(callerPermissions, project, ACT_AS);
  }
  return { callerPermissions, resourceCallerPermissions, serviceAccounts, actAsChecks: serviceAccounts, defaultServiceAccountProjects };
}

/**
 * Offline, what the deployer needs on one project: its project permissions and actAs on the node
 * accounts there, with every fix. The details list each permission, where and for which resources.
 */
function offlineProjectVerdict(group: DeployerRequirement[], ctx: RuleContext): Verdict {
  const onProject = group.filter((r) => r.scope === "project");
  const actAs = group.filter((r) => r.scope === "serviceAccount");
  const project = group[0].project;
  const accounts = actAs.map((r) => r.account!.email ?? r.account!.display);
  const accountFixes = actAs.map((r, i) => serviceAccountUserRemediation({ summary: "", account: r.account!, project: r.project, ...(i > 0 ? { name: `nodes-${i + 1}` } : {}) }));
  const actAsText = `${ACT_AS} on ${accounts.join(", ")} (roles/iam.serviceAccountUser)`;
  const created = actAs.filter((r) => r.account!.createdBy && isCreated(r.account!.createdBy)).map((r) => r.account!.email ?? r.account!.display);
  const decideWith = `--live tests them with testIamPermissions${created.length ? ` (for ${created.join(", ")}, which this apply creates, only whether actAs is held on the whole project)` : ""}`;
  const actAsSummary = `Grant whoever runs the apply roles/iam.serviceAccountUser on ${accounts.join(", ")}.`;
  const actAsFix = accountFixes.reduce((all, fix) => bothRemediations(all, fix));
  const details = { requiredPermissions: listed(group) };
  if (onProject.length === 0) {
    return { status: "unknown", address: actAs[0].because[0], message: `To create ${few([...new Set(actAs.flatMap((r) => r.because))])}, the deployer needs ${actAsText}`, reason: "the identity that runs the apply is not in the plan", decideWith, remediation: { ...actAsFix, summary: actAsSummary }, details };
  }
  const base = projectVerdict(onProject, ctx);
  const fix = bothRemediations(base.remediation!, actAsFix);
  return { ...base, message: `${base.message}, and ${actAsText}`, decideWith: project ? decideWith : base.decideWith, remediation: { ...fix, summary: `${base.remediation!.summary} ${actAsSummary}` }, details };
}

/** At most three addresses in a message; the details keep them all. */
function few(addresses: string[]): string {
  return addresses.length <= 3 ? addresses.join(", ") : `${addresses.slice(0, 3).join(", ")} and ${addresses.length - 3} more`;
}

function listed(requirements: DeployerRequirement[]) {
  return requirements.map((r) => ({ permission: r.permission, on: onText(r), role: roleFor(r.permission), because: r.because }));
}

function onText(r: DeployerRequirement): string {
  if (r.scope === "serviceAccount") return `serviceAccount:${r.account!.email ?? r.account!.display}`;
  if (r.scope === "project") return `projects/${r.project ?? "(unknown)"}`;
  return r.node && !r.node.includes(":") ? r.node : `${r.scope === "folder" ? "folders" : "organizations"}/(unknown)`;
}

function projectVerdict(group: DeployerRequirement[], ctx: RuleContext): Verdict {
  const project = group[0].project;
  const address = group[0].because[0];
  const permissions = group.map((r) => r.permission);
  const roles = [...new Set(group.map((r) => ROLE_FOR_PERMISSION[r.permission]).filter(Boolean))];
  const details = { requiredPermissions: listed(group) };
  const fix = textRemediation(
    `Grant whoever runs the apply ${roles.join(", ")} on ${project ?? "the project"} (or a custom role with ${permissions.join(", ")}).`,
    roles.map((role) => sh`gcloud projects add-iam-policy-binding ${project ?? "PROJECT_ID"} --member="user:DEPLOYER_EMAIL" --role="${role}" --condition=None`),
    `// the deployer's own access cannot come from the stack it runs: grant it from an admin stack or with gcloud\n` +
      roles.map((role) => `new ProjectIamMember(this, ${JSON.stringify(`deployer-${role.split("/")[1].replace(/\./g, "-")}`)}, { project: ${tsString(project ?? "PROJECT_ID")}, role: ${JSON.stringify(role)}, member: "user:DEPLOYER_EMAIL" });`).join("\n"),
    roles.map((role) => `resource "google_project_iam_member" "deployer_${role.split("/")[1].replace(/\./g, "_")}" {\n  project = ${hclString(project ?? "PROJECT_ID")}\n  role    = ${JSON.stringify(role)}\n  member  = "user:DEPLOYER_EMAIL"\n}`).join("\n\n"),
  );
  if (!project) {
    return { status: "unknown", address, message: `The deployer needs ${permissions.join(", ")} on a project that is not known before apply`, reason: "the project is only known after apply", decideWith: "set project on the resources or the provider", remediation: fix, details };
  }
  const held = ctx.live.callerPermissions(project);
  if (held && "value" in held) {
    const missing = permissions.filter((p) => !held.value.includes(p));
    if (missing.length === 0) return { status: "pass", address, message: `The deployer holds ${permissions.join(", ")} on ${project} (read live)`, details };
    return { status: "fail", address, message: `The deployer lacks ${missing.join(", ")} on ${project} (read live), which this plan needs for ${group.filter((r) => missing.includes(r.permission)).flatMap((r) => r.because).slice(0, 3).join(", ")}`, remediation: fix, details: { ...details, missingPermissions: missing } };
  }
  const why = held?.whole ? `the project could not be read: ${held.unreadable}` : held ? `the caller's permissions could not be tested: ${held.unreadable}` : ctx.live.enabled ? `--live did not test the caller's permissions on ${project}` : "the identity that runs the apply is not in the plan";
  return { status: "unknown", address, message: `To apply this plan, the deployer needs on ${project}: ${permissions.join(", ")}`, reason: why, decideWith: "--live tests them with testIamPermissions", remediation: fix, details };
}

/** Folder or organisation IAM the plan changes: testIamPermissions on that folder or organisation decides. */
function hierarchyVerdict(group: DeployerRequirement[], ctx: RuleContext): Verdict {
  const { scope, node } = group[0];
  const address = group[0].because[0];
  const permissions = group.map((r) => r.permission);
  const roles = [...new Set(group.map((r) => roleFor(r.permission)).filter((role): role is string => Boolean(role)))];
  const details = { requiredPermissions: listed(group) };
  const known = node && /^(folders|organizations)\/\d+$/.test(node) ? node : undefined;
  const id = known?.split("/")[1] ?? (scope === "folder" ? "FOLDER_ID" : "ORGANIZATION_ID");
  const fix = textRemediation(
    `Grant whoever runs the apply ${roles.join(", ")} on ${known ?? `the ${scope}`} (or a custom role with ${permissions.join(", ")}).`,
    roles.map((role) => sh`gcloud resource-manager ${scope === "folder" ? "folders" : "organizations"} add-iam-policy-binding ${id} --member="user:DEPLOYER_EMAIL" --role="${role}" --condition=None`),
    `// the deployer's own access cannot come from the stack it runs: grant it from an admin stack or with gcloud\n` +
      roles
        .map((role) =>
          scope === "folder"
            ? `new FolderIamMember(this, ${JSON.stringify(`deployer-${role.split("/")[1].replace(/\./g, "-")}`)}, { folder: ${JSON.stringify(`folders/${id}`)}, role: ${JSON.stringify(role)}, member: "user:DEPLOYER_EMAIL" });`
            : `new OrganizationIamMember(this, ${JSON.stringify(`deployer-${role.split("/")[1].replace(/\./g, "-")}`)}, { orgId: ${JSON.stringify(id)}, role: ${JSON.stringify(role)}, member: "user:DEPLOYER_EMAIL" });`,
        )
        .join("\n"),
    roles
      .map((role) =>
        scope === "folder"
          ? `resource "google_folder_iam_member" "deployer_${role.split("/")[1].replace(/\./g, "_")}" {\n  folder = ${JSON.stringify(`folders/${id}`)}\n  role   = ${JSON.stringify(role)}\n  member = "user:DEPLOYER_EMAIL"\n}`
          : `resource "google_organization_iam_member" "deployer_${role.split("/")[1].replace(/\./g, "_")}" {\n  org_id = ${JSON.stringify(id)}\n  role   = ${JSON.stringify(role)}\n  member = "user:DEPLOYER_EMAIL"\n}`,
      )
      .join("\n\n"),
  );
  if (!known) {
    const why = node?.startsWith("folder-resource:") ? `the folder is created by this apply (${node.slice("folder-resource:".length)}); the deployer's permissions on it come from its parent` : `the ${scope} is only known after apply`;
    return { status: "unknown", address, message: `The deployer needs ${permissions.join(", ")} on a ${scope} that is not known before apply`, reason: why, decideWith: `name the ${scope} by its id`, remediation: fix, details };
  }
  const held = ctx.live.hierarchyCallerPermissions(known);
  if (held && "value" in held) {
    const missing = permissions.filter((p) => !held.value.includes(p));
    if (missing.length === 0) return { status: "pass", address, message: `The deployer holds ${permissions.join(", ")} on ${known} (read live)`, details };
    return { status: "fail", address, message: `The deployer lacks ${missing.join(", ")} on ${known} (read live), which this plan needs for ${few(group.filter((r) => missing.includes(r.permission)).flatMap((r) => r.because))}: the apply stops with 403`, remediation: fix, details: { ...details, missingPermissions: missing } };
  }
  const why = held ? `the caller's permissions on ${known} could not be tested: ${held.unreadable}` : ctx.live.enabled ? `--live did not test the caller's permissions on ${known}` : "the identity that runs the apply is not in the plan";
  return { status: "unknown", address, message: `To apply this plan, the deployer needs on ${known}: ${permissions.join(", ")}`, reason: why, decideWith: "--live tests them with testIamPermissions", remediation: fix, details };
}

function actAsVerdict(requirement: DeployerRequirement, ctx: RuleContext): Verdict {
  const account = requirement.account!;
  const address = requirement.because[0];
  const project = requirement.project;
  const details = { requiredPermissions: listed([requirement]) };
  const fix = serviceAccountUserRemediation({ summary: `Grant whoever runs the apply roles/iam.serviceAccountUser on ${account.display}.`, account, project });
  const number = project ? ctx.live.projectNumber(project) : undefined;
  const email = account.email ?? (account.kind === "compute-default" && number !== undefined ? computeDefaultAccountEmail(number) : undefined);
  const canActAs = email ? ctx.live.callerCanActAs(email) : undefined;
  const onProject = project ? ctx.live.callerPermissions(project) : undefined;
  const projectWide = onProject && "value" in onProject && onProject.value.includes(ACT_AS);
  if (projectWide) return { status: "pass", address, message: `The deployer holds ${ACT_AS} on every account of ${project}, so on ${email ?? account.display} too (read live)`, details };
  if (canActAs && "value" in canActAs) {
    if (canActAs.value) return { status: "pass", address, message: `The deployer can act as ${email} (read live)`, details };
    return { status: "fail", address, message: `The deployer lacks ${ACT_AS} on ${email} (read live): creating ${few(requirement.because)} stops with "The user does not have access to service account"`, remediation: fix, details };
  }
  const reason = account.key === undefined ? `the node account is only known after apply (${account.reason ?? "computed"})` : canActAs?.whole ? `the account could not be read: ${canActAs.unreadable}` : canActAs ? `actAs could not be tested: ${canActAs.unreadable}` : account.createdBy && isCreated(account.createdBy) ? "the account is created by this apply, so only a project-wide grant can be tested beforehand" : "the identity that runs the apply is not in the plan";
  return { status: "unknown", address, message: `To create ${few(requirement.because)}, the deployer needs ${ACT_AS} on ${email ?? account.display} (roles/iam.serviceAccountUser)`, reason, decideWith: "--live tests it", remediation: fix, details };
}
