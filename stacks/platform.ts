/**
 * The golden GKE platform: a production-like configuration that the preflight must pass.
 *
 * - APIs (compute, container, and the ones the platform's own resources need) enabled with
 *   disable_on_destroy = false, so destroying this stack never turns GKE off for the project.
 * - One dedicated node service account per cluster, holding exactly the least-privilege role
 *   roles/container.defaultNodeServiceAccount, granted non-authoritatively (iam_member).
 * - A Standard cluster whose default pool is removed (that temporary pool also runs as the
 *   dedicated account) and a separately managed node pool, plus an Autopilot cluster.
 * - Clusters depend on their grant and on the APIs, so Terraform creates them first.
 */
import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { ProjectService } from "@cdktf/provider-google/lib/project-service";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { ComputeNetwork } from "@cdktf/provider-google/lib/compute-network";
import { ComputeSubnetwork } from "@cdktf/provider-google/lib/compute-subnetwork";
import { ContainerCluster } from "@cdktf/provider-google/lib/container-cluster";
import { ContainerNodePool } from "@cdktf/provider-google/lib/container-node-pool";

export interface GkePlatformProps {
  project: string;
  region: string;
}

const NODE_ROLE = "roles/container.defaultNodeServiceAccount";
const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";
/** compute and container are what GKE needs; iam and cloudresourcemanager serve the SA and grants below. */
const APIS = {
  compute: "compute.googleapis.com",
  container: "container.googleapis.com",
  iam: "iam.googleapis.com",
  crm: "cloudresourcemanager.googleapis.com",
} as const;

export class GkePlatformStack extends TerraformStack {
  readonly standard: ContainerCluster;
  readonly autopilot: ContainerCluster;
  readonly pool: ContainerNodePool;

  constructor(scope: Construct, id: string, props: GkePlatformProps) {
    super(scope, id);
    const { project, region } = props;
    new GoogleProvider(this, "google", { project, region });

    const apis = Object.entries(APIS).map(
      ([key, service]) => new ProjectService(this, `${key}_api`, { project, service, disableOnDestroy: false }),
    );

    const network = new ComputeNetwork(this, "network", { name: "gke-platform", autoCreateSubnetworks: false, dependsOn: apis });
    const subnet = new ComputeSubnetwork(this, "subnet", {
      name: "gke-platform-europe-west1",
      region,
      network: network.id,
      ipCidrRange: "10.10.0.0/20",
      privateIpGoogleAccess: true,
      secondaryIpRange: [
        { rangeName: "pods", ipCidrRange: "10.20.0.0/14" },
        { rangeName: "services", ipCidrRange: "10.24.0.0/20" },
        { rangeName: "autopilot-pods", ipCidrRange: "10.28.0.0/14" },
        { rangeName: "autopilot-services", ipCidrRange: "10.32.0.0/20" },
      ],
    });

    const nodeAccount = (id: string, accountId: string, displayName: string) => {
      const sa = new ServiceAccount(this, id, { project, accountId, displayName, dependsOn: apis });
      const grant = new ProjectIamMember(this, `${id}_default_node_role`, {
        project,
        role: NODE_ROLE,
        member: `serviceAccount:${sa.email}`,
      });
      return { sa, grant };
    };

    const standardNodes = nodeAccount("standard_nodes", "gke-standard-nodes", "GKE standard cluster nodes");
    this.standard = new ContainerCluster(this, "standard", {
      name: "platform-standard",
      location: region,
      network: network.id,
      subnetwork: subnet.id,
      removeDefaultNodePool: true,
      initialNodeCount: 1,
      // The default pool exists briefly before removal; it must not run as the default account either.
      nodeConfig: { serviceAccount: standardNodes.sa.email, oauthScopes: [CLOUD_PLATFORM_SCOPE] },
      ipAllocationPolicy: { clusterSecondaryRangeName: "pods", servicesSecondaryRangeName: "services" },
      releaseChannel: { channel: "REGULAR" },
      workloadIdentityConfig: { workloadPool: `${project}.svc.id.goog` },
      deletionProtection: true,
      dependsOn: [...apis, standardNodes.grant],
    });

    this.pool = new ContainerNodePool(this, "standard_pool", {
      name: "general",
      cluster: this.standard.name,
      location: region,
      autoscaling: { minNodeCount: 1, maxNodeCount: 5 },
      management: { autoRepair: true, autoUpgrade: true },
      nodeConfig: {
        machineType: "e2-standard-4",
        serviceAccount: standardNodes.sa.email,
        oauthScopes: [CLOUD_PLATFORM_SCOPE],
        workloadMetadataConfig: { mode: "GKE_METADATA" },
      },
      dependsOn: [standardNodes.grant],
    });

    const autopilotNodes = nodeAccount("autopilot_nodes", "gke-autopilot-nodes", "GKE autopilot cluster nodes");
    this.autopilot = new ContainerCluster(this, "autopilot", {
      name: "platform-autopilot",
      location: region,
      network: network.id,
      subnetwork: subnet.id,
      enableAutopilot: true,
      clusterAutoscaling: { autoProvisioningDefaults: { serviceAccount: autopilotNodes.sa.email, oauthScopes: [CLOUD_PLATFORM_SCOPE] } },
      ipAllocationPolicy: { clusterSecondaryRangeName: "autopilot-pods", servicesSecondaryRangeName: "autopilot-services" },
      releaseChannel: { channel: "REGULAR" },
      deletionProtection: true,
      dependsOn: [...apis, autopilotNodes.grant],
    });
  }
}
