/**
 * A small GKE stack to copy. `variant: "bad"` reproduces three classic GKE 4xx causes so you
 * can see what `cdktf synth` says about them.
 */
import { TerraformStack, type ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { ProjectService } from "@cdktf/provider-google/lib/project-service";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { ProjectIamBinding } from "@cdktf/provider-google/lib/project-iam-binding";
import { ContainerCluster } from "@cdktf/provider-google/lib/container-cluster";
import { ContainerNodePool } from "@cdktf/provider-google/lib/container-node-pool";

export interface ExampleStackProps {
  project: string;
  region: string;
  variant: "good" | "bad";
}

export class ExampleGkeStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: ExampleStackProps) {
    super(scope, id);
    const { project, region, variant } = props;
    new GoogleProvider(this, "google", { project, region });

    const nodes = new ServiceAccount(this, "nodes_sa", { project, accountId: "gke-nodes", displayName: "GKE nodes" });
    const dependsOn: ITerraformDependable[] = [];

    if (variant === "good") {
      // The two APIs a cluster needs; never disable them when this stack is destroyed.
      const apis = ["container.googleapis.com", "compute.googleapis.com"].map(
        (service) => new ProjectService(this, `${service.split(".")[0]}_api`, { project, service, disableOnDestroy: false }),
      );
      // The least-privilege role for node service accounts.
      const grant = new ProjectIamMember(this, "nodes_default_node_role", {
        project,
        role: "roles/container.defaultNodeServiceAccount",
        member: `serviceAccount:${nodes.email}`,
      });
      dependsOn.push(...apis, grant);
    } else {
      // Bad: the pre-2024 "logging + monitoring" pair lacks permissions GKE nodes need,
      // no API is enabled, and an authoritative binding drops the GKE service agent.
      for (const role of ["roles/logging.logWriter", "roles/monitoring.metricWriter"]) {
        dependsOn.push(
          new ProjectIamMember(this, `nodes_${role.split("/")[1].split(".")[0]}`, { project, role, member: `serviceAccount:${nodes.email}` }),
        );
      }
      new ProjectIamBinding(this, "service_agents", {
        project,
        role: "roles/container.serviceAgent",
        members: ["group:platform-admins@example.com"],
      });
    }

    const cluster = new ContainerCluster(this, "cluster", {
      name: "example",
      location: region,
      removeDefaultNodePool: true,
      initialNodeCount: 1,
      nodeConfig: { serviceAccount: nodes.email },
      deletionProtection: false,
      dependsOn,
    });
    new ContainerNodePool(this, "pool", {
      name: "default",
      cluster: cluster.name,
      location: region,
      nodeCount: 1,
      nodeConfig: { machineType: "e2-standard-2", serviceAccount: nodes.email },
    });
  }
}
