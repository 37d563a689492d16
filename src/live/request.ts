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

/**
 * The union of what the fact base and the rules need, as the sorted request the reader takes. Any
 * field of the request merges the same way (a list: the union; per key: the union of each key's
 * lists), so a new kind of read is a field of `LiveRequest` and nothing here. The fields every
 * request has are always written; the others only when something asks for them.
 */
class Needs {
  private readonly lists = new Map<string, Set<string>>();
  private readonly perKey = new Map<string, Map<string, Set<string>>>();

  add(needs: LiveNeeds): void {
    for (const [field, value] of Object.entries(needs) as Array<[string, readonly string[] | Record<string, readonly string[]> | undefined]>) {
      if (value === undefined) continue;
      if (Array.isArray(value)) addAll(getOrAdd(this.lists, field, () => new Set<string>()), value);
      else for (const [key, list] of Object.entries(value)) addAll(getOrAdd(getOrAdd(this.perKey, field, () => new Map<string, Set<string>>()), key, () => new Set<string>()), list);
    }
  }

  request(): LiveRequest {
    const list = (field: string) => [...(this.lists.get(field) ?? [])].sort();
    const lists = (field: string) => sortedLists(this.perKey.get(field) ?? new Map());
    const request: LiveRequest = {
      projects: list("projects"),
      serviceAccounts: list("serviceAccounts"),
      roles: list("roles"),
      callerPermissions: lists("callerPermissions"),
      actAsChecks: list("actAsChecks"),
      defaultServiceAccountProjects: list("defaultServiceAccountProjects"),
      // Grants to the accounts read, made outside the configuration, count too.
      rolesHeldBy: list("serviceAccounts").map((email) => `serviceAccount:${email}`),
    };
    const written = new Set(Object.keys(request));
    const extra = request as unknown as Record<string, unknown>;
    for (const [field, set] of this.lists) if (!written.has(field) && set.size > 0) extra[field] = list(field);
    for (const [field, map] of this.perKey) if (!written.has(field) && map.size > 0) extra[field] = lists(field);
    return request;
  }
}

function getOrAdd<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = make()));
  return value;
}

function addAll(set: Set<string>, values: readonly string[]): void {
  for (const value of values) set.add(value);
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
