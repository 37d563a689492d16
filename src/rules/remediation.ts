import type { Resource } from "../model/types";
import type { Identity } from "../iam/identity";
import type { Remediation } from "./types";

/**
 * Builds fixes in three dialects (gcloud, CDKTF TypeScript, HCL) from what the engine knows,
 * using the user's own references (the construct that creates the account) where it can.
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
  return { shell: project, ts: JSON.stringify(project), hcl: JSON.stringify(project) };
}

/** A member as shell text, TypeScript template and HCL string. */
export function memberText(identity: Identity, project: string | undefined, projectNumber: string | undefined): ProjectText {
  const sa = identity.createdBy;
  if (sa && sa.mode === "managed") {
    const variable = constructVariable(sa);
    return {
      shell: `serviceAccount:${identity.email ?? `SERVICE_ACCOUNT_EMAIL`}`,
      ts: "`serviceAccount:${" + variable + ".email}`",
      hcl: `"serviceAccount:\${${sa.address}.email}"`,
    };
  }
  if (identity.kind === "gke-agent" || identity.kind === "compute-default" || identity.kind === "apis-agent") {
    const number = projectNumber ?? "PROJECT_NUMBER";
    const email = identity.email ?? agentTemplate(identity.kind, number);
    const tsEmail = identity.email ?? agentTemplate(identity.kind, "${project.number}");
    const hclEmail = identity.email ?? agentTemplate(identity.kind, "${data.google_project.project.number}");
    return { shell: `serviceAccount:${email}`, ts: "`serviceAccount:" + tsEmail + "`", hcl: `"serviceAccount:${hclEmail}"` };
  }
  const email = identity.email ?? "SERVICE_ACCOUNT_EMAIL";
  void project;
  return { shell: `serviceAccount:${email}`, ts: JSON.stringify(`serviceAccount:${email}`), hcl: JSON.stringify(`serviceAccount:${email}`) };
}

function agentTemplate(kind: "gke-agent" | "compute-default" | "apis-agent", number: string): string {
  switch (kind) {
    case "gke-agent":
      return `service-${number}@container-engine-robot.iam.gserviceaccount.com`;
    case "compute-default":
      return `${number}-compute@developer.gserviceaccount.com`;
    case "apis-agent":
      return `${number}@cloudservices.gserviceaccount.com`;
  }
}

/** `gke/nodes_sa` → `nodesSa`: the variable a CDKTF user most likely holds the construct in. */
export function constructVariable(resource: Resource): string {
  const id = resource.constructPath?.split("/").pop() ?? resource.name;
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
  const gcloud: string[] = [];
  if (member.shell.includes("PROJECT_NUMBER") && args.project) {
    gcloud.push(`PROJECT_NUMBER=$(gcloud projects describe ${args.project} --format='value(projectNumber)')`);
  }
  gcloud.push(
    `gcloud projects add-iam-policy-binding ${project.shell} --member="${member.shell.replace("PROJECT_NUMBER", "${PROJECT_NUMBER}")}" --role="${args.role}" --condition=None`,
  );
  const tsLines = [
    `import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";`,
    ...(usesNumber ? [`import { DataGoogleProject } from "@cdktf/provider-google/lib/data-google-project";`, "", `const project = new DataGoogleProject(this, "project", { projectId: ${project.ts} });`] : [""]),
    `new ProjectIamMember(this, ${JSON.stringify(args.resourceName.replace(/_/g, "-"))}, {`,
    `  project: ${project.ts},`,
    `  role: ${JSON.stringify(args.role)},`,
    `  member: ${member.ts},`,
    `});`,
  ];
  const hclLines = [
    ...(member.hcl.includes("data.google_project.project") ? [`data "google_project" "project" {`, `  project_id = ${project.hcl}`, `}`, ""] : []),
    `resource "google_project_iam_member" ${JSON.stringify(args.resourceName)} {`,
    `  project = ${project.hcl}`,
    `  role    = ${JSON.stringify(args.role)}`,
    `  member  = ${member.hcl}`,
    `}`,
  ];
  return { summary: args.summary, gcloud, cdktf: tsLines.join("\n"), hcl: hclLines.join("\n") };
}

export function enableApiRemediation(args: { summary: string; project: string | undefined; api: string; resourceName: string }): Remediation {
  const project = projectText(args.project);
  return {
    summary: args.summary,
    gcloud: [`gcloud services enable ${args.api} --project=${project.shell}`],
    cdktf: [
      `import { ProjectService } from "@cdktf/provider-google/lib/project-service";`,
      "",
      `const ${args.resourceName.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())} = new ProjectService(this, ${JSON.stringify(args.resourceName.replace(/_/g, "-"))}, {`,
      `  project: ${project.ts},`,
      `  service: ${JSON.stringify(args.api)},`,
      `  disableOnDestroy: false,`,
      `});`,
      `// and make the cluster wait for it: dependsOn: [${args.resourceName.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())}]`,
    ].join("\n"),
    hcl: [
      `resource "google_project_service" ${JSON.stringify(args.resourceName)} {`,
      `  project            = ${project.hcl}`,
      `  service            = ${JSON.stringify(args.api)}`,
      `  disable_on_destroy = false`,
      `}`,
      `# and in the cluster: depends_on = [google_project_service.${args.resourceName}]`,
    ].join("\n"),
  };
}

/** For resources that must not be there (or must change): text-only fixes. */
export function textRemediation(summary: string, gcloud: string[], cdktf: string, hcl: string): Remediation {
  return { summary, gcloud, cdktf, hcl };
}
