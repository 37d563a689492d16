/** Small GKE stacks for the aspect tests, built with the real provider classes (deep imports). */
import type { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { Project } from "@cdktf/provider-google/lib/project";
import { ProjectService } from "@cdktf/provider-google/lib/project-service";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { ProjectIamBinding } from "@cdktf/provider-google/lib/project-iam-binding";
import { ContainerCluster } from "@cdktf/provider-google/lib/container-cluster";
import { ContainerNodePool } from "@cdktf/provider-google/lib/container-node-pool";

export const MIN_ROLE = "roles/container.defaultNodeServiceAccount";

export interface GkeFixtureOptions {
  /** Roles granted to the node service account (default: the minimum role). */
  nodeRoles?: string[];
  /** Enable container + compute APIs (default true). */
  apis?: boolean;
  /** The project is created by this stack (default false: an existing project). */
  createProject?: boolean;
  /** Add an authoritative binding for roles/container.serviceAgent without the GKE agent. */
  stripServiceAgent?: boolean;
  /** The cluster depends on the grants and APIs (default true). */
  ordered?: boolean;
}

/** Adds a provider, node SA, grants, APIs, a cluster (`cluster`) and a node pool (`pool`) to `stack`. */
export function addGke(stack: Construct, options: GkeFixtureOptions = {}) {
  const { nodeRoles = [MIN_ROLE], apis = true, createProject = false, stripServiceAgent = false, ordered = true } = options;
  new GoogleProvider(stack, "google", { project: "p1", region: "europe-west1" });
  const project = "p1";
  const deps: ITerraformDependable[] = [];
  if (createProject) deps.push(new Project(stack, "project", { projectId: project, name: "P1", orgId: "123456789012" }));
  const services = apis
    ? ["container.googleapis.com", "compute.googleapis.com"].map(
        (service) => new ProjectService(stack, `${service.split(".")[0]}_api`, { project, service, disableOnDestroy: false, dependsOn: [...deps] }),
      )
    : [];
  const sa = new ServiceAccount(stack, "nodes_sa", { project, accountId: "gke-nodes" });
  const grants = nodeRoles.map(
    (role) =>
      new ProjectIamMember(stack, `nodes_${role.split("/")[1].replace(/\./g, "_")}`, {
        project,
        role,
        member: `serviceAccount:${sa.email}`,
      }),
  );
  const binding = stripServiceAgent
    ? new ProjectIamBinding(stack, "service_agents", { project, role: "roles/container.serviceAgent", members: ["group:admins@example.com"] })
    : undefined;
  const cluster = new ContainerCluster(stack, "cluster", {
    project,
    name: "c1",
    location: "europe-west1",
    removeDefaultNodePool: true,
    initialNodeCount: 1,
    nodeConfig: { serviceAccount: sa.email },
    deletionProtection: false,
    dependsOn: ordered ? [...deps, ...services, ...grants] : deps,
  });
  const pool = new ContainerNodePool(stack, "pool", {
    project,
    name: "pool",
    cluster: cluster.name,
    location: "europe-west1",
    nodeConfig: { serviceAccount: sa.email },
  });
  return { sa, grants, services, cluster, pool, binding };
}
