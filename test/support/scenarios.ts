import { buildPlan, computed, ref, type PlanSpec, type ResourceSpec } from "./plan-builder";

/** Scenarios shared by the tests and the bundled examples (examples/ is generated from them). */
export const PROJECT = "acme-prod";
export const PROJECT_NUMBER = "123456789012";
export const AGENT = `service-${PROJECT_NUMBER}@container-engine-robot.iam.gserviceaccount.com`;

export const projectData: ResourceSpec = { type: "google_project", name: "this", mode: "data", values: { project_id: PROJECT, number: PROJECT_NUMBER, name: PROJECT } };

export const apis = (disableOnDestroy = false): ResourceSpec[] =>
  ["container", "compute"].map((api) => ({
    type: "google_project_service",
    name: `${api}_api`,
    values: { project: PROJECT, service: `${api}.googleapis.com`, disable_on_destroy: disableOnDestroy, id: computed },
  }));

export const nodeAccount: ResourceSpec = {
  type: "google_service_account",
  name: "gke_nodes",
  values: { account_id: "gke-nodes", display_name: "GKE nodes", project: PROJECT, email: computed, id: computed, member: computed, unique_id: computed },
};

export const grant = (name: string, role: string, member: string | ReturnType<typeof ref> = ref("google_service_account.gke_nodes.email"), extra: Partial<ResourceSpec> = {}): ResourceSpec => ({
  type: "google_project_iam_member",
  name,
  values: { project: PROJECT, role, member, etag: computed, id: computed },
  ...extra,
});

/** The GKE service agent exists once container.googleapis.com is enabled: its grant waits for that (GKE017). */
export const agentGrant: ResourceSpec = grant("gke_agent", "roles/container.serviceAgent", `serviceAccount:${AGENT}`, { dependsOn: ["google_project_service.container_api"] });

export const cluster = (serviceAccount: unknown = ref("google_service_account.gke_nodes.email"), extra: Record<string, unknown> = {}, grants = ["google_project_iam_member.nodes_default_node_sa"]): ResourceSpec => ({
  type: "google_container_cluster",
  name: "primary",
  values: {
    name: "primary",
    location: "europe-west1",
    project: PROJECT,
    initial_node_count: 1,
    remove_default_node_pool: true,
    deletion_protection: true,
    node_config: [{ service_account: serviceAccount as never, oauth_scopes: ["https://www.googleapis.com/auth/cloud-platform"], machine_type: "e2-standard-4" }],
    endpoint: computed,
    id: computed,
    master_version: computed,
    ...(extra as Record<string, never>),
  },
  dependsOn: ["google_project_service.container_api", "google_project_service.compute_api", ...grants],
});

export const nodePool = (serviceAccount: unknown = ref("google_service_account.gke_nodes.email")): ResourceSpec => ({
  type: "google_container_node_pool",
  name: "primary_nodes",
  values: {
    name: "primary-nodes",
    cluster: ref("google_container_cluster.primary.name"),
    location: "europe-west1",
    project: PROJECT,
    node_count: 2,
    node_config: [{ service_account: serviceAccount as never, oauth_scopes: ["https://www.googleapis.com/auth/cloud-platform"], machine_type: "e2-standard-4" }],
    id: computed,
  },
});

function plan(resources: ResourceSpec[], extra: Partial<PlanSpec> = {}) {
  return buildPlan({ project: PROJECT, providerVersion: "~> 6.0", resources, ...extra });
}

const LEGACY_ROLES = ["logging.logWriter", "monitoring.metricWriter", "monitoring.viewer", "stackdriver.resourceMetadata.writer", "autoscaling.metricsWriter"];

export const scenarios = {
  /** Everything right: dedicated account with the minimum role, agent granted, APIs enabled. */
  "good-cluster": () => plan([projectData, ...apis(), nodeAccount, grant("nodes_default_node_sa", "roles/container.defaultNodeServiceAccount"), agentGrant, cluster(), nodePool()]),
  /** The node account only has logWriter and metricWriter (an old tutorial's set). */
  "bad-minimal-roles": () => plan([projectData, ...apis(), nodeAccount, grant("nodes_log_writer", "roles/logging.logWriter"), grant("nodes_metric_writer", "roles/monitoring.metricWriter"), agentGrant, cluster(undefined, {}, ["google_project_iam_member.nodes_log_writer", "google_project_iam_member.nodes_metric_writer"]), nodePool()]),
  /** The legacy five-role set covers every permission of the minimum role. */
  "good-legacy-roles": () =>
    plan([
      projectData, ...apis(), nodeAccount,
      ...LEGACY_ROLES.map((r) => grant(`nodes_${r.replace(/\W/g, "_")}`, `roles/${r}`)),
      agentGrant, cluster(undefined, {}, LEGACY_ROLES.map((r) => `google_project_iam_member.nodes_${r.replace(/\W/g, "_")}`)), nodePool(),
    ]),
  /** An authoritative binding for roles/container.serviceAgent that forgets the GKE agent. */
  "bad-agent-binding": () =>
    plan([projectData, ...apis(), nodeAccount, grant("nodes_default_node_sa", "roles/container.defaultNodeServiceAccount"), cluster(), nodePool(), {
      type: "google_project_iam_binding",
      name: "service_agents",
      values: { project: PROJECT, role: "roles/container.serviceAgent", members: ["serviceAccount:ops-robot@acme-prod.iam.gserviceaccount.com"], etag: computed, id: computed },
    }]),
  /** The plan destroys the resource that enables container.googleapis.com. */
  "bad-api-destroyed": () =>
    plan([projectData, nodeAccount, grant("nodes_default_node_sa", "roles/container.defaultNodeServiceAccount"), agentGrant, cluster(), nodePool(),
      { type: "google_project_service", name: "compute_api", actions: ["no-op"], values: { project: PROJECT, service: "compute.googleapis.com", disable_on_destroy: false, id: `${PROJECT}/compute.googleapis.com` } },
      { type: "google_project_service", name: "container_api", actions: ["delete"], values: { project: PROJECT, service: "container.googleapis.com", disable_on_destroy: true, id: `${PROJECT}/container.googleapis.com` } },
    ]),
  /** Nodes run as an account that exists outside this configuration, with no grant visible. */
  "unknown-existing-account": () => plan([cluster("ci-nodes@acme-prod.iam.gserviceaccount.com"), nodePool("ci-nodes@acme-prod.iam.gserviceaccount.com")]),
};

export type ScenarioName = keyof typeof scenarios;

/** The same platform as CDKTF writes it (cdk.tf.json), good and bad. */
export function cdkTfJson(variant: "good" | "bad-default-sa"): Record<string, unknown> {
  const meta = (path: string, id: string) => ({ "//": { metadata: { path: `gke/${path}`, uniqueId: id } } });
  if (variant === "bad-default-sa") {
    return {
      "//": { metadata: { backend: "local", stackName: "gke", version: "0.21.0" }, outputs: {} },
      provider: { google: [{ project: "acme-sandbox", region: "europe-west1" }] },
      terraform: { required_providers: { google: { source: "google", version: "6.50.0" } } },
      resource: {
        google_project: { sandbox: { ...meta("sandbox", "sandbox"), project_id: "acme-sandbox", name: "acme-sandbox", org_id: "1234567890", billing_account: "000000-000000-000000" } },
        google_container_cluster: {
          cluster: { ...meta("cluster", "cluster"), name: "sandbox", location: "europe-west1", initial_node_count: 1, remove_default_node_pool: true, depends_on: ["google_project.sandbox"] },
        },
        google_container_node_pool: {
          pool: { ...meta("pool", "pool"), name: "pool", cluster: "${google_container_cluster.cluster.name}", location: "europe-west1", node_count: 1, node_config: { machine_type: "e2-medium" } },
        },
      },
    };
  }
  return {
    "//": { metadata: { backend: "local", stackName: "gke", version: "0.21.0" }, outputs: {} },
    provider: { google: [{ project: PROJECT, region: "europe-west1" }] },
    terraform: { required_providers: { google: { source: "google", version: "6.50.0" } } },
    data: { google_project: { project: { ...meta("project", "project"), project_id: PROJECT } } },
    resource: {
      google_project_service: {
        container_api: { ...meta("container_api", "container_api"), service: "container.googleapis.com", disable_on_destroy: false },
        compute_api: { ...meta("compute_api", "compute_api"), service: "compute.googleapis.com", disable_on_destroy: false },
      },
      google_service_account: { nodes_sa: { ...meta("nodes_sa", "nodes_sa"), account_id: "gke-nodes", display_name: "GKE nodes" } },
      google_project_iam_member: {
        nodes_default_node_sa: { ...meta("nodes_default_node_sa", "nodes_default_node_sa"), project: PROJECT, role: "roles/container.defaultNodeServiceAccount", member: "serviceAccount:${google_service_account.nodes_sa.email}" },
        gke_agent: { ...meta("gke_agent", "gke_agent"), project: PROJECT, role: "roles/container.serviceAgent", member: "serviceAccount:service-${data.google_project.project.number}@container-engine-robot.iam.gserviceaccount.com", depends_on: ["google_project_service.container_api"] },
      },
      google_container_cluster: {
        cluster: {
          ...meta("cluster", "cluster"), name: "demo", location: "europe-west1", initial_node_count: 1, remove_default_node_pool: true, deletion_protection: false,
          node_config: { service_account: "${google_service_account.nodes_sa.email}", oauth_scopes: ["https://www.googleapis.com/auth/cloud-platform"] },
          depends_on: ["google_project_service.container_api", "google_project_service.compute_api", "google_project_iam_member.nodes_default_node_sa"],
        },
      },
      google_container_node_pool: {
        pool: { ...meta("pool", "pool"), name: "pool", cluster: "${google_container_cluster.cluster.name}", location: "europe-west1", node_count: 1, node_config: { machine_type: "e2-medium", service_account: "${google_service_account.nodes_sa.email}" } },
      },
    },
  };
}
