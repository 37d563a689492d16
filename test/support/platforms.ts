import { PROJECT } from "./scenarios";

/**
 * Realistic CDKTF stacks (cdk.tf.json) for the Shared VPC, Workload Identity and CMEK rules, good
 * and bad; examples/terraform-json is generated from them.
 */
export const HOST = "acme-net-host";
export const SHARED_SUBNET = `projects/${HOST}/regions/europe-west1/subnetworks/gke-nodes`;
export const APPS = "acme-apps";
export const KMS_PROJECT = "acme-kms";

const meta = (path: string) => ({ "//": { metadata: { path: `gke/${path}`, uniqueId: path } } });
const withMeta = (section: Record<string, Record<string, Record<string, unknown>>>) =>
  Object.fromEntries(Object.entries(section).map(([type, byName]) => [type, Object.fromEntries(Object.entries(byName).map(([name, body]) => [name, { ...meta(name), ...body }]))]));

function stackOf(project: string, resource: Record<string, Record<string, Record<string, unknown>>>, data: Record<string, Record<string, Record<string, unknown>>> = {}): Record<string, unknown> {
  return {
    "//": { metadata: { backend: "local", stackName: "gke", version: "0.21.0" }, outputs: {} },
    provider: { google: [{ project, region: "europe-west1" }] },
    terraform: { required_providers: { google: { source: "google", version: "6.50.0" } } },
    ...(Object.keys(data).length ? { data: withMeta(data) } : {}),
    resource: withMeta(resource),
  };
}

/** What every platform has: the APIs, a node account with its role, the GKE agent's role. */
function basics(project: string, numberRef: string) {
  return {
    google_project_service: {
      container_api: { project, service: "container.googleapis.com", disable_on_destroy: false },
      compute_api: { project, service: "compute.googleapis.com", disable_on_destroy: false },
    },
    google_service_account: { nodes_sa: { project, account_id: "gke-nodes", display_name: "GKE nodes" } },
    google_project_iam_member: {
      nodes_default_node_sa: { project, role: "roles/container.defaultNodeServiceAccount", member: "serviceAccount:${google_service_account.nodes_sa.email}" },
      gke_agent: { project, role: "roles/container.serviceAgent", member: `serviceAccount:service-\${${numberRef}}@container-engine-robot.iam.gserviceaccount.com`, depends_on: ["google_project_service.container_api"] },
    } as Record<string, Record<string, unknown>>,
  };
}

const nodeConfig = { service_account: "${google_service_account.nodes_sa.email}", oauth_scopes: ["https://www.googleapis.com/auth/cloud-platform"], machine_type: "e2-standard-4" };

/**
 * A service project's cluster on the host project's shared subnetwork. Good: the host project
 * exists and this stack grants the service project's agents their roles there. Bad: the stack
 * also creates the host project and its subnetwork, and grants nothing.
 */
export function sharedVpcPlatform(variant: "good" | "bad" = "good"): Record<string, unknown> {
  const base = basics(PROJECT, "data.google_project.service.number");
  const agent = "serviceAccount:service-${data.google_project.service.number}@container-engine-robot.iam.gserviceaccount.com";
  const apisAgent = "serviceAccount:${data.google_project.service.number}@cloudservices.gserviceaccount.com";
  const hostGrants = {
    google_project_iam_member: { ...base.google_project_iam_member, gke_host_service_agent_user: { project: HOST, role: "roles/container.hostServiceAgentUser", member: agent, depends_on: ["google_project_service.container_api"] } },
    google_compute_subnetwork_iam_member: {
      gke_agent_network_user: { project: HOST, region: "europe-west1", subnetwork: "gke-nodes", role: "roles/compute.networkUser", member: agent, depends_on: ["google_project_service.container_api"] },
      apis_agent_network_user: { project: HOST, region: "europe-west1", subnetwork: "gke-nodes", role: "roles/compute.networkUser", member: apisAgent },
    },
  };
  const newHost = {
    google_project: { host: { project_id: HOST, name: HOST, org_id: "1234567890", billing_account: "000000-000000-000000" } },
    google_compute_shared_vpc_host_project: { host: { project: "${google_project.host.project_id}" } },
    google_compute_network: { shared: { project: HOST, name: "shared", auto_create_subnetworks: false, depends_on: ["google_project.host"] } },
    google_compute_subnetwork: {
      gke_nodes: {
        project: HOST, region: "europe-west1", name: "gke-nodes", network: "${google_compute_network.shared.id}", ip_cidr_range: "10.10.0.0/20",
        secondary_ip_range: [{ range_name: "pods", ip_cidr_range: "10.20.0.0/14" }, { range_name: "services", ip_cidr_range: "10.30.0.0/20" }],
      },
    },
  };
  const grants = variant === "good" ? hostGrants : { google_project_iam_member: base.google_project_iam_member };
  return stackOf(PROJECT, {
    ...base,
    ...grants,
    ...(variant === "bad" ? newHost : {}),
    google_compute_shared_vpc_service_project: { service: { host_project: HOST, service_project: PROJECT } },
    google_container_cluster: {
      cluster: {
        name: "apps", location: "europe-west1", initial_node_count: 1, remove_default_node_pool: true, deletion_protection: true,
        network: `projects/${HOST}/global/networks/shared`,
        subnetwork: variant === "bad" ? "${google_compute_subnetwork.gke_nodes.id}" : SHARED_SUBNET,
        ip_allocation_policy: { cluster_secondary_range_name: "pods", services_secondary_range_name: "services" },
        node_config: nodeConfig,
        depends_on: ["google_project_service.container_api", "google_project_iam_member.nodes_default_node_sa", ...(variant === "good" ? ["google_project_iam_member.gke_host_service_agent_user", "google_compute_subnetwork_iam_member.gke_agent_network_user", "google_compute_subnetwork_iam_member.apis_agent_network_user"] : [])],
      },
    },
  }, { google_project: { service: { project_id: PROJECT } } });
}

/**
 * A new project with a Workload Identity cluster and an app's Google service account that a
 * Kubernetes service account may impersonate. Good: the grant's member is built from the
 * cluster's pool, so it waits for it. Bad: the member is written out and nothing makes it wait.
 */
export function workloadIdentityPlatform(variant: "good" | "bad" = "good"): Record<string, unknown> {
  const base = basics(APPS, "google_project.apps.number");
  return stackOf(APPS, {
    google_project: { apps: { project_id: APPS, name: APPS, org_id: "1234567890", billing_account: "000000-000000-000000" } },
    ...base,
    google_service_account: { ...base.google_service_account, web_app: { project: APPS, account_id: "web-app", display_name: "web app (Kubernetes apps/web)" } },
    google_container_cluster: {
      cluster: {
        name: "apps", location: "europe-west1", initial_node_count: 1, remove_default_node_pool: true, deletion_protection: true,
        workload_identity_config: { workload_pool: `${APPS}.svc.id.goog` },
        node_config: { ...nodeConfig, workload_metadata_config: { mode: "GKE_METADATA" } },
        depends_on: ["google_project_service.container_api", "google_project_iam_member.nodes_default_node_sa"],
      },
    },
    google_service_account_iam_member: {
      web_app_workload_identity: {
        service_account_id: "${google_service_account.web_app.name}",
        role: "roles/iam.workloadIdentityUser",
        member: variant === "good" ? "serviceAccount:${google_container_cluster.cluster.workload_identity_config[0].workload_pool}[apps/web]" : `serviceAccount:${APPS}.svc.id.goog[apps/web]`,
      },
    },
  });
}

/**
 * A cluster with application-layer secrets encryption and CMEK boot disks, its keys in a key
 * project this stack creates. Good: the cluster project's GKE service agent and Compute Engine
 * service agent hold Encrypter/Decrypter on the keys, and the cluster waits. Bad: the grant goes
 * to the node service account, which neither agent is.
 */
export function cmekPlatform(variant: "good" | "bad" = "good"): Record<string, unknown> {
  const base = basics(PROJECT, "data.google_project.project.number");
  const role = "roles/cloudkms.cryptoKeyEncrypterDecrypter";
  const keyGrants: Record<string, Record<string, unknown>> =
    variant === "good"
      ? {
          gke_agent_secrets_key: { crypto_key_id: "${google_kms_crypto_key.secrets.id}", role, member: "serviceAccount:service-${data.google_project.project.number}@container-engine-robot.iam.gserviceaccount.com", depends_on: ["google_project_service.container_api"] },
          compute_agent_boot_disk_key: { crypto_key_id: "${google_kms_crypto_key.disks.id}", role, member: "serviceAccount:service-${data.google_project.project.number}@compute-system.iam.gserviceaccount.com", depends_on: ["google_project_service.compute_api"] },
        }
      : {
          nodes_secrets_key: { crypto_key_id: "${google_kms_crypto_key.secrets.id}", role, member: "serviceAccount:${google_service_account.nodes_sa.email}" },
          nodes_boot_disk_key: { crypto_key_id: "${google_kms_crypto_key.disks.id}", role, member: "serviceAccount:${google_service_account.nodes_sa.email}" },
        };
  const waits = Object.keys(keyGrants).map((name) => `google_kms_crypto_key_iam_member.${name}`);
  return stackOf(PROJECT, {
    ...base,
    google_project: { kms: { project_id: KMS_PROJECT, name: KMS_PROJECT, org_id: "1234567890", billing_account: "000000-000000-000000" } },
    google_kms_key_ring: { ring: { project: "${google_project.kms.project_id}", name: "gke", location: "europe-west1" } },
    google_kms_crypto_key: {
      secrets: { name: "gke-secrets", key_ring: "${google_kms_key_ring.ring.id}", rotation_period: "7776000s" },
      disks: { name: "gke-boot-disks", key_ring: "${google_kms_key_ring.ring.id}", rotation_period: "7776000s" },
    },
    google_kms_crypto_key_iam_member: keyGrants,
    google_container_cluster: {
      cluster: {
        name: "secure", location: "europe-west1", initial_node_count: 1, remove_default_node_pool: true, deletion_protection: true,
        database_encryption: { state: "ENCRYPTED", key_name: "${google_kms_crypto_key.secrets.id}" },
        node_config: nodeConfig,
        depends_on: ["google_project_service.container_api", "google_project_iam_member.nodes_default_node_sa", ...waits],
      },
    },
    google_container_node_pool: {
      pool: { name: "pool", cluster: "${google_container_cluster.cluster.name}", location: "europe-west1", node_count: 1, node_config: { ...nodeConfig, boot_disk_kms_key: "${google_kms_crypto_key.disks.id}" }, depends_on: waits },
    },
  }, { google_project: { project: { project_id: PROJECT } } });
}

/**
 * A VPC-native cluster on a subnetwork of the stack, with a pinned control plane and a node pool
 * pinned to its own version. Good: the ranges exist and the pool is one minor version behind.
 * Bad: the pool is three minor versions behind and the cluster names a Services range the
 * subnetwork does not have.
 */
export function pinnedVersionsPlatform(variant: "good" | "bad" = "good"): Record<string, unknown> {
  const base = basics(PROJECT, "data.google_project.project.number");
  return stackOf(PROJECT, {
    ...base,
    google_compute_network: { vpc: { name: "vpc", auto_create_subnetworks: false } },
    google_compute_subnetwork: {
      gke: { name: "gke", region: "europe-west1", network: "${google_compute_network.vpc.id}", ip_cidr_range: "10.0.0.0/20", secondary_ip_range: [{ range_name: "pods", ip_cidr_range: "10.4.0.0/14" }, { range_name: variant === "good" ? "services" : "svc", ip_cidr_range: "10.8.0.0/20" }] },
    },
    google_container_cluster: {
      cluster: {
        name: "pinned", location: "europe-west1", initial_node_count: 1, remove_default_node_pool: true, deletion_protection: true,
        min_master_version: "1.32.4-gke.1106006",
        network: "${google_compute_network.vpc.id}", subnetwork: "${google_compute_subnetwork.gke.id}",
        ip_allocation_policy: { cluster_secondary_range_name: "pods", services_secondary_range_name: "services" },
        node_config: nodeConfig,
        depends_on: ["google_project_service.container_api", "google_project_iam_member.nodes_default_node_sa"],
      },
    },
    google_container_node_pool: {
      pool: { name: "pool", cluster: "${google_container_cluster.cluster.name}", location: "europe-west1", node_count: 1, version: variant === "good" ? "1.31.6-gke.1020000" : "1.29.15-gke.1044000", node_config: nodeConfig },
    },
  }, { google_project: { project: { project_id: PROJECT } } });
}

/**
 * A new project whose GKE service agent is granted its role before container.googleapis.com is
 * enabled: Google creates the agent with the API, so on the first apply the grant races it (GKE017).
 */
export function agentGrantBeforeApiPlatform(): Record<string, unknown> {
  const base = basics(APPS, "google_project.apps.number");
  const { depends_on: _waits, ...racingGrant } = base.google_project_iam_member.gke_agent as Record<string, unknown>;
  void _waits;
  return stackOf(APPS, {
    google_project: { apps: { project_id: APPS, name: APPS, org_id: "1234567890", billing_account: "000000-000000-000000" } },
    ...base,
    google_project_iam_member: { ...base.google_project_iam_member, gke_agent: racingGrant },
    google_container_cluster: {
      cluster: {
        name: "apps", location: "europe-west1", initial_node_count: 1, remove_default_node_pool: true, deletion_protection: true, node_config: nodeConfig,
        depends_on: ["google_project_service.container_api", "google_project_iam_member.nodes_default_node_sa", "google_project_iam_member.gke_agent"],
      },
    },
  });
}
