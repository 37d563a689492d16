import { sh, shellCode } from "../text/shell";
import { commentText, hclReference, hclString, tsString } from "../text/code-text";
import type { CdkFramework, Resource } from "../model/types";
import { agentEmail, type Identity } from "../facts/iam/identity";
import type { Remediation } from "./types";
import { withoutInstanceKey } from "../model/addresses";
import { COMPUTE_DEFAULT_ACCOUNT_PLACEHOLDER } from "../knowledge/service-agents";

/**
 * Builds fixes in three dialects (gcloud, CDKTF TypeScript, HCL) from what the engine knows,
 * using the user's own references (the construct that creates the account) where it can.
 * Values from the input go in through `sh` (shell), tsString/hclString (string literals),
 * commentText (comments) and hclReference (references), never as they are (code-text.ts).
 */
export interface ProjectText {
  /** Literal project id for gcloud, or a shell placeholder. */
  shell: string;
  /** TypeScript expression. */
  ts: string;
  /** HCL expression. */
  hcl: string;
}

export function projectText(project: string | undefined): ProjectText {
  if (!project) return { shell: "PROJECT_ID", ts: '"PROJECT_ID"', hcl: '"PROJECT_ID"' };
  return { shell: project, ts: tsString(project), hcl: hclString(project) };
}

/** A member as shell text, TypeScript template and HCL string. */
export function memberText(identity: Identity, project: string | undefined, projectNumber: string | undefined): ProjectText {
  const sa = identity.createdBy;
  if (sa && sa.mode === "managed") {
    const variable = constructVariable(sa);
    const shell = `serviceAccount:${identity.email ?? `SERVICE_ACCOUNT_EMAIL`}`;
    const reference = hclReference(sa.address);
    return {
      shell,
      ts: "`serviceAccount:${" + variable + ".email}`",
      hcl: reference ? `"serviceAccount:\${${reference}.email}"` : hclString(shell),
    };
  }
  if (identity.kind === "gke-agent" || identity.kind === "compute-default" || identity.kind === "apis-agent") {
    if (identity.email) return dataMember(identity.email);
    // Built here from the project number (a placeholder, or Terraform's reference to it): no input in it.
    const number = projectNumber ?? "PROJECT_NUMBER";
    return {
      shell: `serviceAccount:${agentEmail(identity.kind, number)}`,
      ts: "`serviceAccount:" + agentEmail(identity.kind, "${project.number}") + "`",
      hcl: `"serviceAccount:${agentEmail(identity.kind, "${data.google_project.project.number}")}"`,
    };
  }
  void project;
  return dataMember(identity.email ?? "SERVICE_ACCOUNT_EMAIL");
}

function dataMember(email: string): ProjectText {
  const member = `serviceAccount:${email}`;
  return { shell: member, ts: tsString(member), hcl: hclString(member) };
}

/** The shell word for a member: the placeholder PROJECT_NUMBER this file writes becomes the variable the fix sets. */
function memberWord(member: ProjectText, identity: Identity, projectNumber: string | undefined) {
  const placeholder = !identity.email && !projectNumber && (identity.kind === "gke-agent" || identity.kind === "compute-default" || identity.kind === "apis-agent");
  return placeholder ? shellCode(member.shell.replace("PROJECT_NUMBER", "${PROJECT_NUMBER}")) : member.shell;
}

// The same resources come back in many fixes (every cluster of a project waits for the same
// API and IAM resources): their variable names are worked out once.
const variableOf = new WeakMap<Resource, string>();

/** `gke/nodes_sa` → `nodesSa`: the variable a CDKTF user most likely holds the construct in. */
export function constructVariable(resource: Resource): string {
  let variable = variableOf.get(resource);
  if (variable === undefined) {
    variable = variableFromId(resource.constructPath?.split("/").pop() ?? resource.name);
    variableOf.set(resource, variable);
  }
  return variable;
}

function variableFromId(id: string): string {
  const camel = id.replace(/[-_ ]+([A-Za-z0-9])/g, (_, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9_$]/g, "");
  const variable = camel.charAt(0).toLowerCase() + camel.slice(1);
  return /^[A-Za-z_$]/.test(variable) ? variable : `r${variable}`;
}

export function grantRoleRemediation(args: {
  summary: string;
  project: string | undefined;
  projectNumber?: string;
  identity: Identity;
  role: string;
  resourceName: string;
  needsProjectData?: boolean;
}): Remediation {
  const project = projectText(args.project);
  const member = memberText(args.identity, args.project, args.projectNumber);
  const usesNumber = member.ts.includes("${project.number}");
  const word = memberWord(member, args.identity, args.projectNumber);
  const gcloud: string[] = [];
  if (typeof word !== "string" && args.project) {
    gcloud.push(sh`PROJECT_NUMBER=$(gcloud projects describe ${args.project} --format='value(projectNumber)')`);
  }
  gcloud.push(sh`gcloud projects add-iam-policy-binding ${project.shell} --member="${word}" --role="${args.role}" --condition=None`);
  const tsLines = [
    `import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";`,
    ...(usesNumber ? [`import { DataGoogleProject } from "@cdktf/provider-google/lib/data-google-project";`, "", `const project = new DataGoogleProject(this, "project", { projectId: ${project.ts} });`] : [""]),
    `new ProjectIamMember(this, ${tsString(args.resourceName.replace(/_/g, "-"))}, {`,
    `  project: ${project.ts},`,
    `  role: ${tsString(args.role)},`,
    `  member: ${member.ts},`,
    `});`,
  ];
  const hclLines = [
    ...(member.hcl.includes("data.google_project.project") ? [`data "google_project" "project" {`, `  project_id = ${project.hcl}`, `}`, ""] : []),
    `resource "google_project_iam_member" ${hclString(args.resourceName)} {`,
    `  project = ${project.hcl}`,
    `  role    = ${hclString(args.role)}`,
    `  member  = ${member.hcl}`,
    `}`,
  ];
  return { summary: args.summary, gcloud, cdktf: tsLines.join("\n"), hcl: hclLines.join("\n") };
}

export function enableApiRemediation(args: { summary: string; project: string | undefined; api: string; resourceName: string }): Remediation {
  const project = projectText(args.project);
  const variable = variableFromId(args.resourceName);
  const reference = hclReference(`google_project_service.${args.resourceName}`) ?? "google_project_service.API_RESOURCE";
  return {
    summary: args.summary,
    gcloud: [sh`gcloud services enable ${args.api} --project=${project.shell}`],
    cdktf: [
      `import { ProjectService } from "@cdktf/provider-google/lib/project-service";`,
      "",
      `const ${variable} = new ProjectService(this, ${tsString(args.resourceName.replace(/_/g, "-"))}, {`,
      `  project: ${project.ts},`,
      `  service: ${tsString(args.api)},`,
      `  disableOnDestroy: false,`,
      `});`,
      `// and make the cluster wait for it: dependsOn: [${variable}]`,
    ].join("\n"),
    hcl: [
      `resource "google_project_service" ${hclString(args.resourceName)} {`,
      `  project            = ${project.hcl}`,
      `  service            = ${hclString(args.api)}`,
      `  disable_on_destroy = false`,
      `}`,
      `# and in the cluster: depends_on = [${reference}]`,
    ].join("\n"),
  };
}

/** For resources that must not be there (or must change): text-only fixes. */
export function textRemediation(summary: string, gcloud: string[], cdktf: string, hcl: string): Remediation {
  return { summary, gcloud, cdktf, hcl };
}

/** Nodes on a dedicated account: create it, grant the minimum role, name it in node_config. */
export function dedicatedNodeAccountRemediation(args: { summary: string; project: string | undefined; role: string; nodeResource: Resource; where: string }): Remediation {
  const project = projectText(args.project);
  const field = args.where.replace(/\[\*\]/g, "[0]");
  const tsField = field
    .split(".")
    .map((part) => part.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()).replace(/\[\d+\]/, ""))
    .join(": { ");
  const depth = field.split(".").length - 1;
  return {
    summary: args.summary,
    gcloud: [
      sh`gcloud iam service-accounts create gke-nodes --project=${project.shell} --display-name="GKE nodes"`,
      sh`gcloud projects add-iam-policy-binding ${project.shell} --member="serviceAccount:gke-nodes@${project.shell}.iam.gserviceaccount.com" --role="${args.role}" --condition=None`,
      sh`# or, to keep the default account: grant ${args.role} to ${COMPUTE_DEFAULT_ACCOUNT_PLACEHOLDER} the same way`,
    ],
    cdktf: [
      `import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";`,
      `import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";`,
      "",
      `const nodesSa = new ServiceAccount(this, "gke-nodes", { project: ${project.ts}, accountId: "gke-nodes", displayName: "GKE nodes" });`,
      `const nodesRole = new ProjectIamMember(this, "gke-nodes-default-node-sa", {`,
      `  project: ${project.ts},`,
      `  role: ${tsString(args.role)},`,
      "  member: `serviceAccount:${nodesSa.email}`,",
      `});`,
      `// in ${commentText(args.nodeResource.address)}: ${commentText(tsField)}: nodesSa.email${" }".repeat(depth)}, dependsOn: [nodesRole]`,
    ].join("\n"),
    hcl: [
      `resource "google_service_account" "gke_nodes" {`,
      `  project      = ${project.hcl}`,
      `  account_id   = "gke-nodes"`,
      `  display_name = "GKE nodes"`,
      `}`,
      "",
      `resource "google_project_iam_member" "gke_nodes_default_node_sa" {`,
      `  project = ${project.hcl}`,
      `  role    = ${hclString(args.role)}`,
      `  member  = "serviceAccount:\${google_service_account.gke_nodes.email}"`,
      `}`,
      `# in ${commentText(args.nodeResource.address)}: ${commentText(field)} = google_service_account.gke_nodes.email`,
      `# and depends_on = [google_project_iam_member.gke_nodes_default_node_sa]`,
    ].join("\n"),
  };
}

/** Make a resource wait for others (Terraform orders creation by depends_on and references). */
export function dependsOnRemediation(args: { summary: string; resource: Resource; waitFor: Resource[]; gcloud?: string[] }): Remediation {
  const tsList = args.waitFor.map((r) => constructVariable(r)).join(", ");
  const hclList = args.waitFor.map((r) => hclReferenceOrComment(withoutInstanceKey(r.address))).join(", ");
  return {
    summary: args.summary,
    gcloud: args.gcloud ?? [],
    cdktf: `// on ${commentText(args.resource.constructPath ?? args.resource.address)}:\n${constructVariable(args.resource)}.dependsOn = [${tsList}];\n// or pass dependsOn: [${tsList}] in its config`,
    hcl: `# in ${commentText(args.resource.address)}:\ndepends_on = [${hclList}]`,
  };
}

/** A crafted address that is no Terraform reference is named in a comment instead. */
function hclReferenceOrComment(address: string): string {
  return hclReference(address) ?? `/* ${commentText(address)} is not a Terraform reference */`;
}

/** roles/iam.serviceAccountUser on one account for whoever runs the apply. */
export function serviceAccountUserRemediation(args: { summary: string; account: Identity; project: string | undefined; deployer?: string; name?: string }): Remediation {
  // Construct id and Terraform name; a second account in the same fix needs names of its own.
  const name = args.name ?? "nodes";
  const deployer = args.deployer ?? "user:DEPLOYER_EMAIL";
  const numbered = !args.account.email && args.account.kind === "compute-default";
  const email = args.account.email ?? (numbered ? COMPUTE_DEFAULT_ACCOUNT_PLACEHOLDER : "SERVICE_ACCOUNT_EMAIL");
  const project = projectText(args.project);
  const sa = args.account.createdBy;
  const accountName = `projects/${project.shell}/serviceAccounts/${email}`;
  const saReference = sa && hclReference(sa.address);
  const tsAccount = sa ? `${constructVariable(sa)}.name` : tsString(accountName);
  const hclAccount = saReference ? `${saReference}.name` : hclString(accountName);
  return {
    summary: args.summary,
    gcloud: [
      ...(numbered && args.project ? [sh`PROJECT_NUMBER=$(gcloud projects describe ${args.project} --format='value(projectNumber)')`] : []),
      sh`gcloud iam service-accounts add-iam-policy-binding ${numbered ? shellCode("${PROJECT_NUMBER}-compute@developer.gserviceaccount.com") : email} --project=${project.shell} --member="${deployer}" --role="roles/iam.serviceAccountUser"`,
    ],
    cdktf: [
      `import { ServiceAccountIamMember } from "@cdktf/provider-google/lib/service-account-iam-member";`,
      "",
      `new ServiceAccountIamMember(this, "deployer-act-as-${name}", {`,
      `  serviceAccountId: ${tsAccount},`,
      `  role: "roles/iam.serviceAccountUser",`,
      `  member: ${tsString(deployer)},`,
      `});`,
      `// (a stack cannot grant its own deployer what it needs to run: apply this from an admin stack, or use gcloud)`,
    ].join("\n"),
    hcl: [
      `resource "google_service_account_iam_member" "deployer_act_as_${name.replace(/-/g, "_")}" {`,
      `  service_account_id = ${hclAccount}`,
      `  role               = "roles/iam.serviceAccountUser"`,
      `  member             = ${hclString(deployer)}`,
      `}`,
    ].join("\n"),
  };
}

/** `policies/…/denypolicies/ID` → `ID`. */
export function denyPolicyId(name: string): string {
  return name.slice(name.lastIndexOf("/") + 1);
}

/**
 * The fix for an IAM deny rule that takes permissions from a service account: make the account
 * an exception principal of the rule (or stop denying the permissions). Granting more roles does
 * nothing against a deny rule. `who` names the account in the summary, `short` in the edit step,
 * `what` the permissions in question.
 */
export function denyExceptionRemediation(args: { email: string; who: string; short: string; what: string; attachedTo: string; policy: string }): Remediation {
  const principal = `principal://iam.googleapis.com/projects/-/serviceAccounts/${args.email}`;
  const attachment = `cloudresourcemanager.googleapis.com/${args.attachedTo}`;
  const id = denyPolicyId(args.policy);
  return {
    summary: `In the deny rule that matches, add ${args.who} to exceptionPrincipals (${principal}), or remove ${args.what} from its deniedPermissions.`,
    gcloud: [
      sh`gcloud iam policies list --attachment-point=${attachment} --kind=denypolicies`,
      sh`gcloud iam policies get ${id} --attachment-point=${attachment} --kind=denypolicies --format=json > policy.json`,
      sh`# edit policy.json: add ${args.short} to exceptionPrincipals in the rule, then:`,
      sh`gcloud iam policies update ${id} --attachment-point=${attachment} --kind=denypolicies --policy-file=policy.json`,
    ],
    cdktf: [
      `// In the IamDenyPolicy (@cdktf/provider-google/lib/iam-deny-policy) that holds the rule:`,
      `denyRule: {`,
      `  deniedPrincipals: [/* as before */],`,
      `  exceptionPrincipals: [${tsString(principal)}],`,
      `  deniedPermissions: [/* as before */],`,
      `},`,
    ].join("\n"),
    hcl: [
      `# In the google_iam_deny_policy that holds the rule:`,
      `deny_rule {`,
      `  denied_principals    = [ /* as before */ ]`,
      `  exception_principals = [${hclString(principal)}]`,
      `  denied_permissions   = [ /* as before */ ]`,
      `}`,
    ].join("\n"),
  };
}

/** Two fixes that are both needed, one after the other. */
export function bothRemediations(first: Remediation, second: Remediation): Remediation {
  return {
    summary: `${first.summary} ${second.summary}`,
    gcloud: [...first.gcloud, ...second.gcloud],
    cdktf: `${first.cdktf}\n\n${second.cdktf}`,
    hcl: `${first.hcl}\n\n${second.hcl}`,
  };
}

/**
 * The fix's CDK code for the app's framework. A cdktf app imports the prebuilt `@cdktf/provider-*`
 * packages. cdktn has no prebuilt Google provider on npm (there are `@cdktn/provider-aws`, `-azurerm`
 * and `-random`; `@cdktn/provider-google` does not exist, 2026-12-01), so a cdktn app imports the
 * bindings `cdktn get` generates from cdktf.json's terraformProviders into `.gen/providers/NAME/`,
 * and the core classes from `cdktn`.
 */
export function remediationFor(remediation: Remediation, framework: CdkFramework | undefined): Remediation {
  if (framework !== "cdktn" || !remediation.cdktf) return remediation;
  const cdktf = remediation.cdktf
    .replace(/from "@cdktf\/provider-([a-z0-9-]+)\/lib\/([a-z0-9-]+)"/g, 'from "./.gen/providers/$1/$2"')
    .replace(/from "cdktf"/g, 'from "cdktn"');
  if (cdktf === remediation.cdktf) return remediation;
  const generated = cdktf.includes('from "./.gen/providers/') ? "// provider bindings from `cdktn get` (cdktf.json terraformProviders); the path is from the project root\n" : "";
  return { ...remediation, cdktf: generated + cdktf };
}
