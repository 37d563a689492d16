import type { Model, Resource } from "../model/types";
import { CLUSTER, type GkeFacts } from "./gke/node-identities";
import type { IamIndex } from "./iam/index-grants";
import type { Identity } from "./iam/identity";
import { ProjectAncestry } from "./iam/ancestry";
import { PROJECT_SERVICE, disablesOnDestroy } from "./gke/project-services";
import type { KubeProviderUse } from "./kubernetes-providers";
import { isCreated } from "../model/change";
import { PROJECT_GRANT_TYPES, SERVICE_ACCOUNT_GRANT_TYPES } from "../knowledge/iam-resources";

const ACT_AS = "iam.serviceAccounts.actAs";

/** One permission whoever runs the apply needs, where, and which resources need it. */
export interface DeployerRequirement {
  permission: string;
  /** `project` (on `project`), `serviceAccount` (on `account`), or `folder` / `organization` (on `node`). */
  scope: "project" | "serviceAccount" | "folder" | "organization";
  /** Project id (or number); undefined when not known before apply. */
  project?: string;
  /** For actAs: the account. */
  account?: Identity;
  /**
   * For folder / organisation scope: `folders/ID` or `organizations/ID`; `folder-resource:ADDRESS`
   * for a folder this apply creates; undefined when only known after apply.
   */
  node?: string;
  because: string[];
}

/**
 * Folder and organisation IAM resources: Terraform reads the policy and writes it back, which
 * Resource Manager allows with getIamPolicy and setIamPolicy on that folder or organisation
 * (a grant on the project does not reach up).
 */
const HIERARCHY_IAM = [
  { prefix: "google_folder_iam_", scope: "folder" as const, argument: "folder", permissions: ["resourcemanager.folders.getIamPolicy", "resourcemanager.folders.setIamPolicy"] },
  { prefix: "google_organization_iam_", scope: "organization" as const, argument: "org_id", permissions: ["resourcemanager.organizations.getIamPolicy", "resourcemanager.organizations.setIamPolicy"] },
];
const HIERARCHY_IAM_KINDS = new Set(["member", "binding", "policy", "audit_config"]);

const PROJECT_IAM = new Set(PROJECT_GRANT_TYPES);
const SA_IAM = new Set(SERVICE_ACCOUNT_GRANT_TYPES);

/**
 * What the identity running `terraform apply` needs for this plan, computed from the plan alone.
 * GKE009 decides them; --live asks Google about exactly these (testIamPermissions, actAs).
 */
export function deployerRequirements(ctx: RequirementSources, kubernetesProviders: readonly KubeProviderUse[]): DeployerRequirement[] {
  // Built when first needed, and shared: most plans create no project and touch no folder IAM.
  let ancestry: ProjectAncestry | undefined;
  const ancestryOf = () => (ancestry ??= new ProjectAncestry(ctx.model, ctx.iam.catalog));
  return mergeNeeds([
    ...gkeNeeds(ctx),
    ...[...ctx.model.byType].flatMap(([type, list]) => resourceTypeNeeds(ctx, type, list)),
    ...projectCreationNeeds(ctx, ancestryOf),
    ...HIERARCHY_IAM.flatMap((level) => hierarchyIamNeeds(ctx, level, ancestryOf)),
    // A kubernetes/helm provider configured from a cluster reads it with the same credentials.
    ...kubernetesProviders.map((p) => need("container.clusters.get", p.project, p.cluster)),
  ]);
}

type RequirementSources = { model: Model; iam: IamIndex; gke: GkeFacts };

/** One resource's need of one permission, before needs of the same permission in the same place are merged. */
interface Need {
  permission: string;
  project: string | undefined;
  because: Resource;
  account?: Identity;
  hierarchy?: { scope: "folder" | "organization"; node: string | undefined };
}

function need(permission: string, project: string | undefined, because: Resource, account?: Identity, hierarchy?: Need["hierarchy"]): Need {
  return { permission, project, because, ...(account ? { account } : {}), ...(hierarchy ? { hierarchy } : {}) };
}

/** One requirement per permission and place, in the order first needed, with every resource that needs it once. */
function mergeNeeds(needs: readonly Need[]): DeployerRequirement[] {
  const byKey = new Map<string, { requirement: DeployerRequirement; seen: Set<string> }>();
  for (const { permission, project, because, account, hierarchy } of needs) {
    const scope = hierarchy ? hierarchy.scope : account ? "serviceAccount" : "project";
    const key = `${permission}|${hierarchy ? `${hierarchy.scope}:${hierarchy.node ?? "?"}` : account ? account.key ?? account.display : project ?? "?"}`;
    const entry = byKey.get(key);
    if (entry) {
      if (!entry.seen.has(because.address)) {
        entry.seen.add(because.address);
        entry.requirement.because.push(because.address);
      }
    } else byKey.set(key, { requirement: { permission, scope, ...(project ? { project } : {}), ...(account ? { account } : {}), ...(hierarchy?.node ? { node: hierarchy.node } : {}), because: [because.address] }, seen: new Set([because.address]) });
  }
  return [...byKey.values()].map((e) => e.requirement);
}

function changes(r: Resource): boolean {
  return r.mode === "managed" && r.change !== "no-op" && r.change !== "read";
}

function gkeNeeds(ctx: RequirementSources): Need[] {
  const needs: Need[] = [];
  for (const c of ctx.gke.clusters) {
    if (isCreated(c.resource)) needs.push(need("container.clusters.create", c.project.key, c.resource));
    else if (c.resource.change === "update") needs.push(need("container.clusters.update", c.project.key, c.resource));
  }
  for (const r of ctx.model.byType.get(CLUSTER) ?? []) if (r.mode === "managed" && r.change === "delete") needs.push(need("container.clusters.delete", ctx.iam.catalog.projectOf(r).key, r));
  for (const p of ctx.gke.nodePools) if (isCreated(p.resource) || p.resource.change === "update") needs.push(need("container.clusters.update", p.project.key, p.resource));
  // Creating nodes that run as an account is acting as that account.
  for (const use of ctx.gke.nodeIdentities) {
    if (isCreated(use.resource)) needs.push(need(ACT_AS, use.project.key, use.resource, use.identity));
  }
  return needs;
}

/** Project IAM, service account IAM, API enablement and service accounts changed by the plan. */
function resourceTypeNeeds(ctx: RequirementSources, type: string, list: readonly Resource[]): Need[] {
  const projectOf = (r: Resource) => ctx.iam.catalog.projectOf(r).key;
  const changed = list.filter(changes);
  if (PROJECT_IAM.has(type)) {
    return changed.flatMap((r) => {
      const project = projectOf(r);
      return [need("resourcemanager.projects.getIamPolicy", project, r), need("resourcemanager.projects.setIamPolicy", project, r)];
    });
  }
  if (SA_IAM.has(type)) return changed.map((r) => need("iam.serviceAccounts.setIamPolicy", projectOf(r), r));
  if (type === PROJECT_SERVICE) {
    return changed.flatMap((r) => {
      if (r.change !== "delete") return [need("serviceusage.services.enable", projectOf(r), r)];
      return disablesOnDestroy(r, ctx.gke.googleProviderMajors) !== false ? [need("serviceusage.services.disable", projectOf(r), r)] : [];
    });
  }
  if (type === "google_service_account") {
    return changed.flatMap((r) => [
      ...(isCreated(r) ? [need("iam.serviceAccounts.create", projectOf(r), r)] : []),
      ...(r.change === "delete" || r.change === "replace" ? [need("iam.serviceAccounts.delete", projectOf(r), r)] : []),
    ]);
  }
  return [];
}

// A new project is created under its folder or organisation: Resource Manager checks
// resourcemanager.projects.create there. Without a parent the caller's organisation, if any, is used.
function projectCreationNeeds(ctx: RequirementSources, ancestryOf: () => ProjectAncestry): Need[] {
  const needs: Need[] = [];
  for (const r of ctx.model.byType.get("google_project") ?? []) {
    if (r.mode !== "managed" || !isCreated(r)) continue;
    const ancestry = ancestryOf();
    const folder = r.values.folder_id;
    const organization = r.values.org_id;
    if (folder !== undefined && folder !== null && folder !== "") needs.push(need("resourcemanager.projects.create", undefined, r, undefined, { scope: "folder", node: ancestry.node(folder, "folder") }));
    else if (organization !== undefined && organization !== null && organization !== "") needs.push(need("resourcemanager.projects.create", undefined, r, undefined, { scope: "organization", node: ancestry.node(organization, "organization") }));
  }
  return needs;
}

function hierarchyIamNeeds(ctx: RequirementSources, level: (typeof HIERARCHY_IAM)[number], ancestryOf: () => ProjectAncestry): Need[] {
  const needs: Need[] = [];
  for (const [type, list] of ctx.model.byType) {
    if (!type.startsWith(level.prefix) || !HIERARCHY_IAM_KINDS.has(type.slice(level.prefix.length))) continue;
    for (const r of list) {
      if (!changes(r)) continue;
      const node = ancestryOf().node(r.values[level.argument], level.scope);
      for (const permission of level.permissions) needs.push(need(permission, undefined, r, undefined, { scope: level.scope, node }));
    }
  }
  return needs;
}
