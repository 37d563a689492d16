import { sh } from "../text/shell";
import type { Remediation } from "./types";
import type { Resource } from "../model/types";
import type { GoogleIdentityKind } from "../knowledge/service-agents";
import { agentEmailWith } from "../knowledge/preconditions";
import { constructVariable } from "./remediation";
import { withoutInstanceKey } from "../model/addresses";

/**
 * Fixes that grant roles to a Google-managed agent of one project on resources that may be in
 * another (a Shared VPC host project or subnetwork, a KMS key). The agent's email needs the
 * project's number: when it is not known, the gcloud lines look it up and the code reads it from a
 * google_project data source. Every input value is quoted for the dialect it lands in.
 */
export type GrantPlace =
  | { kind: "project"; project: string }
  | { kind: "subnetwork"; project: string; region: string; name: string }
  | { kind: "crypto-key"; path?: string; resource?: Resource };

export interface AgentGrant {
  agent: GoogleIdentityKind;
  role: string;
  on: GrantPlace;
  /** Terraform name of the grant resource to add. */
  name: string;
}

/** A Terraform string literal: JSON quoting plus HCL's own template markers. */
export function hclString(value: string): string {
  // (In a replacement string `$$` is one `$`.)
  return JSON.stringify(value).replace(/\$\{/g, "$$$${").replace(/%\{/g, "%%{");
}

const NUMBER_SENTINEL = "__PROJECT_NUMBER__";

export function agentGrantsRemediation(args: { summary: string; agentProject: string | undefined; agentNumber: string | undefined; grants: AgentGrant[]; waiting: Resource }): Remediation {
  const { agentProject, agentNumber } = args;
  const gcloud: string[] = [];
  if (!agentNumber) gcloud.push(sh`PROJECT_NUMBER=$(gcloud projects describe ${agentProject ?? "PROJECT_ID"} --format='value(projectNumber)')`);
  const shellMember = (kind: GoogleIdentityKind) => `serviceAccount:${agentEmailWith(kind, agentNumber ?? NUMBER_SENTINEL)}`;
  for (const g of args.grants) {
    const member = shellMember(g.agent);
    const line =
      g.on.kind === "project" ? sh`gcloud projects add-iam-policy-binding ${g.on.project} --member="${member}" --role="${g.role}" --condition=None`
      : g.on.kind === "subnetwork" ? sh`gcloud compute networks subnets add-iam-policy-binding ${g.on.name} --region=${g.on.region} --project=${g.on.project} --member="${member}" --role="${g.role}" --condition=None`
      : g.on.path ? sh`gcloud kms keys add-iam-policy-binding ${g.on.path} --member="${member}" --role="${g.role}"`
      : sh`gcloud kms keys add-iam-policy-binding KEY --keyring=KEY_RING --location=LOCATION --project=KEY_PROJECT --member="${member}" --role="${g.role}"`;
    gcloud.push(line.replace(NUMBER_SENTINEL, "${PROJECT_NUMBER}"));
  }
  const tsMember = (kind: GoogleIdentityKind) => (agentNumber ? JSON.stringify(`serviceAccount:${agentEmailWith(kind, agentNumber)}`) : "`serviceAccount:" + agentEmailWith(kind, "${agentProject.number}") + "`");
  const hclMember = (kind: GoogleIdentityKind) => (agentNumber ? hclString(`serviceAccount:${agentEmailWith(kind, agentNumber)}`) : `"serviceAccount:${agentEmailWith(kind, "${data.google_project.agent_project.number}")}"`);
  const kinds = new Set(args.grants.map((g) => g.on.kind));
  const imports = [
    ...(agentNumber ? [] : [`import { DataGoogleProject } from "@cdktf/provider-google/lib/data-google-project";`]),
    ...(kinds.has("project") ? [`import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";`] : []),
    ...(kinds.has("subnetwork") ? [`import { ComputeSubnetworkIamMember } from "@cdktf/provider-google/lib/compute-subnetwork-iam-member";`] : []),
    ...(kinds.has("crypto-key") ? [`import { KmsCryptoKeyIamMember } from "@cdktf/provider-google/lib/kms-crypto-key-iam-member";`] : []),
  ];
  const ts: string[] = [...imports, ""];
  const hcl: string[] = [];
  if (!agentNumber) {
    ts.push(`const agentProject = new DataGoogleProject(this, "agent-project", { projectId: ${JSON.stringify(agentProject ?? "PROJECT_ID")} });`);
    hcl.push(`data "google_project" "agent_project" {`, `  project_id = ${hclString(agentProject ?? "PROJECT_ID")}`, `}`, "");
  }
  const variables: string[] = [];
  for (const g of args.grants) {
    const variable = g.name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    variables.push(variable);
    const id = JSON.stringify(g.name.replace(/_/g, "-"));
    const on = g.on;
    const fields: Array<[ts: string, hcl: string, tsValue: string, hclValue: string]> =
      on.kind === "project" ? [["project", "project", JSON.stringify(on.project), hclString(on.project)]]
      : on.kind === "subnetwork" ? [["project", "project", JSON.stringify(on.project), hclString(on.project)], ["region", "region", JSON.stringify(on.region), hclString(on.region)], ["subnetwork", "subnetwork", JSON.stringify(on.name), hclString(on.name)]]
      : [["cryptoKeyId", "crypto_key_id", ...keyReference(on)]];
    fields.push(["role", "role", JSON.stringify(g.role), hclString(g.role)], ["member", "member", tsMember(g.agent), hclMember(g.agent)]);
    const width = Math.max(...fields.map((f) => f[1].length));
    ts.push(`const ${variable} = new ${CONSTRUCT[on.kind]}(this, ${id}, {`, ...fields.map(([key, , value]) => `  ${key}: ${value},`), `});`);
    hcl.push(`resource "${resourceType(on)}" "${g.name}" {`, ...fields.map(([, key, , value]) => `  ${key.padEnd(width)} = ${value}`), `}`, "");
  }
  ts.push(`// and make ${args.waiting.constructPath ?? args.waiting.address} wait for them: dependsOn: [${variables.join(", ")}]`);
  hcl.push(`# and in ${args.waiting.address}: depends_on = [${args.grants.map((g) => `${resourceType(g.on)}.${g.name}`).join(", ")}]`);
  return { summary: args.summary, gcloud, cdktf: ts.join("\n"), hcl: hcl.join("\n") };
}

const CONSTRUCT = { project: "ProjectIamMember", subnetwork: "ComputeSubnetworkIamMember", "crypto-key": "KmsCryptoKeyIamMember" } as const;
const PLACEHOLDER_KEY = "projects/KEY_PROJECT/locations/LOCATION/keyRings/KEY_RING/cryptoKeys/KEY";

/** The key as the user's own construct (`key.id`) when the configuration manages it, else its path. */
function keyReference(on: Extract<GrantPlace, { kind: "crypto-key" }>): [string, string] {
  if (on.resource?.mode === "managed") return [`${constructVariable(on.resource)}.id`, `${withoutInstanceKey(on.resource.address)}.id`];
  return [JSON.stringify(on.path ?? PLACEHOLDER_KEY), hclString(on.path ?? PLACEHOLDER_KEY)];
}

function resourceType(on: GrantPlace): string {
  return on.kind === "project" ? "google_project_iam_member" : on.kind === "subnetwork" ? "google_compute_subnetwork_iam_member" : "google_kms_crypto_key_iam_member";
}
