import type { Model, Resource, Value } from "../model/types";
import { isUnknown } from "../model/unknown";
import { stringAttribute } from "../model/access";
import type { ProjectCatalog, ProjectResolution } from "./iam/projects";
import type { GkeFacts } from "./gke/node-identities";
import { canonicalPath, isSet, targetOf, type Target } from "./targets";
import { projectsCreatedByThisApply } from "./projects-created";
import { readResourceIam, type ResourceIam } from "./resource-iam";

const SUBNETWORK = "google_compute_subnetwork";
const NETWORK = "google_compute_network";

/** Where one cluster's nodes get their network, and whether that network belongs to another project. */
export interface ClusterNetwork {
  cluster: Resource;
  serviceProject: ProjectResolution;
  /** The project that owns the network: the host project when it is not the cluster's own. */
  host: { key: string } | { key?: undefined; reason: string };
  /** The cluster's subnetwork, when it names one. */
  subnetwork?: Target;
  /** The host project is created by this apply, so nothing outside it can have granted anything on its network yet. */
  hostCreatedByThisApply: boolean;
  /** Region and name of the subnetwork, for fixes. */
  subnetworkRegion?: string;
  subnetworkName?: string;
}

export interface SharedVpcFacts {
  /** Clusters whose network is (or may be) in another project than the cluster's. */
  clusters: ClusterNetwork[];
  subnetworkIam: ResourceIam;
}

/** `europe-west1-b` → `europe-west1`; a region stays as it is. */
export function regionOf(location: string): string {
  return /^[a-z]+-[a-z]+\d+-[a-z]$/.test(location) ? location.slice(0, -2) : location;
}

function providerRegion(resource: Resource, model: Model): string | undefined {
  const region = model.providers.get(resource.providerKey)?.region;
  return typeof region === "string" ? region : undefined;
}

/** `projects/p/regions/r/subnetworks/s` of a google_compute_subnetwork, when its values tell it. */
function subnetworkPath(resource: Resource, model: Model, catalog: ProjectCatalog): string | undefined {
  const link = resource.values.self_link ?? resource.values.id;
  if (typeof link === "string" && link.includes("projects/")) return canonicalPath(link);
  const project = catalog.projectOf(resource).key;
  const region = stringAttribute(resource.values, "region");
  const name = resource.values.name;
  const regionText = typeof region === "string" ? region : isUnknown(region) ? undefined : providerRegion(resource, model);
  return project && regionText && typeof name === "string" ? `projects/${catalog.canonical(project)}/regions/${regionText}/subnetworks/${name}` : undefined;
}

/** A subnetwork written as a path, or as a bare name completed with the resource's project and region. */
function subnetworkLiteral(text: string, resource: Resource, model: Model, catalog: ProjectCatalog, region?: string): string | undefined {
  const path = canonicalPath(text);
  if (path.startsWith("projects/")) {
    const m = /^projects\/([^/]+)\/regions\/([^/]+)\/subnetworks\/([^/]+)$/.exec(path);
    return m ? `projects/${catalog.canonical(m[1])}/regions/${m[2]}/subnetworks/${m[3]}` : undefined;
  }
  const project = catalog.projectOf(resource).key;
  const regionText = region ?? (typeof resource.values.region === "string" ? resource.values.region : providerRegion(resource, model));
  return project && regionText && !path.includes("/") ? `projects/${catalog.canonical(project)}/regions/${regionText}/subnetworks/${path}` : undefined;
}

function projectOfPath(path: string | undefined, catalog: ProjectCatalog): string | undefined {
  const m = path ? /^projects\/([^/]+)\//.exec(path) : null;
  return m ? catalog.canonical(m[1]) : undefined;
}

/** The project a `network` value names: a path's project, a referenced network's project, or the cluster's own for a bare name. */
function networkProject(value: Value | undefined, cluster: Resource, model: Model, catalog: ProjectCatalog): { key?: string; reason?: string } {
  // Unset, or a bare name (a network of the cluster's own project): not another project's network.
  if (!isSet(value) || (typeof value === "string" && !canonicalPath(value).startsWith("projects/"))) return {};
  const target = targetOf(value, [NETWORK], model, (r) => catalog.projectOf(r).key && `projects/${catalog.projectOf(r).key}/global/networks/${String(r.values.name)}`, (text) => {
    const path = canonicalPath(text);
    return path.startsWith("projects/") ? path : `projects/${catalog.projectOf(cluster).key ?? "?"}/global/networks/${path}`;
  });
  if (!target) return {};
  if (target.resource) return { key: catalog.projectOf(target.resource).key, reason: catalog.projectOf(target.resource).key ? undefined : `the project of ${target.resource.address} is not known before apply` };
  if (target.path) return { key: projectOfPath(target.path, catalog) };
  return { reason: `the cluster's network ${target.reason}` };
}

/** The subnetwork a cluster names (`subnetwork`), as a target: its resource in the configuration and/or its path. */
export function clusterSubnetwork(cluster: Resource, model: Model, catalog: ProjectCatalog): Target | undefined {
  const location = typeof cluster.values.location === "string" ? regionOf(cluster.values.location) : undefined;
  return targetOf(cluster.values.subnetwork, [SUBNETWORK], model, (r) => subnetworkPath(r, model, catalog), (text) => subnetworkLiteral(text, cluster, model, catalog, location));
}

export function sharedVpcFacts(model: Model, catalog: ProjectCatalog, gke: GkeFacts): SharedVpcFacts {
  const subnetworkIam = readResourceIam(model, {
    member: "google_compute_subnetwork_iam_member",
    binding: "google_compute_subnetwork_iam_binding",
    policy: "google_compute_subnetwork_iam_policy",
    targetOf: (grant) => targetOf(grant.values.subnetwork, [SUBNETWORK], model, (r) => subnetworkPath(r, model, catalog), (text) => subnetworkLiteral(text, grant, model, catalog)),
  });
  const created = projectsCreatedByThisApply(model);
  const clusters: ClusterNetwork[] = [];
  for (const { resource: cluster, project } of gke.clusters) {
    const location = typeof cluster.values.location === "string" ? regionOf(cluster.values.location) : undefined;
    const subnetwork = clusterSubnetwork(cluster, model, catalog);
    const network = networkProject(cluster.values.network, cluster, model, catalog);
    // A bare subnetwork name is a subnetwork of the cluster's own project.
    const bareSubnetwork = typeof cluster.values.subnetwork === "string" && !canonicalPath(cluster.values.subnetwork).startsWith("projects/");
    if (bareSubnetwork && network.key === undefined && network.reason === undefined) continue;
    const fromSubnetwork = subnetwork?.resource ? catalog.projectOf(subnetwork.resource).key : projectOfPath(subnetwork?.path, catalog);
    const hostKey = fromSubnetwork ?? network.key;
    const own = project.key;
    if (!subnetwork && network.key === undefined && network.reason === undefined) continue; // the default network of its own project
    const host: ClusterNetwork["host"] = hostKey ? { key: hostKey } : { reason: subnetwork?.reason ? `the cluster's subnetwork ${subnetwork.reason}` : (network.reason ?? "the project of the cluster's network is not known before apply") };
    if (host.key !== undefined && own !== undefined && host.key === own) continue; // its own project's network
    const name = subnetwork?.path?.split("/").pop() ?? (subnetwork?.resource && typeof subnetwork.resource.values.name === "string" ? subnetwork.resource.values.name : undefined);
    const region = subnetwork?.path?.split("/")[3] ?? location;
    clusters.push({ cluster, serviceProject: project, host, hostCreatedByThisApply: host.key !== undefined && created.has(host.key), ...(subnetwork && { subnetwork }), ...(region && { subnetworkRegion: region }), ...(name && { subnetworkName: name }) });
  }
  return { clusters, subnetworkIam };
}
