"use strict";
// The synthetic platform monorepo, format-neutral. A "unit" is one team project: its APIs,
// node service account, IAM grants, workload accounts and (usually) a GKE cluster with node
// pools. Half the teams create new projects (numbers, e-mails unknown at plan time), half
// manage existing ones read through `data.google_project` (numbers known). Failures the rules
// exist for are sprinkled in at fixed rates: missing container API, node account missing
// roles, GKE service agent grant removed.
//
// Each unit yields resource records that both writers (plan JSON, cdk.tf.json) render.

const { rngFor } = require("./prng");
const { U, Sensitive } = require("./values");

const UNITS_PER_TEAM = 10;
const WORDS = ["payments", "search", "ledger", "identity", "media", "ads", "billing", "catalog", "risk", "mail", "chat", "maps", "ml", "etl", "edge", "web"];
const REGIONS = ["europe-west1", "europe-west4", "us-central1", "us-east1", "asia-southeast1", "australia-southeast1"];
const MACHINES = ["e2-standard-4", "e2-standard-8", "n2-standard-8", "n2d-standard-16", "c3-standard-8", "t2d-standard-4"];
const API_SET = ["compute.googleapis.com", "container.googleapis.com", "iam.googleapis.com", "logging.googleapis.com", "monitoring.googleapis.com", "artifactregistry.googleapis.com"];
const NODE_ROLES = ["roles/logging.logWriter", "roles/monitoring.metricWriter", "roles/monitoring.viewer", "roles/stackdriver.resourceMetadata.writer", "roles/autoscaling.metricsWriter", "roles/artifactregistry.reader"];
const WORKLOAD_ROLES = ["roles/storage.objectViewer", "roles/pubsub.publisher", "roles/pubsub.subscriber", "roles/cloudsql.client", "roles/secretmanager.secretAccessor", "roles/bigquery.dataViewer", "roles/cloudtrace.agent"];
const GOOGLE = "registry.terraform.io/hashicorp/google";

/** Deterministic digits from a string (for ids that must match wherever they appear). */
function digitsOf(text, n) {
  let h = 2166136261;
  let s = "";
  for (let round = 0; s.length < n; round++) {
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
    h = Math.imul(h ^ round, 16777619) >>> 0;
    s += String(h).padStart(10, "0");
  }
  return (s[0] === "0" ? "1" : "") + s.slice(s[0] === "0" ? 1 : 0, n);
}

/** cdktf-like logical id: readable path parts plus an 8-hex hash of the full path. */
function logicalId(path) {
  const human = path.slice(1).join("_").replace(/[^A-Za-z0-9_-]/g, "");
  return `${human}_${digitsHex(path.join("/"))}`;
}
function digitsHex(text) {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h.toString(16).toUpperCase().padStart(8, "0");
}

/** The fixed part of every unit: what it is, drawn once from the seed. */
function describeUnit(seed, index) {
  const rng = rngFor(seed, index + 1);
  const team = Math.floor(index / UNITS_PER_TEAM);
  const tt = String(team).padStart(3, "0");
  const existing = team % 2 === 1;
  const projectId = `t${tt}-${rng.pick(WORDS)}-${rng.hex(4)}-${String(index).padStart(5, "0")}`.slice(0, 30);
  const apis = API_SET.filter((api) => !(api === "container.googleapis.com" && rng.chance(0.08)) && !(api === "artifactregistry.googleapis.com" && rng.chance(0.5)));
  const nodeRoles = NODE_ROLES.filter((_, i) => i < 2 || !rng.chance(0.12));
  const workloads = rng.int(1, 4);
  const gke = rng.chance(0.85);
  const pools = gke ? rng.int(1, 5) : 0;
  return {
    index,
    seed,
    team,
    moduleName: `team_${tt}`,
    existing,
    projectId,
    number: existing ? rng.digits(12) : undefined,
    region: rng.pick(REGIONS),
    apis,
    newApi: existing && rng.chance(0.2) ? apis[apis.length - 1] : undefined,
    nodeRoles,
    nodeRolesNew: existing ? nodeRoles.filter(() => rng.chance(0.1)) : nodeRoles,
    robot: rng.chance(0.05) && existing ? "delete" : rng.chance(0.1) ? "absent" : "keep",
    viewers: rng.chance(0.4) ? Array.from({ length: rng.int(1, 6) }, (_, i) => `group:${rng.pick(WORDS)}-viewers-${i}@example.com`) : undefined,
    workloads: Array.from({ length: workloads }, (_, i) => ({
      name: `${rng.pick(WORDS)}-wl${i}`,
      roles: WORKLOAD_ROLES.filter(() => rng.chance(0.4)),
      created: !existing || rng.chance(0.15),
    })),
    defaultSa: rng.chance(0.15),
    cluster: gke ? { created: !existing || rng.chance(0.1), channel: rng.pick(["REGULAR", "STABLE", "RAPID"]) } : undefined,
    pools: Array.from({ length: pools }, (_, i) => ({
      name: `pool-${i}`,
      machine: rng.pick(MACHINES),
      min: rng.int(0, 3),
      max: rng.int(4, 40),
      change: !existing ? "create" : rng.pick(["no-op", "no-op", "update", "create"]),
      spot: rng.chance(0.3),
    })),
    suppress: rng.chance(0.01),
  };
}

function indexSuffix(index) {
  if (index === undefined) return "";
  return typeof index === "number" ? `[${index}]` : `[${JSON.stringify(index)}]`;
}

function addressOf(r) {
  const local = `${r.mode === "data" ? "data." : ""}${r.type}.${r.name}${indexSuffix(r.index)}`;
  return r.mod ? `${r.mod}.${local}` : local;
}

// ---- value builders (shapes of the google provider's schema, trimmed to common attributes)

function serviceAccountValues(project, accountId, display, isKnown) {
  const email = `${accountId}@${project}.iam.gserviceaccount.com`;
  return {
    account_id: accountId,
    create_ignore_already_exists: null,
    description: `Managed by the platform team for ${project}`,
    disabled: false,
    display_name: display,
    email: isKnown ? email : U,
    id: isKnown ? `projects/${project}/serviceAccounts/${email}` : U,
    member: isKnown ? `serviceAccount:${email}` : U,
    name: isKnown ? `projects/${project}/serviceAccounts/${email}` : U,
    project,
    timeouts: null,
    unique_id: isKnown ? digitsOf(email, 21) : U,
  };
}

function iamMemberValues(project, role, member, isKnown) {
  return {
    condition: [],
    etag: isKnown ? `BwY${digitsOf(role + member, 8)}=` : U,
    id: isKnown && typeof member === "string" ? `${project}/${role}/${member}` : U,
    member,
    project,
    role,
  };
}

function serviceValues(project, service, isKnown) {
  return { disable_dependent_services: null, disable_on_destroy: false, id: isKnown ? `${project}/${service}` : U, project, service, timeouts: null };
}

function labels(u) {
  return { env: u.index % 3 === 0 ? "prod" : "dev", "managed-by": "terraform", team: u.moduleName };
}

function nodeConfig(u, serviceAccount, machine, spot) {
  return [{
    advanced_machine_features: [],
    boot_disk_kms_key: null,
    confidential_nodes: U,
    disk_size_gb: 100,
    disk_type: "pd-balanced",
    effective_taints: U,
    enable_confidential_storage: null,
    ephemeral_storage_local_ssd_config: [],
    fast_socket: [],
    gcfs_config: U,
    guest_accelerator: U,
    gvnic: [],
    image_type: "COS_CONTAINERD",
    kubelet_config: U,
    labels: { pool: machine, team: u.moduleName },
    linux_node_config: U,
    local_nvme_ssd_block_config: [],
    local_ssd_count: U,
    logging_variant: U,
    machine_type: machine,
    metadata: { "disable-legacy-endpoints": "true" },
    min_cpu_platform: null,
    node_group: null,
    oauth_scopes: ["https://www.googleapis.com/auth/cloud-platform"],
    preemptible: false,
    reservation_affinity: [],
    resource_labels: null,
    resource_manager_tags: null,
    sandbox_config: [],
    secondary_boot_disks: [],
    service_account: serviceAccount,
    shielded_instance_config: [{ enable_integrity_monitoring: true, enable_secure_boot: true }],
    sole_tenant_config: [],
    spot,
    tags: ["gke-node", u.moduleName],
    taint: [],
    workload_metadata_config: [{ mode: "GKE_METADATA" }],
  }];
}

function clusterValues(u, name, serviceAccount, isKnown) {
  const loc = u.region;
  return {
    addons_config: [{
      cloudrun_config: [], config_connector_config: [], dns_cache_config: [],
      gce_persistent_disk_csi_driver_config: [{ enabled: true }], gcp_filestore_csi_driver_config: [],
      gcs_fuse_csi_driver_config: [], gke_backup_agent_config: [], horizontal_pod_autoscaling: [{ disabled: false }],
      http_load_balancing: [{ disabled: false }], network_policy_config: [{ disabled: true }],
    }],
    allow_net_admin: null,
    binary_authorization: [],
    cluster_autoscaling: U,
    cluster_ipv4_cidr: isKnown ? "10.64.0.0/14" : U,
    confidential_nodes: U,
    cost_management_config: U,
    database_encryption: U,
    datapath_provider: "ADVANCED_DATAPATH",
    default_max_pods_per_node: U,
    deletion_protection: true,
    description: null,
    dns_config: [],
    effective_labels: { ...labels(u), "goog-terraform-provisioned": "true" },
    enable_autopilot: null,
    enable_intranode_visibility: U,
    enable_kubernetes_alpha: false,
    enable_l4_ilb_subsetting: false,
    enable_legacy_abac: false,
    enable_shielded_nodes: true,
    enable_tpu: false,
    endpoint: isKnown ? `34.${u.index % 250}.${u.team % 250}.10` : U,
    id: isKnown ? `projects/${u.projectId}/locations/${loc}/clusters/${name}` : U,
    initial_node_count: 1,
    ip_allocation_policy: [{ additional_pod_ranges_config: [], cluster_ipv4_cidr_block: U, cluster_secondary_range_name: "pods", pod_cidr_overprovision_config: U, services_ipv4_cidr_block: U, services_secondary_range_name: "services", stack_type: "IPV4" }],
    label_fingerprint: isKnown ? digitsOf(name, 8) : U,
    location: loc,
    logging_config: U,
    logging_service: "logging.googleapis.com/kubernetes",
    maintenance_policy: [{ daily_maintenance_window: [], maintenance_exclusion: [], recurring_window: [{ end_time: "2025-01-01T06:00:00Z", recurrence: "FREQ=WEEKLY;BYDAY=SA,SU", start_time: "2025-01-01T02:00:00Z" }] }],
    master_auth: new Sensitive(U),
    master_authorized_networks_config: [{ cidr_blocks: [{ cidr_block: "10.0.0.0/8", display_name: "corp" }], gcp_public_cidrs_access_enabled: false }],
    master_version: U,
    min_master_version: null,
    monitoring_config: U,
    monitoring_service: "monitoring.googleapis.com/kubernetes",
    name,
    network: `projects/${u.projectId}/global/networks/vpc`,
    network_policy: [],
    networking_mode: "VPC_NATIVE",
    node_config: nodeConfig(u, serviceAccount, "e2-small", false),
    node_locations: U,
    node_pool: U,
    node_version: U,
    operation: U,
    private_cluster_config: [{ enable_private_endpoint: false, enable_private_nodes: true, master_global_access_config: U, master_ipv4_cidr_block: "172.16.0.0/28", peering_name: U, private_endpoint: U, private_endpoint_subnetwork: null, public_endpoint: U }],
    project: u.projectId,
    release_channel: [{ channel: u.cluster.channel }],
    remove_default_node_pool: true,
    resource_labels: labels(u),
    self_link: U,
    services_ipv4_cidr: U,
    subnetwork: `projects/${u.projectId}/regions/${loc}/subnetworks/gke`,
    terraform_labels: { ...labels(u), "goog-terraform-provisioned": "true" },
    timeouts: null,
    tpu_ipv4_cidr_block: U,
    vertical_pod_autoscaling: [{ enabled: true }],
    workload_identity_config: [{ workload_pool: `${u.projectId}.svc.id.goog` }],
  };
}

function poolValues(u, pool, clusterName, serviceAccount, nodeCount) {
  return {
    autoscaling: [{ location_policy: U, max_node_count: pool.max, min_node_count: pool.min, total_max_node_count: null, total_min_node_count: null }],
    cluster: clusterName,
    id: U,
    initial_node_count: 1,
    instance_group_urls: U,
    location: u.region,
    managed_instance_group_urls: U,
    management: [{ auto_repair: true, auto_upgrade: true }],
    max_pods_per_node: U,
    name: pool.name,
    name_prefix: U,
    network_config: U,
    node_config: nodeConfig(u, serviceAccount, pool.machine, pool.spot),
    node_count: nodeCount,
    node_locations: U,
    operation: U,
    placement_policy: [],
    project: u.projectId,
    queued_provisioning: [],
    timeouts: null,
    upgrade_settings: [{ blue_green_settings: [], max_surge: 1, max_unavailable: 0, strategy: "SURGE" }],
    version: U,
  };
}

function projectDataValues(u) {
  return {
    auto_create_network: null,
    billing_account: "01A2B3-C4D5E6-F7A8B9",
    deletion_policy: "PREVENT",
    effective_labels: labels(u),
    folder_id: digitsOf(u.moduleName, 12),
    id: `projects/${u.projectId}`,
    labels: labels(u),
    name: u.projectId,
    number: u.number,
    org_id: null,
    project_id: u.projectId,
    tags: null,
    terraform_labels: labels(u),
  };
}

/** Fills the planned-only unknowns of a known resource, so `before` is what state would hold. */
function asState(values) {
  if (values === U) return "x";
  if (values instanceof Sensitive) return asState(values.value);
  if (Array.isArray(values)) return values.map(asState);
  if (values !== null && typeof values === "object") {
    const out = {};
    for (const k of Object.keys(values)) {
      const v = values[k];
      out[k] = v === U ? stateFiller(k) : asState(v);
    }
    return out;
  }
  return values;
}
function stateFiller(key) {
  if (key === "location_policy") return "BALANCED";
  if (/count|node_per|max_pods/.test(key)) return 3;
  if (/^(enable_|confidential)/.test(key)) return false;
  if (/(_config|_policy|autoscaling|node_pool|taints|accelerator)$/.test(key)) return [];
  if (/urls|locations/.test(key)) return [];
  return `${key}-value`;
}

/**
 * All resource records of one unit. `after` may hold U (unknown) leaves; `before` holds state
 * values. `tf` is the cdk.tf.json view (absent for resources not in the configuration).
 */
function unitRecords(u) {
  const mod = `module.${u.moduleName}[${JSON.stringify(u.projectId)}]`;
  const gkeMod = `${mod}.module.gke[0]`;
  const stack = "platform";
  const cpath = (...parts) => [stack, u.moduleName, u.projectId, ...parts];
  const id = (...parts) => logicalId(cpath(...parts));
  const records = [];
  const pid = u.projectId;
  const isNew = !u.existing;
  const tfProject = isNew ? `\${google_project.${id("project")}.project_id}` : pid;
  const add = (r) => records.push(r);
  const stateOf = (after) => asState(after);

  if (isNew) {
    const after = {
      auto_create_network: false, billing_account: "01A2B3-C4D5E6-F7A8B9", deletion_policy: "PREVENT",
      effective_labels: U, folder_id: digitsOf(u.moduleName, 12), id: U, labels: labels(u), name: pid,
      number: U, org_id: null, project_id: pid, tags: null, terraform_labels: U, timeouts: null,
    };
    add({ mod, mode: "managed", type: "google_project", name: "this", action: "create", before: null, after,
      tf: { id: id("project"), path: cpath("project"), body: { billing_account: after.billing_account, folder_id: after.folder_id, auto_create_network: false, labels: labels(u), name: pid, project_id: pid } } });
  } else {
    add({ mod, mode: "data", type: "google_project", name: "this", action: "data", before: projectDataValues(u), after: null,
      tf: { id: id("project"), path: cpath("project"), body: { project_id: pid } } });
  }
  const numberRef = isNew ? `\${google_project.${id("project")}.number}` : `\${data.google_project.${id("project")}.number}`;

  for (const api of u.apis) {
    const created = isNew || api === u.newApi;
    const after = serviceValues(pid, api, !created);
    add({ mod, mode: "managed", type: "google_project_service", name: "apis", index: api, action: created ? "create" : "no-op",
      before: created ? null : stateOf(after), after,
      tf: { id: id("api", api.split(".")[0]), path: cpath("api", api.split(".")[0]), body: { disable_on_destroy: false, project: tfProject, service: api } } });
  }

  const nodesId = id("nodes");
  const nodesSa = serviceAccountValues(pid, "gke-nodes", `GKE nodes of ${pid}`, !isNew);
  add({ mod, mode: "managed", type: "google_service_account", name: "nodes", action: isNew ? "create" : "no-op",
    before: isNew ? null : stateOf(nodesSa), after: nodesSa,
    tf: { id: nodesId, path: cpath("nodes"), body: { account_id: "gke-nodes", description: nodesSa.description, display_name: nodesSa.display_name, project: tfProject } } });
  const nodesMember = isNew ? U : `serviceAccount:${nodesSa.email}`;
  for (const role of u.nodeRoles) {
    const created = u.nodeRolesNew.includes(role);
    const after = iamMemberValues(pid, role, nodesMember, !created);
    const short = role.split("/")[1];
    add({ mod, mode: "managed", type: "google_project_iam_member", name: "node_roles", index: role, action: created ? "create" : "no-op",
      before: created ? null : stateOf(after), after,
      tf: { id: id("node-role", short), path: cpath("node-role", short), body: { member: `serviceAccount:\${google_service_account.${nodesId}.email}`, project: tfProject, role } } });
  }

  const robotEmail = isNew ? U : `serviceAccount:service-${u.number}@container-engine-robot.iam.gserviceaccount.com`;
  if (u.robot !== "absent") {
    const after = iamMemberValues(pid, "roles/container.serviceAgent", robotEmail, !isNew);
    const del = u.robot === "delete";
    add({ mod, mode: "managed", type: "google_project_iam_member", name: "gke_robot", index: 0, action: del ? "delete" : isNew ? "create" : "no-op",
      before: isNew ? null : stateOf(after), after: del ? null : after, reason: del ? "delete_because_count_index" : undefined,
      tf: del ? undefined : { id: id("gke-robot"), path: cpath("gke-robot"), body: { member: `serviceAccount:service-${numberRef}@container-engine-robot.iam.gserviceaccount.com`, project: tfProject, role: "roles/container.serviceAgent" } } });
  }

  if (u.viewers) {
    const after = { condition: [], etag: isNew ? U : `BwY${digitsOf(pid, 8)}=`, id: isNew ? U : `${pid}/roles/viewer`, members: [...u.viewers].sort(), project: pid, role: "roles/viewer" };
    add({ mod, mode: "managed", type: "google_project_iam_binding", name: "viewers", index: 0, action: isNew ? "create" : "no-op",
      before: isNew ? null : stateOf(after), after,
      tf: { id: id("viewers"), path: cpath("viewers"), body: { members: after.members, project: tfProject, role: "roles/viewer" } } });
  }

  u.workloads.forEach((w, i) => {
    const wlId = id("workload", w.name);
    const sa = serviceAccountValues(pid, w.name, `Workload ${w.name}`, !w.created);
    add({ mod, mode: "managed", type: "google_service_account", name: "workload", index: i, action: w.created ? "create" : "no-op",
      before: w.created ? null : stateOf(sa), after: sa,
      tf: { id: wlId, path: cpath("workload", w.name), body: { account_id: w.name, display_name: sa.display_name, project: tfProject } } });
    for (const role of w.roles) {
      const after = iamMemberValues(pid, role, w.created ? U : `serviceAccount:${sa.email}`, !w.created);
      const short = role.split("/")[1];
      add({ mod, mode: "managed", type: "google_project_iam_member", name: "workload_roles", index: `${w.name}/${role}`, action: w.created ? "create" : "no-op",
        before: w.created ? null : stateOf(after), after,
        tf: { id: id("workload", w.name, short), path: cpath("workload", w.name, short), body: { member: `serviceAccount:\${google_service_account.${wlId}.email}`, project: tfProject, role } } });
    }
  });

  if (u.cluster) {
    const defaultEmail = isNew ? U : `${u.number}-compute@developer.gserviceaccount.com`;
    const saValue = u.defaultSa ? defaultEmail : isNew ? U : nodesSa.email;
    const tfSa = u.defaultSa ? `${numberRef}-compute@developer.gserviceaccount.com` : `\${google_service_account.${nodesId}.email}`;
    const clusterName = `${pid}-gke`.slice(0, 40);
    const clusterId = id("gke", "cluster");
    const cAfter = clusterValues(u, clusterName, saValue, !u.cluster.created);
    if (!u.cluster.created) cAfter.id = `projects/${pid}/locations/${u.region}/clusters/${clusterName}`;
    const cCreated = u.cluster.created;
    add({ mod: gkeMod, mode: "managed", type: "google_container_cluster", name: "this", action: cCreated ? "create" : "no-op",
      before: cCreated ? null : stateOf(cAfter), after: cAfter,
      tf: { id: clusterId, path: cpath("gke", "cluster"), dependsOn: [`google_project_service.${id("api", "container")}`], body: {
        deletion_protection: true, datapath_provider: "ADVANCED_DATAPATH", initial_node_count: 1, location: u.region, name: clusterName,
        network: cAfter.network, subnetwork: cAfter.subnetwork, project: tfProject, remove_default_node_pool: true,
        ip_allocation_policy: { cluster_secondary_range_name: "pods", services_secondary_range_name: "services" },
        node_config: { service_account: tfSa, oauth_scopes: ["https://www.googleapis.com/auth/cloud-platform"], machine_type: "e2-small" },
        private_cluster_config: { enable_private_nodes: true, enable_private_endpoint: false, master_ipv4_cidr_block: "172.16.0.0/28" },
        release_channel: { channel: u.cluster.channel }, resource_labels: labels(u),
        workload_identity_config: { workload_pool: `${pid}.svc.id.goog` } } } });
    u.pools.forEach((p, i) => {
      const created = cCreated || p.change === "create";
      const clusterRef = cCreated ? U : cAfter.id;
      const after = poolValues(u, p, clusterRef, saValue, p.change === "update" ? p.min + 1 : U);
      const before = created ? null : stateOf(poolValues(u, p, clusterRef, saValue, p.min + (p.change === "update" ? 0 : 1)));
      if (!created) {
        before.id = after.id = `${cAfter.id}/nodePools/${p.name}`;
        if (p.change === "no-op") after.node_count = before.node_count;
      }
      const body = {
        autoscaling: { max_node_count: p.max, min_node_count: p.min }, cluster: `\${google_container_cluster.${clusterId}.id}`, location: u.region,
        management: { auto_repair: true, auto_upgrade: true }, name: p.name, project: tfProject,
        node_config: { machine_type: p.machine, oauth_scopes: ["https://www.googleapis.com/auth/cloud-platform"], service_account: tfSa, spot: p.spot, workload_metadata_config: { mode: "GKE_METADATA" } },
      };
      add({ mod: gkeMod, mode: "managed", type: "google_container_node_pool", name: "pools", index: i, action: created ? "create" : p.change,
        before, after,
        tf: { id: id("gke", p.name), path: cpath("gke", p.name), body,
          suppressions: u.suppress && i === 0 ? [{ ruleId: "GKE001", reason: "Roles granted by the org-level policy (ticket PLAT-1234)", expires: "2027-01-31" }] : undefined } });
    });
  }
  return records;
}

/** Root-module records shared by the whole monorepo (the platform's own project). */
function rootRecords() {
  const u = { moduleName: "platform", index: 0, projectId: "platform-admin-0001", number: "100000000001", team: 0, region: "europe-west1" };
  const records = [];
  records.push({ mod: "", mode: "data", type: "google_project", name: "platform", action: "data", before: projectDataValues(u), after: null,
    tf: { id: "platform_project", path: ["platform", "platform_project"], body: { project_id: u.projectId } } });
  const ci = serviceAccountValues(u.projectId, "ci-deployer", "CI deployer", true);
  records.push({ mod: "", mode: "managed", type: "google_service_account", name: "ci", action: "no-op", before: asState(ci), after: ci,
    tf: { id: "ci", path: ["platform", "ci"], body: { account_id: "ci-deployer", display_name: "CI deployer", project: u.projectId } } });
  for (const role of ["roles/container.admin", "roles/iam.serviceAccountUser", "roles/resourcemanager.projectIamAdmin"]) {
    const after = iamMemberValues(u.projectId, role, `serviceAccount:${ci.email}`, true);
    records.push({ mod: "", mode: "managed", type: "google_project_iam_member", name: "ci", index: role, action: "no-op", before: asState(after), after,
      tf: { id: `ci_${role.split(/[/.]/).pop()}`, path: ["platform", `ci_${role.split(/[/.]/).pop()}`], body: { member: "serviceAccount:${google_service_account.ci.email}", project: u.projectId, role } } });
  }
  return records;
}

/**
 * One project with `pools` node pools (in clusters of 100) and `members` IAM members spread over
 * pools/4 node accounts: a rule that compares every pool with every member is quadratic here.
 */
function quadraticRecords(pools, members) {
  const u = { moduleName: "quad", index: 7, projectId: "quad-scale-0001", number: "200000000002", team: 1, region: "us-central1", existing: true, cluster: { channel: "REGULAR" } };
  const records = [];
  records.push({ mod: "", mode: "data", type: "google_project", name: "this", action: "data", before: projectDataValues(u), after: null });
  records.push({ mod: "", mode: "managed", type: "google_project_service", name: "apis", index: "container.googleapis.com", action: "no-op",
    before: asState(serviceValues(u.projectId, "container.googleapis.com", true)), after: serviceValues(u.projectId, "container.googleapis.com", true) });
  records.push({ mod: "", mode: "managed", type: "google_project_iam_member", name: "gke_robot", action: "no-op",
    before: asState(iamMemberValues(u.projectId, "roles/container.serviceAgent", `serviceAccount:service-${u.number}@container-engine-robot.iam.gserviceaccount.com`, true)),
    after: iamMemberValues(u.projectId, "roles/container.serviceAgent", `serviceAccount:service-${u.number}@container-engine-robot.iam.gserviceaccount.com`, true) });
  const accounts = Math.max(1, Math.floor(pools / 4));
  for (let a = 0; a < accounts; a++) {
    const sa = serviceAccountValues(u.projectId, `nodes-${a}`, `Nodes ${a}`, true);
    records.push({ mod: "", mode: "managed", type: "google_service_account", name: "nodes", index: a, action: "no-op", before: asState(sa), after: sa });
  }
  for (let m = 0; m < members; m++) {
    const a = m % accounts;
    // every 7th account misses one role, so rules have failures to report as well
    const role = NODE_ROLES[Math.floor(m / accounts) % NODE_ROLES.length];
    if (a % 7 === 0 && role === NODE_ROLES[1]) continue;
    const after = iamMemberValues(u.projectId, role, `serviceAccount:nodes-${a}@${u.projectId}.iam.gserviceaccount.com`, false);
    records.push({ mod: "", mode: "managed", type: "google_project_iam_member", name: "node_roles", index: m, action: "create", before: null, after });
  }
  const clusters = Math.ceil(pools / 100);
  for (let c = 0; c < clusters; c++) {
    const name = `quad-${c}`;
    const after = clusterValues(u, name, `nodes-${c % accounts}@${u.projectId}.iam.gserviceaccount.com`, true);
    records.push({ mod: "", mode: "managed", type: "google_container_cluster", name: "clusters", index: c, action: "no-op", before: asState(after), after });
  }
  for (let p = 0; p < pools; p++) {
    const c = Math.floor(p / 100);
    const pool = { name: `pool-${p}`, machine: MACHINES[p % MACHINES.length], min: 1, max: 10, spot: false };
    const after = poolValues(u, pool, `projects/${u.projectId}/locations/${u.region}/clusters/quad-${c}`, `nodes-${p % accounts}@${u.projectId}.iam.gserviceaccount.com`, U);
    records.push({ mod: "", mode: "managed", type: "google_container_node_pool", name: "pools", index: p, action: "create", before: null, after });
  }
  return records;
}

module.exports = { describeUnit, unitRecords, rootRecords, quadraticRecords, addressOf, indexSuffix, GOOGLE, UNITS_PER_TEAM, API_SET, NODE_ROLES };
