import type { Model, Resource } from "../model/types";
import { IamIndex } from "../facts/iam/index-grants";
import { gkeFacts } from "../facts/gke/node-identities";
import { deployerRequirements } from "../rules/gke009-deployer-act-as";
import { existingRepositoryName } from "../facts/gke/registries";
import type { LiveRequest } from "./request-types";
import { byCodeUnits } from "../model/order";
import { DEFAULT_NODE_SA_ROLE, GKE_SERVICE_AGENT_ROLE } from "../knowledge/roles";
import { PROJECT_GRANT_TYPES, PROJECT_IAM } from "../knowledge/iam-resources";

export type { LiveRequest, LiveOptions } from "./request-types";

/** Roles every GKE check needs, read live to refresh the bundled table. */
const GKE_ROLES = [DEFAULT_NODE_SA_ROLE, GKE_SERVICE_AGENT_ROLE];

const PROJECT_GRANTS = PROJECT_GRANT_TYPES;
const ACT_AS = "iam.serviceAccounts.actAs";

/**
 * What `--live` should read to decide the checks on these models. Pure: the models in, plain
 * data out. Things the apply creates (projects, service accounts, custom roles) are not read:
 * they do not exist yet, and the configuration already says what they will be.
 */
export function liveRequestFor(models: readonly Model[]): LiveRequest {
  const projects = new Set<string>();
  const serviceAccounts = new Set<string>();
  const actAs = new Set<string>();
  const defaultAccountProjects = new Set<string>();
  const roles = new Set<string>(GKE_ROLES);
  const repositories = new Set<string>();
  const callerPermissions = new Map<string, Set<string>>();
  const hierarchyPermissions = new Map<string, Set<string>>();
  const add = (map: Map<string, Set<string>>, key: string, permission: string) => {
    const set = map.get(key) ?? new Set<string>();
    set.add(permission);
    map.set(key, set);
  };
  const needs = (project: string, permission: string) => add(callerPermissions, project, permission);

  for (const model of models) {
    const iam = new IamIndex(model);
    const gke = gkeFacts(model, iam);
    const existing = (resolution: { key?: string; createdHere?: boolean }) => (resolution.key && !resolution.createdHere ? resolution.key : undefined);

    for (const cluster of gke.clusters) {
      const project = existing(cluster.project);
      if (project) projects.add(project);
    }
    for (const pool of gke.nodePools) {
      const project = existing(pool.project);
      if (project) projects.add(project);
    }
    // Node accounts: whether they exist and are enabled (wherever they are used).
    for (const use of gke.nodeIdentities) {
      const { identity } = use;
      if (identity.kind === "service-account" && identity.email && !identity.createdBy) serviceAccounts.add(identity.email);
      else if (identity.kind === "compute-default") {
        const project = existing(use.project);
        if (project) defaultAccountProjects.add(project);
      }
    }
    for (const resource of resourcesOf(model, [...PROJECT_GRANTS, "google_project_service"])) {
      const project = existing(iam.catalog.projectOf(resource));
      if (project) projects.add(project);
    }
    // The deployer's permissions: exactly what the deployer rule will check.
    for (const requirement of deployerRequirements({ model, iam, gke })) {
      const project = requirement.project && !iam.catalog.isCreatedHere(requirement.project) ? requirement.project : undefined;
      if (requirement.scope === "project") {
        if (project) needs(project, requirement.permission);
        continue;
      }
      if (requirement.scope === "folder" || requirement.scope === "organization") {
        // Only folders and organisations named by id exist to be asked; one created here does not yet.
        if (requirement.node && /^(folders|organizations)\/\d+$/.test(requirement.node)) add(hierarchyPermissions, requirement.node, requirement.permission);
        continue;
      }
      const account = requirement.account;
      if (account?.kind === "service-account" && account.email && !account.createdBy) {
        serviceAccounts.add(account.email);
        actAs.add(account.email);
      } else if (account?.kind === "compute-default" && project) {
        defaultAccountProjects.add(project); // its email needs the live project number; actAs is tested on it
      }
      // A project-wide actAs grant covers every account, including ones this apply creates.
      if (project) needs(project, ACT_AS);
    }
    // Registries that may exist already: their own IAM policy may let the node accounts pull (GKE011).
    if (gke.nodeIdentities.length > 0) {
      for (const repo of model.byType.get("google_artifact_registry_repository") ?? []) {
        if (repo.mode !== "managed" || repo.change === "delete") continue;
        // A registry in another project: that project's policy may grant the pull.
        const project = existing(iam.catalog.projectOf(repo));
        if (project) projects.add(project);
        const name = existingRepositoryName(repo, iam.catalog);
        if (name) repositories.add(name);
      }
    }
    const definedHere = customRolesDefinedIn(model, iam);
    const grantedRoles = [...iam.grants.map((grant) => grant.role), ...iam.authoritative.map((set) => set.role)];
    for (const role of grantedRoles) {
      if (typeof role === "string" && isRoleName(role) && !definedHere.has(role)) roles.add(role);
    }
  }

  return {
    projects: [...projects].sort(),
    serviceAccounts: [...serviceAccounts].sort(),
    roles: [...roles].sort(),
    callerPermissions: sortedLists(callerPermissions),
    actAsChecks: [...actAs].sort(),
    defaultServiceAccountProjects: [...defaultAccountProjects].sort(),
    rolesHeldBy: [...serviceAccounts].sort().map((email) => `serviceAccount:${email}`),
    ...(repositories.size > 0 && { artifactRepositories: [...repositories].sort() }),
    ...(hierarchyPermissions.size > 0 && { resourceCallerPermissions: sortedLists(hierarchyPermissions) }),
  };
}

function sortedLists(map: Map<string, Set<string>>): Record<string, string[]> {
  return Object.fromEntries([...map].sort(([a], [b]) => byCodeUnits(a, b)).map(([key, set]) => [key, [...set].sort()]));
}

function resourcesOf(model: Model, types: readonly string[]): Resource[] {
  return types.flatMap((type) => model.byType.get(type) ?? []).filter((resource) => resource.mode === "managed" && resource.change !== "delete");
}

function isRoleName(role: string): boolean {
  return /^(roles\/[\w.]+|(projects|organizations)\/[^/]+\/roles\/[\w.]+)$/.test(role);
}

/** Custom roles the configuration creates or changes: the live copy would be stale or absent. */
function customRolesDefinedIn(model: Model, iam: IamIndex): Set<string> {
  const names = new Set<string>();
  for (const resource of model.byType.get(PROJECT_IAM.customRole) ?? []) {
    const project = iam.catalog.projectOf(resource).key;
    if (typeof resource.values.role_id === "string" && project) names.add(`projects/${project}/roles/${resource.values.role_id}`);
  }
  return names;
}
