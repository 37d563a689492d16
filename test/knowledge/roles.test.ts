import {
  ROLE_TABLE,
  DEFAULT_NODE_SA_PERMISSIONS,
  roleHasPermission,
  roleInfo,
  permissionsOfRole,
  knownRoles,
  coversPermission,
} from "../../src/knowledge/roles";

/**
 * Which of `required` the union of `roles` grants, misses, or cannot decide.
 * A permission is missing only when every role answers false.
 */
function coverage(
  roles: readonly string[],
  required: readonly string[],
): { granted: string[]; missing: string[]; unknown: string[] } {
  const result = { granted: [] as string[], missing: [] as string[], unknown: [] as string[] };
  for (const permission of required) {
    const answers = roles.map((role) => roleHasPermission(role, permission));
    if (answers.includes(true)) result.granted.push(permission);
    else if (answers.includes("unknown")) result.unknown.push(permission);
    else result.missing.push(permission);
  }
  return result;
}

const LEGACY_FIVE = [
  "roles/logging.logWriter",
  "roles/monitoring.metricWriter",
  "roles/monitoring.viewer",
  "roles/stackdriver.resourceMetadata.writer",
  "roles/autoscaling.metricsWriter",
];

// The roles the brief asks for; every one must have an entry (possibly an empty, unknown-answering one).
const REQUESTED = [
  "container.defaultNodeServiceAccount", "container.nodeServiceAccount", "container.nodeServiceAgent", "container.defaultNodeServiceAgent",
  "container.serviceAgent", "container.admin", "container.clusterAdmin", "container.clusterViewer", "container.developer", "container.viewer",
  "logging.logWriter", "monitoring.metricWriter", "monitoring.viewer", "stackdriver.resourceMetadata.writer", "autoscaling.metricsWriter",
  "artifactregistry.reader", "artifactregistry.writer", "storage.objectViewer", "serviceusage.serviceUsageConsumer", "serviceusage.serviceUsageAdmin",
  "iam.serviceAccountUser", "iam.serviceAccountAdmin", "iam.serviceAccountTokenCreator", "resourcemanager.projectIamAdmin", "iam.securityAdmin",
  "compute.viewer", "compute.admin", "compute.networkUser", "compute.serviceAgent", "editor", "owner", "viewer",
].map((r) => `roles/${r}`);

const FILTER_PREFIXES = [
  "autoscaling.", "logging.logEntries.", "monitoring.", "stackdriver.", "container.clusters.", "container.operations.", "iam.serviceAccounts.",
  "resourcemanager.projects.", "serviceusage.services.", "artifactregistry.", "storage.objects.", "compute.regions.", "compute.networks.",
  "compute.subnetworks.", "compute.instances.create", "compute.instanceGroupManagers.", "telemetry.", "trafficdirector.",
];

describe("DEFAULT_NODE_SA_PERMISSIONS", () => {
  it("is exactly the stored permission list of roles/container.defaultNodeServiceAccount", () => {
    expect(DEFAULT_NODE_SA_PERMISSIONS).toEqual(roleInfo("roles/container.defaultNodeServiceAccount")!.includedPermissions);
    expect([...DEFAULT_NODE_SA_PERMISSIONS].sort()).toEqual([
      "autoscaling.sites.writeMetrics",
      "logging.logEntries.create",
      "monitoring.metricDescriptors.create",
      "monitoring.metricDescriptors.list",
      "monitoring.timeSeries.create",
      "monitoring.timeSeries.list",
    ]);
  });

  it("is frozen so a rule cannot change it for the next one", () => {
    expect(Object.isFrozen(DEFAULT_NODE_SA_PERMISSIONS)).toBe(true);
  });
});

describe("legacy node roles", () => {
  it("the five-role legacy set covers all six permissions of defaultNodeServiceAccount", () => {
    const result = coverage(LEGACY_FIVE, DEFAULT_NODE_SA_PERMISSIONS);
    expect(result.missing).toEqual([]);
    expect(result.unknown).toEqual([]);
    expect(result.granted.sort()).toEqual([...DEFAULT_NODE_SA_PERMISSIONS].sort());
  });

  it("logWriter + metricWriter alone lack monitoring.timeSeries.list and autoscaling.sites.writeMetrics", () => {
    const result = coverage(["roles/logging.logWriter", "roles/monitoring.metricWriter"], DEFAULT_NODE_SA_PERMISSIONS);
    expect(result.missing.sort()).toEqual(["autoscaling.sites.writeMetrics", "monitoring.timeSeries.list"]);
    expect(result.unknown).toEqual([]);
  });

  it("each of the five is needed for at least one permission except resourceMetadata.writer", () => {
    // Dropping monitoring.viewer loses timeSeries.list; dropping autoscaling.metricsWriter loses writeMetrics.
    expect(coverage(LEGACY_FIVE.filter((r) => r !== "roles/monitoring.viewer"), DEFAULT_NODE_SA_PERMISSIONS).missing).toEqual(["monitoring.timeSeries.list"]);
    expect(coverage(LEGACY_FIVE.filter((r) => r !== "roles/autoscaling.metricsWriter"), DEFAULT_NODE_SA_PERMISSIONS).missing).toEqual(["autoscaling.sites.writeMetrics"]);
    expect(coverage(LEGACY_FIVE.filter((r) => r !== "roles/stackdriver.resourceMetadata.writer"), DEFAULT_NODE_SA_PERMISSIONS).missing).toEqual([]);
  });

  it("the node roles that replaced the legacy set cover the required permissions", () => {
    for (const role of ["roles/container.defaultNodeServiceAccount", "roles/container.nodeServiceAccount", "roles/container.defaultNodeServiceAgent"]) {
      expect(coverage([role], DEFAULT_NODE_SA_PERMISSIONS)).toEqual({ granted: [...DEFAULT_NODE_SA_PERMISSIONS], missing: [], unknown: [] });
    }
  });

  it("Editor (held by the default compute SA) covers them, answered from its filtered entry", () => {
    expect(coverage(["roles/editor"], DEFAULT_NODE_SA_PERMISSIONS).missing).toEqual([]);
    expect(coverage(["roles/editor"], DEFAULT_NODE_SA_PERMISSIONS).unknown).toEqual([]);
  });

  it("image-pull roles do not make a node SA whole", () => {
    const result = coverage(["roles/artifactregistry.reader", "roles/storage.objectViewer"], DEFAULT_NODE_SA_PERMISSIONS);
    expect(result.missing.length).toBe(DEFAULT_NODE_SA_PERMISSIONS.length);
  });
});

describe("roleHasPermission", () => {
  it("answers true and false for whole roles", () => {
    expect(roleHasPermission("roles/iam.serviceAccountUser", "iam.serviceAccounts.actAs")).toBe(true);
    expect(roleHasPermission("roles/iam.serviceAccountAdmin", "iam.serviceAccounts.actAs")).toBe(false);
    expect(roleHasPermission("roles/resourcemanager.projectIamAdmin", "resourcemanager.projects.setIamPolicy")).toBe(true);
    expect(roleHasPermission("roles/serviceusage.serviceUsageAdmin", "serviceusage.services.enable")).toBe(true);
    expect(roleHasPermission("roles/container.clusterViewer", "container.clusters.get")).toBe(true);
    expect(roleHasPermission("roles/compute.networkUser", "compute.subnetworks.use")).toBe(true);
  });

  it("accepts role names without the roles/ prefix", () => {
    expect(roleHasPermission("logging.logWriter", "logging.logEntries.create")).toBe(true);
  });

  it("answers unknown for roles not in the table, including custom roles", () => {
    expect(roleHasPermission("roles/pubsub.publisher", "pubsub.topics.publish")).toBe("unknown");
    expect(roleHasPermission("projects/p/roles/nodeWriter", "logging.logEntries.create")).toBe("unknown");
    expect(permissionsOfRole("roles/pubsub.publisher")).toBeUndefined();
  });

  it("filtered roles answer inside their prefixes and unknown outside", () => {
    expect(roleHasPermission("roles/container.serviceAgent", "compute.regions.get")).toBe(true);
    expect(roleHasPermission("roles/container.serviceAgent", "compute.networks.get")).toBe(true);
    expect(roleHasPermission("roles/container.serviceAgent", "iam.serviceAccounts.actAs")).toBe(true);
    expect(roleHasPermission("roles/container.serviceAgent", "storage.objects.get")).toBe(false);
    expect(roleHasPermission("roles/container.serviceAgent", "compute.firewalls.create")).toBe("unknown");
    expect(roleHasPermission("roles/editor", "resourcemanager.projects.setIamPolicy")).toBe(false);
    expect(roleHasPermission("roles/editor", "iam.serviceAccounts.actAs")).toBe(true);
    expect(roleHasPermission("roles/editor", "pubsub.topics.publish")).toBe("unknown");
    expect(roleHasPermission("roles/compute.admin", "compute.instances.create")).toBe(true);
    expect(roleHasPermission("roles/compute.admin", "compute.disks.create")).toBe("unknown");
    // "compute.instances.create" is a prefix: it also covers createTagBinding but not other instance verbs.
    expect(roleHasPermission("roles/compute.admin", "compute.instances.delete")).toBe("unknown");
  });

  it("basic roles answer from their filtered entries", () => {
    expect(roleHasPermission("roles/owner", "resourcemanager.projects.setIamPolicy")).toBe(true);
    expect(roleHasPermission("roles/owner", "iam.serviceAccounts.actAs")).toBe(true);
    expect(roleHasPermission("roles/viewer", "iam.serviceAccounts.actAs")).toBe(false);
    expect(roleHasPermission("roles/viewer", "container.clusters.get")).toBe(true);
    expect(roleHasPermission("roles/viewer", "container.clusters.create")).toBe(false);
    expect(roleHasPermission("roles/viewer", "bigquery.jobs.create")).toBe("unknown");
    // Owner holds every node permission; Viewer only reads.
    expect(coverage(["roles/owner"], DEFAULT_NODE_SA_PERMISSIONS).missing).toEqual([]);
    expect(coverage(["roles/viewer"], DEFAULT_NODE_SA_PERMISSIONS).missing).toContain("logging.logEntries.create");
  });
});

describe("roles.json", () => {
  it("has every requested role", () => {
    for (const role of REQUESTED) expect(knownRoles()).toContain(role);
  });

  it("has a retrieval date and top-level sources", () => {
    expect(ROLE_TABLE.retrieved).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(ROLE_TABLE.sources.length).toBeGreaterThan(0);
    for (const source of ROLE_TABLE.sources) expect(source.what.length).toBeGreaterThan(0);
  });

  it("every entry has a source repository and path, and a commit unless the note says it was not located", () => {
    for (const [name, info] of Object.entries(ROLE_TABLE.roles)) {
      expect(info.source.repository).toBe("iann0036/iam-dataset");
      expect(info.source.path).toBe(`gcp/roles/${name.slice("roles/".length)}.json`);
      if (info.source.commit === null) expect(info.note).toBeTruthy();
      else expect(info.source.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(["GA", "BETA", "ALPHA", "DEPRECATED"]).toContain(info.stage);
      expect(info.title.length).toBeGreaterThan(0);
    }
  });

  it("whole entries are sorted, unique, within 400 and counted exactly", () => {
    for (const info of Object.values(ROLE_TABLE.roles).filter((i) => i.complete)) {
      const perms = [...info.includedPermissions];
      expect(perms).toEqual([...new Set(perms)].sort());
      expect(perms.length).toBeLessThanOrEqual(400);
      expect(info.permissionCount).toBe(perms.length);
    }
  });

  it("filtered entries use exactly the agreed prefixes and hold nothing outside them", () => {
    const filtered = Object.entries(ROLE_TABLE.roles).filter(([, i]) => !i.complete);
    expect(filtered.map(([n]) => n).sort()).toEqual([
      "roles/compute.admin", "roles/container.admin", "roles/container.serviceAgent", "roles/editor", "roles/iam.securityAdmin", "roles/owner", "roles/viewer",
    ]);
    for (const [name, info] of filtered) {
      const prefixes = info.completeForPrefixes ?? [];
      expect(prefixes).toEqual(FILTER_PREFIXES);
      expect(info.includedPermissions.length).toBeGreaterThan(0);
      for (const permission of info.includedPermissions) {
        expect({ name, permission, covered: coversPermission(info, permission) }).toEqual({ name, permission, covered: true });
      }
      expect(info.note).toBeTruthy();
    }
  });

  it("HEAD lists recorded in the research note say which older copy was also read", () => {
    for (const info of Object.values(ROLE_TABLE.roles)) {
      if (info.source.recordedIn) {
        expect(info.source.recordedIn).toContain("gke-iam-facts.md");
        expect(info.alsoRead?.commit).toMatch(/^[0-9a-f]{40}$/);
      }
    }
  });
});

describe("build output", () => {
  it("roles.json is imported through the module system, not read from disk at call time", () => {
    // Same object on every import: the table is parsed once.
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const again = require("../../src/knowledge/roles") as typeof import("../../src/knowledge/roles");
    expect(again.ROLE_TABLE).toBe(ROLE_TABLE);
  });
});

describe("deployer roles", () => {
  it("only the IAM-admin roles can set the project IAM policy; Editor cannot", () => {
    expect(roleHasPermission("roles/resourcemanager.projectIamAdmin", "resourcemanager.projects.setIamPolicy")).toBe(true);
    expect(roleHasPermission("roles/iam.securityAdmin", "resourcemanager.projects.setIamPolicy")).toBe(true);
    expect(roleHasPermission("roles/editor", "resourcemanager.projects.setIamPolicy")).toBe(false);
  });

  it("Security Admin can change service-account policies but cannot act as one", () => {
    expect(roleHasPermission("roles/iam.securityAdmin", "iam.serviceAccounts.setIamPolicy")).toBe(true);
    expect(roleHasPermission("roles/iam.securityAdmin", "iam.serviceAccounts.actAs")).toBe(false);
  });

  it("cluster-admin roles do not include actAs (the docs ask for Service Account User as well)", () => {
    expect(roleHasPermission("roles/container.clusterAdmin", "iam.serviceAccounts.actAs")).toBe(false);
    expect(roleHasPermission("roles/container.admin", "iam.serviceAccounts.actAs")).toBe(false);
    expect(roleHasPermission("roles/container.clusterAdmin", "container.clusters.create")).toBe(true);
  });
});
