import type { Model, Resource, Value } from "../model/types";
import { isUnknown } from "../model/unknown";
import { attribute, booleanAttribute } from "../model/access";
import type { ProjectCatalog, ProjectResolution } from "./iam/projects";
import type { GkeFacts } from "./gke/node-identities";
import { isCreated } from "../model/change";
import { WORKLOAD_IDENTITY } from "../knowledge/preconditions";
import { isSet, referencedResource } from "./targets";
import { projectsCreatedByThisApply } from "./projects-created";

/** A cluster with Workload Identity: the pool it names, and whose pool that is. */
export interface WorkloadPoolUse {
  cluster: Resource;
  project: ProjectResolution;
  /** `workload_identity_config.workload_pool` as written; undefined for Autopilot, which always uses its project's pool. */
  pool?: string;
  /** The project whose pool it is (from the pool name, or the cluster's own for Autopilot and computed pools). */
  poolProject?: string;
  autopilot: boolean;
}

/** An IAM grant whose member is a Kubernetes service account of a project's pool. */
export interface WorkloadIdentityGrant {
  resource: Resource;
  /** The member as shown to people. */
  member: string;
  poolProject: { key: string } | { key?: undefined; reason: string };
}

export interface WorkloadIdentityFacts {
  clusters: WorkloadPoolUse[];
  grants: WorkloadIdentityGrant[];
  /** Project ids a google_project of this configuration creates in this apply. */
  projectsCreated: ReadonlySet<string>;
}

const MEMBER = /^serviceAccount:([^[\]\s]+)\.svc\.id\.goog\[([^\]]*)\]$/i;
const TEMPLATE_MEMBER = /^serviceAccount:(.*)\[([^\]]*)\]$/i;

function poolProjectOfName(pool: string, catalog: ProjectCatalog): string | undefined {
  return pool.endsWith(WORKLOAD_IDENTITY.poolSuffix) ? catalog.canonical(pool.slice(0, -WORKLOAD_IDENTITY.poolSuffix.length)) : undefined;
}

function clusterPool(cluster: Resource, project: ProjectResolution, catalog: ProjectCatalog): WorkloadPoolUse | undefined {
  const autopilot = booleanAttribute(cluster.values, "enable_autopilot") === true;
  const pool = attribute(cluster.values, "workload_identity_config", "workload_pool");
  if (typeof pool === "string" && pool) return { cluster, project, pool, poolProject: poolProjectOfName(pool, catalog), autopilot };
  if (isUnknown(pool) && isSet(pool)) return { cluster, project, ...(project.key && { poolProject: project.key }), autopilot };
  return autopilot ? { cluster, project, ...(project.key && { poolProject: project.key }), autopilot } : undefined;
}

/** Whose pool a member such as `serviceAccount:p.svc.id.goog[ns/ksa]` belongs to; undefined when it is not such a member. */
function memberPool(member: Value | undefined, model: Model, catalog: ProjectCatalog): WorkloadIdentityGrant["poolProject"] & { shown: string } | undefined {
  if (typeof member === "string") {
    const m = MEMBER.exec(member);
    return m ? { key: catalog.canonical(m[1]), shown: member } : undefined;
  }
  if (!isUnknown(member)) return undefined;
  // A Kubernetes service account member: a template around `.svc.id.goog[` or a cluster's
  // workload_pool, or (in a plan, without a template) one built from a cluster's workload_pool.
  const template = member.template;
  const looksLikeOne = template ? TEMPLATE_MEMBER.test(template) && /svc\.id\.goog\[|workload_pool\}\[/.test(template) : member.references.some((r) => r.includes("workload_pool"));
  if (!looksLikeOne) return undefined;
  const shown = template ?? "(known after apply)";
  for (const reference of member.references) {
    const resource = referencedResource(reference, model);
    if (resource?.type === "google_container_cluster") {
      const project = catalog.projectOf(resource);
      return project.key !== undefined ? { key: project.key, shown } : { reason: project.reason, shown };
    }
    const project = catalog.projectOfReference(reference);
    if (project?.key) return { key: project.key, shown };
  }
  return { reason: `the member is \`${shown}\`, whose project is only known after apply`, shown };
}

export function workloadIdentityFacts(model: Model, catalog: ProjectCatalog, gke: GkeFacts): WorkloadIdentityFacts {
  const clusters = gke.clusters.flatMap(({ resource, project }) => clusterPool(resource, project, catalog) ?? []);
  const grants: WorkloadIdentityGrant[] = [];
  for (const r of model.resources) {
    if (r.mode !== "managed" || !isCreated(r)) continue;
    const members = r.type.endsWith("_iam_member") ? [r.values.member] : r.type.endsWith("_iam_binding") ? (Array.isArray(r.values.members) ? r.values.members : []) : [];
    for (const member of members) {
      const found = memberPool(member, model, catalog);
      if (!found) continue;
      const { shown, ...poolProject } = found;
      grants.push({ resource: r, member: shown, poolProject: poolProject as WorkloadIdentityGrant["poolProject"] });
    }
  }
  return { clusters, grants, projectsCreated: projectsCreatedByThisApply(model) };
}
