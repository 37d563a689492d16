import type { Model, Resource } from "../model/types";
import type { Rule, RuleContext } from "../rules/types";
import type { LiveNeeds } from "../facts/live-request";
import { existingProject } from "../facts/live-request";
import { ruleContext } from "../engine/context";
import { rulesLiveNeeds } from "../engine/live-needs";
import type { LiveRequest } from "./request-types";
import { byCodeUnits } from "../model/order";
import { PROJECT_GRANT_TYPES, PROJECT_IAM } from "../knowledge/iam-resources";

export type { LiveRequest, LiveOptions } from "./request-types";

/**
 * What `--live` should read to decide the checks on these models: what the fact base reads for
 * every rule (the projects the input names, the roles it grants) and what each rule asks for in
 * its `liveNeeds`. Pure: the models in, plain data out. Things the apply creates (projects,
 * service accounts, custom roles) are not read: they do not exist yet, and the configuration
 * already says what they will be. `rules`: every rule by default (the read does not depend on
 * which rules a run reports).
 */
export function liveRequestFor(models: readonly Model[], rules?: readonly Rule[]): LiveRequest {
  const wanted = new Needs();
  for (const model of models) {
    const ctx = ruleContext(model);
    wanted.add(factBaseNeeds(ctx));
    for (const needs of rulesLiveNeeds(ctx, rules)) wanted.add(needs);
  }
  return wanted.request();
}

/**
 * The projects whose IAM policy, ancestry, deny policies and services the fact base reads (those of
 * the clusters, node pools, project grants and services), and the roles granted in the input, whose
 * permissions the IAM index weighs.
 */
function factBaseNeeds(ctx: RuleContext): LiveNeeds {
  const { model, iam, gke } = ctx;
  const projects: string[] = [];
  const named = (resolution: { key?: string; createdHere?: boolean }) => {
    const project = existingProject(resolution);
    if (project) projects.push(project);
  };
  for (const cluster of gke.clusters) named(cluster.project);
  for (const pool of gke.nodePools) named(pool.project);
  for (const resource of resourcesOf(model, [...PROJECT_GRANT_TYPES, "google_project_service"])) named(iam.catalog.projectOf(resource));
  const definedHere = customRolesDefinedIn(ctx);
  const grantedRoles = [...iam.grants.map((grant) => grant.role), ...iam.authoritative.map((set) => set.role)];
  const roles = grantedRoles.filter((role): role is string => typeof role === "string" && isRoleName(role) && !definedHere.has(role));
  return { projects, roles };
}

/** The union of what the fact base and the rules need, as the sorted request the reader takes. */
class Needs {
  private readonly lists = {
    projects: new Set<string>(),
    serviceAccounts: new Set<string>(),
    roles: new Set<string>(),
    actAsChecks: new Set<string>(),
    defaultServiceAccountProjects: new Set<string>(),
    artifactRepositories: new Set<string>(),
  };
  private readonly callerPermissions = new Map<string, Set<string>>();
  private readonly resourceCallerPermissions = new Map<string, Set<string>>();

  add(needs: LiveNeeds): void {
    for (const name of Object.keys(this.lists) as Array<keyof Needs["lists"]>) for (const value of needs[name] ?? []) this.lists[name].add(value);
    addPermissions(this.callerPermissions, needs.callerPermissions);
    addPermissions(this.resourceCallerPermissions, needs.resourceCallerPermissions);
  }

  request(): LiveRequest {
    const sorted = (set: Set<string>) => [...set].sort();
    const { projects, serviceAccounts, roles, actAsChecks, defaultServiceAccountProjects, artifactRepositories } = this.lists;
    return {
      projects: sorted(projects),
      serviceAccounts: sorted(serviceAccounts),
      roles: sorted(roles),
      callerPermissions: sortedLists(this.callerPermissions),
      actAsChecks: sorted(actAsChecks),
      defaultServiceAccountProjects: sorted(defaultServiceAccountProjects),
      // Grants to the accounts read, made outside the configuration, count too.
      rolesHeldBy: sorted(serviceAccounts).map((email) => `serviceAccount:${email}`),
      ...(artifactRepositories.size > 0 && { artifactRepositories: sorted(artifactRepositories) }),
      ...(this.resourceCallerPermissions.size > 0 && { resourceCallerPermissions: sortedLists(this.resourceCallerPermissions) }),
    };
  }
}

function addPermissions(map: Map<string, Set<string>>, needs: Record<string, string[]> | undefined): void {
  for (const [key, permissions] of Object.entries(needs ?? {})) {
    const set = map.get(key) ?? new Set<string>();
    for (const permission of permissions) set.add(permission);
    map.set(key, set);
  }
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
function customRolesDefinedIn({ model, iam }: RuleContext): Set<string> {
  const names = new Set<string>();
  for (const resource of model.byType.get(PROJECT_IAM.customRole) ?? []) {
    const project = iam.catalog.projectOf(resource).key;
    if (typeof resource.values.role_id === "string" && project) names.add(`projects/${project}/roles/${resource.values.role_id}`);
  }
  return names;
}
