/**
 * A terraform-google-modules style plan (`terraform show -json`, format 1.2, Terraform 1.9),
 * written out in the format's exact shape: resource_changes with module_address and index,
 * configuration.root_module.module_calls with expressions, outputs, variables, depends_on,
 * count/for_each expressions, and provider configurations declared inside a module.
 *
 * The configuration it stands for:
 *
 *   provider "google" { project = "acme-gke"  region = "europe-west1" }
 *   module "project_services" {                       # ./modules/project-services
 *     project_id = "acme-gke"
 *     services   = ["container.googleapis.com", "compute.googleapis.com"]
 *   }                                                 #   google_project_service.this (for_each = toset(var.services))
 *   module "iam" { project_id = "acme-gke" }          # ./modules/node-iam
 *                                                     #   module "account" (./modules/service-account): google_service_account.this, output email
 *                                                     #   google_project_iam_member.node (for_each roles), member = "serviceAccount:${module.account.email}"
 *                                                     #   output email = module.account.email
 *   module "network" { depends_on = [module.project_services] }   # ./modules/network: google_compute_network.vpc
 *   module "gke" {                                    # ./modules/gke
 *     project_id      = "acme-gke"
 *     network         = module.network.name
 *     service_account = module.iam.email
 *     node_pools      = { general = {...}, batch = {...} }
 *     granted_pools   = ["general"]                   # (options.grantAllPools: both)
 *     depends_on      = [module.project_services, module.iam]
 *   }
 *     google_container_cluster.primary   node_config.service_account = var.service_account
 *     google_service_account.pool        for_each = var.node_pools
 *     google_project_iam_member.pool     for_each = toset(var.granted_pools), member = "serviceAccount:${google_service_account.pool[each.key].email}"
 *     google_container_node_pool.pools   for_each = var.node_pools, cluster = google_container_cluster.primary.id,
 *                                        service_account = google_service_account.pool[each.key].email,
 *                                        depends_on = [google_project_iam_member.pool]
 *     provider "kubernetes" / "helm" (inside the module) from google_container_cluster.primary.endpoint
 */
export interface ModulePlanOptions {
  /** depends_on of the gke module block (default: project_services and iam). */
  gkeDependsOn?: string[];
  /** Grant roles/container.defaultNodeServiceAccount to every pool account, not only "general". */
  grantAllPools?: boolean;
  /** How the kubernetes provider inside the gke module authenticates. */
  kubernetesAuth?: "token" | "client-certificate";
  /** Drop the configuration block (a trimmed or converted plan). */
  withoutConfiguration?: boolean;
}

const GOOGLE = "registry.terraform.io/hashicorp/google";
const PROJECT = "acme-gke";
const POOLS = ["general", "batch"];
const NODE_ROLE = "roles/container.defaultNodeServiceAccount";

type Json = Record<string, unknown>;

const constant = (value: unknown) => ({ constant_value: value });
const refs = (...references: string[]) => ({ references });

function change(address: string, module: string, type: string, name: string, after: Json, afterUnknown: Json, index?: string, provider = GOOGLE): Json {
  return {
    address,
    module_address: module,
    mode: "managed",
    type,
    name,
    ...(index !== undefined ? { index } : {}),
    provider_name: provider,
    change: { actions: ["create"], before: null, after, after_unknown: afterUnknown, before_sensitive: false, after_sensitive: {} },
  };
}

export function modulePlan(options: ModulePlanOptions = {}): Json {
  const granted = options.grantAllPools ? POOLS : ["general"];
  const services = ["container.googleapis.com", "compute.googleapis.com"];
  const rc: Json[] = [];
  for (const service of services) {
    rc.push(change(`module.project_services.google_project_service.this["${service}"]`, "module.project_services", "google_project_service", "this", { project: PROJECT, service, disable_on_destroy: false, disable_dependent_services: null, timeouts: null }, { id: true }, service));
  }
  rc.push(change("module.iam.module.account.google_service_account.this", "module.iam.module.account", "google_service_account", "this", { account_id: "gke-nodes", display_name: "GKE nodes", project: PROJECT, disabled: false, description: null, timeouts: null, create_ignore_already_exists: null }, { email: true, id: true, member: true, name: true, unique_id: true }));
  for (const role of [NODE_ROLE]) {
    rc.push(change(`module.iam.google_project_iam_member.node["${role}"]`, "module.iam", "google_project_iam_member", "node", { project: PROJECT, role, condition: [] }, { member: true, etag: true, id: true, condition: [] }, role));
  }
  rc.push(change("module.network.google_compute_network.vpc", "module.network", "google_compute_network", "vpc", { name: "gke-vpc", project: PROJECT, auto_create_subnetworks: false, routing_mode: "REGIONAL" }, { id: true, self_link: true, gateway_ipv4: true }));
  rc.push(change("module.gke.google_container_cluster.primary", "module.gke", "google_container_cluster", "primary", {
    name: "acme-primary",
    location: "europe-west1",
    project: PROJECT,
    network: "gke-vpc",
    remove_default_node_pool: true,
    initial_node_count: 1,
    deletion_protection: false,
    node_config: [{ oauth_scopes: ["https://www.googleapis.com/auth/cloud-platform"] }],
  }, { endpoint: true, id: true, master_auth: true, self_link: true, node_config: [{ service_account: true, oauth_scopes: [false] }] }));
  for (const pool of POOLS) {
    rc.push(change(`module.gke.google_service_account.pool["${pool}"]`, "module.gke", "google_service_account", "pool", { account_id: `gke-${pool}`, display_name: `GKE ${pool} nodes`, project: PROJECT, disabled: false, description: null, timeouts: null, create_ignore_already_exists: null }, { email: true, id: true, member: true, name: true, unique_id: true }, pool));
  }
  for (const pool of granted) {
    rc.push(change(`module.gke.google_project_iam_member.pool["${pool}"]`, "module.gke", "google_project_iam_member", "pool", { project: PROJECT, role: NODE_ROLE, condition: [] }, { member: true, etag: true, id: true, condition: [] }, pool));
  }
  for (const pool of POOLS) {
    rc.push(change(`module.gke.google_container_node_pool.pools["${pool}"]`, "module.gke", "google_container_node_pool", "pools", {
      name: pool,
      location: "europe-west1",
      project: PROJECT,
      node_count: 1,
      node_config: [{ machine_type: "e2-standard-4", oauth_scopes: ["https://www.googleapis.com/auth/cloud-platform"] }],
    }, { cluster: true, id: true, node_config: [{ service_account: true, oauth_scopes: [false] }] }, pool));
  }
  rc.push({ address: "module.gke.helm_release.ingress", module_address: "module.gke", mode: "managed", type: "helm_release", name: "ingress", provider_name: "registry.terraform.io/hashicorp/helm", change: { actions: ["create"], before: null, after: { name: "ingress-nginx", chart: "ingress-nginx", repository: "https://kubernetes.github.io/ingress-nginx" }, after_unknown: { id: true, metadata: true }, before_sensitive: false, after_sensitive: {} } });

  const kubernetesConnection = options.kubernetesAuth === "client-certificate"
    ? { host: refs("google_container_cluster.primary.endpoint", "google_container_cluster.primary"), client_certificate: refs("google_container_cluster.primary.master_auth[0].client_certificate", "google_container_cluster.primary.master_auth[0]", "google_container_cluster.primary.master_auth", "google_container_cluster.primary"), client_key: refs("google_container_cluster.primary.master_auth[0].client_key", "google_container_cluster.primary.master_auth[0]", "google_container_cluster.primary.master_auth", "google_container_cluster.primary") }
    : { host: refs("google_container_cluster.primary.endpoint", "google_container_cluster.primary"), token: refs("data.google_client_config.default.access_token", "data.google_client_config.default"), cluster_ca_certificate: refs("google_container_cluster.primary.master_auth[0].cluster_ca_certificate", "google_container_cluster.primary.master_auth[0]", "google_container_cluster.primary.master_auth", "google_container_cluster.primary") };

  const serviceAccountModule = {
    outputs: { email: { expression: refs("google_service_account.this.email", "google_service_account.this") } },
    resources: [{ address: "google_service_account.this", mode: "managed", type: "google_service_account", name: "this", provider_config_key: "google", expressions: { account_id: refs("var.account_id"), display_name: refs("var.display_name"), project: refs("var.project_id") }, schema_version: 0 }],
    variables: { account_id: { description: "The account id" }, display_name: { default: "GKE nodes" }, project_id: {} },
  };
  const configuration = {
    provider_config: {
      google: { name: "google", full_name: GOOGLE, version_constraint: "~> 6.10", expressions: { project: constant(PROJECT), region: constant("europe-west1") } },
      "module.gke:kubernetes": { name: "kubernetes", full_name: "registry.terraform.io/hashicorp/kubernetes", module_address: "module.gke", expressions: kubernetesConnection },
      "module.gke:helm": { name: "helm", full_name: "registry.terraform.io/hashicorp/helm", module_address: "module.gke", expressions: { kubernetes: [kubernetesConnection] } },
    },
    root_module: {
      module_calls: {
        project_services: {
          source: "./modules/project-services",
          expressions: { project_id: constant(PROJECT), services: constant(services) },
          module: {
            outputs: { project_id: { expression: refs("var.project_id") } },
            resources: [{ address: "google_project_service.this", mode: "managed", type: "google_project_service", name: "this", provider_config_key: "google", expressions: { disable_on_destroy: constant(false), project: refs("var.project_id"), service: refs("each.key") }, schema_version: 0, for_each_expression: refs("var.services") }],
            variables: { project_id: {}, services: { default: [] } },
          },
        },
        iam: {
          source: "./modules/node-iam",
          expressions: { project_id: constant(PROJECT) },
          module: {
            outputs: { email: { expression: refs("module.account.email", "module.account") } },
            resources: [{ address: "google_project_iam_member.node", mode: "managed", type: "google_project_iam_member", name: "node", provider_config_key: "google", expressions: { member: refs("module.account.email", "module.account"), project: refs("var.project_id"), role: refs("each.key") }, schema_version: 0, for_each_expression: refs("var.roles") }],
            module_calls: {
              account: { source: "../service-account", expressions: { account_id: constant("gke-nodes"), project_id: refs("var.project_id") }, module: serviceAccountModule },
            },
            variables: { project_id: {}, roles: { default: [NODE_ROLE] } },
          },
        },
        network: {
          source: "./modules/network",
          expressions: { project_id: constant(PROJECT) },
          module: {
            outputs: { name: { expression: refs("google_compute_network.vpc.name", "google_compute_network.vpc") } },
            resources: [{ address: "google_compute_network.vpc", mode: "managed", type: "google_compute_network", name: "vpc", provider_config_key: "google", expressions: { auto_create_subnetworks: constant(false), name: constant("gke-vpc"), project: refs("var.project_id") }, schema_version: 0 }],
            variables: { project_id: {} },
          },
          depends_on: ["module.project_services"],
        },
        gke: {
          source: "./modules/gke",
          expressions: {
            granted_pools: constant(granted),
            network: refs("module.network.name", "module.network"),
            node_pools: constant(Object.fromEntries(POOLS.map((p) => [p, { machine_type: "e2-standard-4" }]))),
            project_id: constant(PROJECT),
            service_account: refs("module.iam.email", "module.iam"),
          },
          module: {
            outputs: { endpoint: { expression: refs("google_container_cluster.primary.endpoint", "google_container_cluster.primary"), sensitive: true } },
            resources: [
              { address: "google_container_cluster.primary", mode: "managed", type: "google_container_cluster", name: "primary", provider_config_key: "google", expressions: { deletion_protection: constant(false), initial_node_count: constant(1), location: constant("europe-west1"), name: constant("acme-primary"), network: refs("var.network"), node_config: [{ oauth_scopes: constant(["https://www.googleapis.com/auth/cloud-platform"]), service_account: refs("var.service_account") }], project: refs("var.project_id"), remove_default_node_pool: constant(true) }, schema_version: 2 },
              { address: "google_container_node_pool.pools", mode: "managed", type: "google_container_node_pool", name: "pools", provider_config_key: "google", expressions: { cluster: refs("google_container_cluster.primary.id", "google_container_cluster.primary"), location: constant("europe-west1"), name: refs("each.key"), node_config: [{ machine_type: refs("each.value.machine_type", "each.value"), oauth_scopes: constant(["https://www.googleapis.com/auth/cloud-platform"]), service_account: refs("google_service_account.pool", "each.key") }], node_count: constant(1), project: refs("var.project_id") }, schema_version: 1, for_each_expression: refs("var.node_pools"), depends_on: ["google_project_iam_member.pool"] },
              { address: "google_project_iam_member.pool", mode: "managed", type: "google_project_iam_member", name: "pool", provider_config_key: "google", expressions: { member: refs("google_service_account.pool", "each.key"), project: refs("var.project_id"), role: constant(NODE_ROLE) }, schema_version: 0, for_each_expression: refs("var.granted_pools") },
              { address: "google_service_account.pool", mode: "managed", type: "google_service_account", name: "pool", provider_config_key: "google", expressions: { account_id: refs("each.key"), display_name: refs("each.key"), project: refs("var.project_id") }, schema_version: 0, for_each_expression: refs("var.node_pools") },
              { address: "helm_release.ingress", mode: "managed", type: "helm_release", name: "ingress", provider_config_key: "module.gke:helm", expressions: { chart: constant("ingress-nginx"), name: constant("ingress-nginx"), repository: constant("https://kubernetes.github.io/ingress-nginx") }, schema_version: 1 },
              { address: "data.google_client_config.default", mode: "data", type: "google_client_config", name: "default", provider_config_key: "google", schema_version: 0 },
            ],
            variables: { granted_pools: {}, network: {}, node_pools: {}, project_id: {}, service_account: {} },
          },
          ...(options.gkeDependsOn?.length === 0 ? {} : { depends_on: options.gkeDependsOn ?? ["module.project_services", "module.iam"] }),
        },
      },
    },
  };
  return {
    format_version: "1.2",
    terraform_version: "1.9.8",
    planned_values: { root_module: {} },
    resource_changes: rc,
    prior_state: {
      format_version: "1.0",
      terraform_version: "1.9.8",
      values: {
        root_module: {
          child_modules: [{
            address: "module.gke",
            resources: [{ address: "module.gke.data.google_client_config.default", mode: "data", type: "google_client_config", name: "default", provider_name: GOOGLE, schema_version: 0, values: { project: PROJECT, region: "europe-west1", zone: null, id: "projects/acme-gke/regions/europe-west1/zones/<null>" }, sensitive_values: { access_token: true } }],
          }],
        },
      },
    },
    ...(options.withoutConfiguration ? {} : { configuration }),
    timestamp: "2026-11-30T10:00:00Z",
    applyable: true,
    complete: true,
    errored: false,
  };
}
