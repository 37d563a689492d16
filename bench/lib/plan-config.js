"use strict";
// The `configuration` section of the synthetic plan: what the HCL of the monorepo says, as
// Terraform renders it (expressions are constant_value or references, per module call).

const { GOOGLE } = require("./units");

const ref = (...refs) => ({ references: refs });
const constant = (value) => ({ constant_value: value });
const NODE_SCOPES = ["https://www.googleapis.com/auth/cloud-platform"];

function resource(address, type, name, key, expressions, extra = {}) {
  const mode = address.startsWith("data.") ? "data" : "managed";
  return { address, mode, type, name, provider_config_key: key, expressions, schema_version: 0, ...extra };
}

function gkeModule(callPath) {
  const key = `${callPath}.gke:google`;
  return {
    resources: [
      resource("google_container_cluster.this", "google_container_cluster", "this", key, {
        datapath_provider: constant("ADVANCED_DATAPATH"),
        deletion_protection: constant(true),
        initial_node_count: constant(1),
        ip_allocation_policy: [{ cluster_secondary_range_name: constant("pods"), services_secondary_range_name: constant("services") }],
        location: ref("var.region"),
        name: ref("var.project_id"),
        network: ref("var.network"),
        node_config: [{ machine_type: constant("e2-small"), oauth_scopes: constant(NODE_SCOPES), service_account: ref("var.node_service_account") }],
        private_cluster_config: [{ enable_private_endpoint: constant(false), enable_private_nodes: constant(true), master_ipv4_cidr_block: constant("172.16.0.0/28") }],
        project: ref("var.project_id"),
        release_channel: [{ channel: ref("var.release_channel") }],
        remove_default_node_pool: constant(true),
        subnetwork: ref("var.subnetwork"),
        workload_identity_config: [{ workload_pool: ref("var.project_id") }],
      }, { schema_version: 2 }),
      resource("google_container_node_pool.pools", "google_container_node_pool", "pools", key, {
        autoscaling: [{ max_node_count: ref("var.pools", "count.index"), min_node_count: ref("var.pools", "count.index") }],
        cluster: ref("google_container_cluster.this.id", "google_container_cluster.this"),
        location: ref("var.region"),
        management: [{ auto_repair: constant(true), auto_upgrade: constant(true) }],
        name: ref("var.pools", "count.index"),
        node_config: [{
          machine_type: ref("var.pools", "count.index"),
          oauth_scopes: constant(NODE_SCOPES),
          service_account: ref("var.node_service_account"),
          spot: ref("var.pools", "count.index"),
          workload_metadata_config: [{ mode: constant("GKE_METADATA") }],
        }],
        project: ref("var.project_id"),
      }, { schema_version: 1, count_expression: ref("var.pools") }),
    ],
    variables: {
      network: {}, node_service_account: { description: "E-mail of the nodes' service account" }, pools: {},
      project_id: {}, region: {}, release_channel: { default: "REGULAR" }, subnetwork: {},
    },
  };
}

/** Module body of a team: `existing` reads its projects, otherwise it creates them. */
function teamModule(callPath, existing) {
  const key = `${callPath}:google`;
  const project = existing ? ref("var.project_id") : ref("google_project.this.project_id", "google_project.this");
  const number = existing ? ref("data.google_project.this.number", "data.google_project.this") : ref("google_project.this.number", "google_project.this");
  const resources = [];
  if (existing) {
    resources.push(resource("data.google_project.this", "google_project", "this", key, { project_id: ref("var.project_id") }));
  } else {
    resources.push(resource("google_project.this", "google_project", "this", key, {
      auto_create_network: constant(false), billing_account: ref("var.billing_account"), deletion_policy: constant("PREVENT"),
      folder_id: ref("var.folder_id"), labels: ref("var.labels"), name: ref("var.project_id"), project_id: ref("var.project_id"),
    }, { schema_version: 1 }));
  }
  resources.push(
    resource("google_project_service.apis", "google_project_service", "apis", key,
      { disable_on_destroy: constant(false), project, service: ref("each.value") }, { for_each_expression: ref("var.apis") }),
    resource("google_service_account.nodes", "google_service_account", "nodes", key,
      { account_id: constant("gke-nodes"), description: ref("var.project_id"), display_name: ref("var.project_id"), project }),
    resource("google_project_iam_member.node_roles", "google_project_iam_member", "node_roles", key,
      { member: ref("google_service_account.nodes.email", "google_service_account.nodes"), project, role: ref("each.value") },
      { for_each_expression: ref("var.node_roles") }),
    resource("google_project_iam_member.gke_robot", "google_project_iam_member", "gke_robot", key,
      { member: number, project, role: constant("roles/container.serviceAgent") }, { count_expression: ref("var.manage_gke_robot") }),
    resource("google_project_iam_binding.viewers", "google_project_iam_binding", "viewers", key,
      { members: ref("var.viewers"), project, role: constant("roles/viewer") }, { count_expression: ref("var.viewers") }),
    resource("google_service_account.workload", "google_service_account", "workload", key,
      { account_id: ref("var.workloads", "count.index"), display_name: ref("var.workloads", "count.index"), project },
      { count_expression: ref("var.workloads") }),
    resource("google_project_iam_member.workload_roles", "google_project_iam_member", "workload_roles", key,
      { member: ref("google_service_account.workload", "local.workload_index", "each.value"), project, role: ref("each.value") },
      { for_each_expression: ref("local.workload_roles") }),
  );
  return {
    resources,
    module_calls: {
      gke: {
        source: "../gke",
        expressions: {
          network: ref("var.project_id"),
          node_service_account: ref("var.use_default_sa", ...number.references, "google_service_account.nodes.email", "google_service_account.nodes"),
          pools: ref("var.pools"),
          project_id: project,
          region: ref("var.region"),
          release_channel: ref("var.release_channel"),
          subnetwork: ref("var.project_id"),
        },
        count_expression: ref("var.gke_enabled"),
        depends_on: ["google_project_service.apis"],
        module: gkeModule(callPath),
      },
    },
    variables: {
      apis: {}, billing_account: {}, folder_id: {}, gke_enabled: {}, labels: {}, manage_gke_robot: { default: true },
      node_roles: {}, pools: {}, project_id: {}, region: {}, release_channel: {}, use_default_sa: { default: false },
      viewers: { default: [] }, workloads: {},
    },
  };
}

function rootResources() {
  const key = "google";
  return [
    resource("data.google_project.platform", "google_project", "platform", key, { project_id: constant("platform-admin-0001") }),
    resource("google_service_account.ci", "google_service_account", "ci", key,
      { account_id: constant("ci-deployer"), display_name: constant("CI deployer"), project: constant("platform-admin-0001") }),
    resource("google_project_iam_member.ci", "google_project_iam_member", "ci", key,
      { member: ref("google_service_account.ci.email", "google_service_account.ci"), project: constant("platform-admin-0001"), role: ref("each.value") },
      { for_each_expression: constant(["roles/container.admin", "roles/iam.serviceAccountUser", "roles/resourcemanager.projectIamAdmin"]) }),
  ];
}

function providerConfig() {
  return {
    google: {
      name: "google", full_name: GOOGLE, version_constraint: "~> 6.8",
      expressions: { project: constant("platform-admin-0001"), region: constant("europe-west1") },
    },
  };
}

/** `configuration` for the monorepo with the given team module calls. */
function monorepoConfiguration(teams) {
  const module_calls = {};
  for (const t of teams) {
    module_calls[t.moduleName] = {
      source: t.existing ? "./modules/project-existing" : "./modules/project-new",
      expressions: {
        apis: ref("local.projects", "each.value"), billing_account: ref("var.billing_account"), folder_id: ref("local.team_folders"),
        gke_enabled: ref("each.value"), labels: ref("local.labels"), node_roles: ref("local.node_roles"), pools: ref("each.value"),
        project_id: ref("each.key"), region: ref("each.value"), use_default_sa: ref("each.value"), viewers: ref("each.value"),
        workloads: ref("each.value"),
      },
      for_each_expression: ref(`local.teams["${t.moduleName}"]`, "local.teams"),
      module: teamModule(t.moduleName, t.existing),
    };
  }
  return {
    provider_config: providerConfig(),
    root_module: { resources: rootResources(), module_calls, variables: { billing_account: { description: "Billing account of new projects" } } },
  };
}

/** `configuration` for the one-project quadratic-shape plan. */
function quadraticConfiguration() {
  const key = "google";
  return {
    provider_config: providerConfig(),
    root_module: {
      resources: [
        resource("data.google_project.this", "google_project", "this", key, { project_id: constant("quad-scale-0001") }),
        resource("google_project_service.apis", "google_project_service", "apis", key, { project: constant("quad-scale-0001"), service: ref("each.value") }, { for_each_expression: constant(["container.googleapis.com"]) }),
        resource("google_project_iam_member.gke_robot", "google_project_iam_member", "gke_robot", key,
          { member: ref("data.google_project.this.number", "data.google_project.this"), project: constant("quad-scale-0001"), role: constant("roles/container.serviceAgent") }),
        resource("google_service_account.nodes", "google_service_account", "nodes", key, { account_id: ref("count.index"), project: constant("quad-scale-0001") }, { count_expression: ref("var.accounts") }),
        resource("google_project_iam_member.node_roles", "google_project_iam_member", "node_roles", key,
          { member: ref("local.grants", "count.index"), project: constant("quad-scale-0001"), role: ref("local.grants", "count.index") }, { count_expression: ref("local.grants") }),
        resource("google_container_cluster.clusters", "google_container_cluster", "clusters", key,
          { location: constant("us-central1"), name: ref("count.index"), project: constant("quad-scale-0001"), remove_default_node_pool: constant(true) }, { count_expression: ref("var.clusters"), schema_version: 2 }),
        resource("google_container_node_pool.pools", "google_container_node_pool", "pools", key,
          { cluster: ref("google_container_cluster.clusters", "count.index"), node_config: [{ service_account: ref("google_service_account.nodes", "count.index") }], project: constant("quad-scale-0001") },
          { count_expression: ref("var.pools"), schema_version: 1 }),
      ],
      variables: { accounts: {}, clusters: {}, pools: {} },
    },
  };
}

module.exports = { monorepoConfiguration, quadraticConfiguration };
