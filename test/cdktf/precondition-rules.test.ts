/**
 * GKE012-014 through the aspect: stacks built with the real provider classes (deep imports),
 * synthesized by cdktf, checked by GkePreflight at synth time.
 */
import { TerraformStack, Testing } from "cdktf";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { Project } from "@cdktf/provider-google/lib/project";
import { ContainerCluster } from "@cdktf/provider-google/lib/container-cluster";
import { ContainerNodePool } from "@cdktf/provider-google/lib/container-node-pool";
import { ComputeSubnetwork } from "@cdktf/provider-google/lib/compute-subnetwork";
import { KmsKeyRing } from "@cdktf/provider-google/lib/kms-key-ring";
import { KmsCryptoKey } from "@cdktf/provider-google/lib/kms-crypto-key";
import { KmsCryptoKeyIamMember } from "@cdktf/provider-google/lib/kms-crypto-key-iam-member";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { ServiceAccountIamMember } from "@cdktf/provider-google/lib/service-account-iam-member";
import { DataGoogleProject } from "@cdktf/provider-google/lib/data-google-project";
import { GkePreflight } from "../../src/cdktf";
import { checkTerraformJson } from "../../src/library";
import { synthError } from "./helpers";

function base() {
  const stack = new TerraformStack(Testing.app(), "gke");
  new GoogleProvider(stack, "google", { project: "svc-prod", region: "europe-west1" });
  return stack;
}

describe("GKE012-016 through the CDKTF aspect", () => {
  test("GKE015 and GKE016: a pool three minor versions behind, and a range the subnetwork lacks", () => {
    const stack = base();
    const subnet = new ComputeSubnetwork(stack, "subnet", { region: "europe-west1", name: "gke", network: "vpc", ipCidrRange: "10.0.0.0/20", secondaryIpRange: [{ rangeName: "pods", ipCidrRange: "10.4.0.0/14" }] });
    const cluster = new ContainerCluster(stack, "cluster", { name: "c", location: "europe-west1", initialNodeCount: 1, minMasterVersion: "1.32.1-gke.1", subnetwork: subnet.id, ipAllocationPolicy: { clusterSecondaryRangeName: "pods", servicesSecondaryRangeName: "services" } });
    new ContainerNodePool(stack, "pool", { name: "pool", cluster: cluster.name, location: "europe-west1", version: "1.29.3-gke.1" });
    GkePreflight.of(stack);
    const message = synthError(stack);
    expect(message).toMatch(/^\[gke\/pool\] GKE015 .*3 minor versions older/m);
    expect(message).toMatch(/^\[gke\/cluster\] GKE016 .*names the secondary range services/m);
    expect(message).not.toMatch(/GKE016 .*range pods /);
  });

  test("GKE012: a cluster on a subnetwork of a host project the stack creates, without the host grants", () => {
    const stack = base();
    const host = new Project(stack, "host", { projectId: "net-host", name: "net-host", orgId: "1234567890" });
    const subnet = new ComputeSubnetwork(stack, "subnet", { project: host.projectId, region: "europe-west1", name: "gke", network: "projects/net-host/global/networks/shared", ipCidrRange: "10.0.0.0/20" });
    new ContainerCluster(stack, "cluster", { name: "c", location: "europe-west1", initialNodeCount: 1, network: "projects/net-host/global/networks/shared", subnetwork: subnet.id });
    GkePreflight.of(stack);
    const message = synthError(stack);
    expect(message).toMatch(/^\[gke\/cluster\] GKE012 .*uses the Shared VPC of net-host.*roles\/container\.hostServiceAgentUser/m);
  });

  test("GKE013: a grant to a Kubernetes service account of a new project, racing its cluster", () => {
    const stack = base();
    new Project(stack, "apps", { projectId: "svc-prod", name: "svc-prod", orgId: "1234567890" });
    new ContainerCluster(stack, "cluster", { name: "c", location: "europe-west1", initialNodeCount: 1, workloadIdentityConfig: { workloadPool: "svc-prod.svc.id.goog" } });
    const app = new ServiceAccount(stack, "app", { accountId: "app" });
    new ServiceAccountIamMember(stack, "app_wi", { serviceAccountId: app.name, role: "roles/iam.workloadIdentityUser", member: "serviceAccount:svc-prod.svc.id.goog[apps/web]" });
    GkePreflight.of(stack);
    expect(synthError(stack)).toMatch(/^\[gke\/app_wi\] GKE013 .*Identity Pool does not exist/m);
  });

  test("GKE013: the same grant built from the cluster's workload pool synthesizes without a GKE013 error", () => {
    const stack = base();
    new Project(stack, "apps", { projectId: "svc-prod", name: "svc-prod", orgId: "1234567890" });
    const cluster = new ContainerCluster(stack, "cluster", { name: "c", location: "europe-west1", initialNodeCount: 1, workloadIdentityConfig: { workloadPool: "svc-prod.svc.id.goog" } });
    const app = new ServiceAccount(stack, "app", { accountId: "app" });
    new ServiceAccountIamMember(stack, "app_wi", { serviceAccountId: app.name, role: "roles/iam.workloadIdentityUser", member: `serviceAccount:${cluster.workloadIdentityConfig.workloadPool}[apps/web]` });
    const findings = checkTerraformJson(JSON.parse(Testing.synth(stack)), { file: "cdk.tf.json", stack: "gke" }, { includePass: true, rules: ["GKE013"] });
    expect(findings.map((f) => `${f.status} ${f.address}`)).toEqual(["pass google_container_cluster.cluster", "pass google_service_account_iam_member.app_wi"]);
  });

  test("GKE014: CMEK boot disks with the key granted to the node account fail at the node pool", () => {
    const stack = base();
    const kms = new Project(stack, "kms", { projectId: "kms-prod", name: "kms-prod", orgId: "1234567890" });
    const ring = new KmsKeyRing(stack, "ring", { project: kms.projectId, name: "gke", location: "europe-west1" });
    const key = new KmsCryptoKey(stack, "disks", { name: "disks", keyRing: ring.id });
    const nodes = new ServiceAccount(stack, "nodes_sa", { accountId: "gke-nodes" });
    const grant = new KmsCryptoKeyIamMember(stack, "nodes_key", { cryptoKeyId: key.id, role: "roles/cloudkms.cryptoKeyEncrypterDecrypter", member: `serviceAccount:${nodes.email}` });
    new DataGoogleProject(stack, "project", { projectId: "svc-prod" });
    const cluster = new ContainerCluster(stack, "cluster", { name: "c", location: "europe-west1", initialNodeCount: 1, removeDefaultNodePool: true });
    new ContainerNodePool(stack, "pool", { name: "pool", cluster: cluster.name, location: "europe-west1", nodeConfig: { serviceAccount: nodes.email, bootDiskKmsKey: key.id }, dependsOn: [grant] });
    GkePreflight.of(stack);
    expect(synthError(stack)).toMatch(/^\[gke\/pool\] GKE014 .*Compute Engine service agent of svc-prod.*which is not the Compute Engine service agent/m);
  });
});
