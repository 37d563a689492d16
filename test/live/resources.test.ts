import { matchAllowedMethod } from "../../src/live/allowlist";
import { liveRequestFor } from "../../src/live/request";
import type { LiveFacts } from "../../src/live/facts";
import type { LiveRequest } from "../../src/live/request-types";
import { modelFromTerraformJson } from "../../src/inputs/terraform-json";
import { modelFromPlan } from "../../src/inputs/plan-json";
import { buildPlan } from "../support/plan-builder";
import { checkModel } from "../../src/engine/check";
import type { Finding } from "../../src/rules/types";
import { stack, tf } from "../rules/helpers";
import { PROJECT, cluster } from "../support/scenarios";
import type { Fault, Fixture, FixtureProject } from "./emulator";
import { emulatorOptions, FAKE_TOKEN, runReader, withEmulator } from "./harness";
import { preflight, statusesOf } from "./cli-harness";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * --live for GKE012–GKE016: what liveRequestFor plans for each rule, what the reader makes of the
 * emulator's answers, and each rule's verdict with the facts read (fail / unknown / pass), every
 * request on the wire checked to be an allowlisted read.
 */
const NUMBER = "402917365511";
const HOST = "acme-net-host";
const HOST_NUMBER = "770011223344";
const KMS = "acme-kms";
const SUBNET = `projects/${HOST}/regions/europe-west1/subnetworks/gke-nodes`;
const KEY = `projects/${KMS}/locations/europe-west1/keyRings/gke/cryptoKeys/secrets`;
const GKE_AGENT = `serviceAccount:service-${NUMBER}@container-engine-robot.iam.gserviceaccount.com`;
const APIS_AGENT = `serviceAccount:${NUMBER}@cloudservices.gserviceaccount.com`;
const KEY_ROLE = "roles/cloudkms.cryptoKeyEncrypterDecrypter";

const base = {
  google_project_service: tf.apis,
  google_service_account: { nodes_sa: tf.account },
  google_project_iam_member: { nodes_default_node_sa: tf.nodeGrant },
};

/** Each rule's input: the cluster uses something outside the configuration. */
const inputs = {
  sharedVpc: stack({ ...base, google_container_cluster: { cluster: tf.cluster({ network: `projects/${HOST}/global/networks/shared`, subnetwork: SUBNET }) } }),
  ranges: stack({ ...base, google_container_cluster: { cluster: tf.cluster({ network: `projects/${HOST}/global/networks/shared`, subnetwork: SUBNET, ip_allocation_policy: { cluster_secondary_range_name: "pods", services_secondary_range_name: "services" } }) } }),
  kms: stack({ ...base, google_container_cluster: { cluster: tf.cluster({ database_encryption: { state: "ENCRYPTED", key_name: KEY } }) } }),
  pool: stack({
    ...base,
    google_service_account: { nodes_sa: tf.account, web: { account_id: "web", display_name: "web" } },
    google_service_account_iam_member: { web_wi: { service_account_id: "${google_service_account.web.name}", role: "roles/iam.workloadIdentityUser", member: `serviceAccount:${PROJECT}.svc.id.goog[apps/web]` } },
  }),
  versions: stack({ ...base, google_container_cluster: { cluster: tf.cluster({ min_master_version: "1.32.4-gke.1106006" }) }, google_container_node_pool: { pool: tf.pool({ version: "1.31" }) } }),
};

function project(id: string, number: string, extra: Partial<FixtureProject> = {}): FixtureProject {
  return { projectId: id, projectNumber: number, iamPolicy: { bindings: [] }, enabledServices: ["compute.googleapis.com", "container.googleapis.com"], ...extra };
}

/** The projects every case reads; `host`, `kms` and `prod` add to them. */
function fixture(parts: { prod?: Partial<FixtureProject>; host?: Partial<FixtureProject>; kms?: Partial<FixtureProject>; callerCannot?: string[]; serverConfigs?: Fixture["serverConfigs"] } = {}): Fixture {
  return {
    projects: [project(PROJECT, NUMBER, parts.prod), project(HOST, HOST_NUMBER, parts.host), project(KMS, "880011223344", parts.kms)],
    predefinedRoles: { "roles/compute.networkUser": ["compute.subnetworks.use", "compute.subnetworks.get"], "roles/container.hostServiceAgentUser": ["compute.firewalls.get", "container.hostServiceAgent.use"] },
    ...(parts.callerCannot && { callerCannot: parts.callerCannot }),
    ...(parts.serverConfigs && { serverConfigs: parts.serverConfigs }),
  };
}

function modelOf(json: Record<string, unknown>) {
  return modelFromTerraformJson(json, { file: "cdk.tf.json" });
}

interface LiveRun {
  findings: Finding[];
  facts: LiveFacts;
  /** `METHOD method.id` of every request the emulator answered. */
  methods: string[];
}

/** liveRequestFor → the reader against the emulator → the rule with the facts read. */
async function live(rule: string, json: Record<string, unknown>, world: Fixture, faults: Fault[] = []): Promise<LiveRun> {
  const model = modelOf(json);
  const request = liveRequestFor([model]);
  return withEmulator(world, async (emulator) => {
    for (const fault of faults) emulator.inject(fault);
    const run = await runReader(request, emulatorOptions(emulator, { retries: 0 }));
    expect(run.thrown).toBeUndefined();
    for (const seen of emulator.requests) {
      // Read-only on the wire: each request is an allowlisted read, and the new ones are GETs.
      const allowed = matchAllowedMethod(seen.method, `http://127.0.0.1${seen.url}`);
      expect([seen.method, seen.path, allowed?.id !== undefined]).toEqual([seen.method, seen.path, true]);
      if (/^(compute|cloudkms|container)\./.test(allowed!.id)) expect(seen.method).toBe("GET");
    }
    const findings = checkModel(modelOf(json), { includePass: true, rules: [rule], live: run.facts });
    return { findings, facts: run.facts, methods: emulator.requests.map((seen) => `${seen.method} ${seen.method_id}`) };
  });
}

/** Distinct "status address" lines, sorted: a rule reports each use at an address (two ranges, two versions of a pool). */
const statuses = (findings: Finding[]) => [...new Set(findings.map((finding) => `${finding.status} ${finding.address}`))].sort();
const offline = (rule: string, json: Record<string, unknown>) => checkModel(modelOf(json), { includePass: true, rules: [rule] });

describe("liveRequestFor plans the resource reads of GKE012–GKE016", () => {
  test("GKE012: the host project, and the IAM policy of the subnetwork (not its ranges, no range is named)", () => {
    const request = liveRequestFor([modelOf(inputs.sharedVpc)]);
    expect(request.projects).toEqual(expect.arrayContaining([HOST, PROJECT]));
    expect(request.subnetworks).toEqual({ [SUBNET]: ["iamPolicy"] });
  });

  test("GKE016: the secondary ranges of a subnetwork outside the input; none for a subnetwork of the configuration", () => {
    expect(liveRequestFor([modelOf(inputs.ranges)]).subnetworks).toEqual({ [SUBNET]: ["iamPolicy", "secondaryRanges"] });
    const own = stack({
      ...base,
      google_compute_network: { vpc: { name: "vpc", auto_create_subnetworks: false } },
      google_compute_subnetwork: { gke: { name: "gke", region: "europe-west1", network: "${google_compute_network.vpc.id}", ip_cidr_range: "10.0.0.0/20", secondary_ip_range: [{ range_name: "pods", ip_cidr_range: "10.4.0.0/14" }] } },
      google_container_cluster: { cluster: tf.cluster({ network: "${google_compute_network.vpc.id}", subnetwork: "${google_compute_subnetwork.gke.id}", ip_allocation_policy: { cluster_secondary_range_name: "pods" } }) },
    });
    expect(liveRequestFor([modelOf(own)]).subnetworks).toBeUndefined();
  });

  test("GKE014: an existing key (state, key and ring policies) and its project; a key this apply creates is not read", () => {
    const request = liveRequestFor([modelOf(inputs.kms)]);
    expect(request.cryptoKeys).toEqual([KEY]);
    expect(request.projects).toContain(KMS);
    const created = stack({
      ...base,
      google_kms_key_ring: { ring: { project: KMS, name: "gke", location: "europe-west1" } },
      google_kms_crypto_key: { secrets: { name: "secrets", key_ring: "${google_kms_key_ring.ring.id}" } },
      google_container_cluster: { cluster: tf.cluster({ database_encryption: { state: "ENCRYPTED", key_name: "${google_kms_crypto_key.secrets.id}" } }) },
    });
    expect(liveRequestFor([modelOf(created)]).cryptoKeys).toBeUndefined();
  });

  test("GKE013: the clusters of an existing project a Kubernetes service account grant names; not of a project created here", () => {
    expect(liveRequestFor([modelOf(inputs.pool)]).workloadPoolProjects).toEqual([PROJECT]);
    const created = stack({
      ...base,
      google_project: { apps: { project_id: "acme-apps", name: "acme-apps", org_id: "1234567890", billing_account: "000000-000000-000000" } },
      google_service_account: { nodes_sa: tf.account, web: { account_id: "web", display_name: "web" } },
      google_service_account_iam_member: { web_wi: { service_account_id: "${google_service_account.web.name}", role: "roles/iam.workloadIdentityUser", member: "serviceAccount:acme-apps.svc.id.goog[apps/web]" } },
    });
    expect(liveRequestFor([modelOf(created)]).workloadPoolProjects).toBeUndefined();
  });

  test("GKE015: the server config of the location of a cluster that pins a version; none when nothing is pinned", () => {
    expect(liveRequestFor([modelOf(inputs.versions)]).serverConfigs).toEqual([`projects/${PROJECT}/locations/europe-west1`]);
    expect(liveRequestFor([modelOf(inputs.sharedVpc)]).serverConfigs).toBeUndefined();
  });

  test("GKE017: the project of the agent a grant names, also when the grant is on another project's resource", () => {
    const json = stack({ ...base, google_project_iam_member: { ...base.google_project_iam_member, host_user: { project: HOST, role: "roles/container.hostServiceAgentUser", member: "serviceAccount:service-111122223333@container-engine-robot.iam.gserviceaccount.com" } } });
    expect(liveRequestFor([modelOf(json)]).projects).toEqual(expect.arrayContaining(["111122223333", HOST]));
  });
});

describe("the reader", () => {
  test("reads subnetworks, keys, clusters and server configs with GETs only; 404 is 'does not exist', a 403 names the permission", async () => {
    const request: LiveRequest = {
      projects: [],
      serviceAccounts: [],
      roles: [],
      callerPermissions: {},
      actAsChecks: [],
      subnetworks: { [SUBNET]: ["iamPolicy", "secondaryRanges"], [`projects/${HOST}/regions/europe-west1/subnetworks/gone`]: ["secondaryRanges"] },
      cryptoKeys: [KEY, `projects/${KMS}/locations/europe-west1/keyRings/gke/cryptoKeys/gone`],
      workloadPoolProjects: [PROJECT],
      serverConfigs: [`projects/${PROJECT}/locations/europe-west1`],
    };
    const world = fixture({
      host: { subnetworks: { "europe-west1/gke-nodes": { secondaryRanges: ["pods", "services"], iamPolicy: { bindings: [{ role: "roles/compute.networkUser", members: [APIS_AGENT] }] } } } },
      kms: { keyRings: { "europe-west1/gke": { iamPolicy: { bindings: [] }, keys: { secrets: { primaryState: "DISABLED", iamPolicy: { bindings: [{ role: KEY_ROLE, members: [GKE_AGENT], condition: { title: "until 2027", expression: "request.time < timestamp('2027-01-01T00:00:00Z')" } }] } } } } } },
      prod: { clusters: [{ name: "old", location: "europe-west1-b", workloadIdentityConfig: { workloadPool: `${PROJECT}.svc.id.goog` } }, { name: "plain", location: "europe-west1" }] },
      serverConfigs: { "europe-west1": { defaultClusterVersion: "1.32.4-gke.1106006", validMasterVersions: ["1.33.1-gke.100", "1.32.4-gke.1106006"], validNodeVersions: ["1.33.1-gke.100", "1.32.4-gke.1106006", "1.31.6-gke.1020000"], channels: [{ channel: "REGULAR", defaultVersion: "1.32.4-gke.1106006", validVersions: ["1.32.4-gke.1106006"] }] } },
      callerCannot: ["cloudkms.keyRings.getIamPolicy"],
    });
    await withEmulator(world, async (emulator) => {
      const run = await runReader(request, emulatorOptions(emulator, { retries: 0 }));
      expect(run.thrown).toBeUndefined();
      expect(run.facts.subnetworks).toEqual({
        [SUBNET]: { name: SUBNET, secondaryRanges: { exists: true, rangeNames: ["pods", "services"] }, iamPolicy: [{ role: "roles/compute.networkUser", members: [APIS_AGENT] }] },
        [`projects/${HOST}/regions/europe-west1/subnetworks/gone`]: { name: `projects/${HOST}/regions/europe-west1/subnetworks/gone`, secondaryRanges: { exists: false } },
      });
      const key = run.facts.cryptoKeys![KEY]!;
      expect(key.state).toEqual({ exists: true, purpose: "ENCRYPT_DECRYPT", primaryState: "DISABLED" });
      expect(key.iamPolicy).toEqual([{ role: KEY_ROLE, members: [GKE_AGENT], condition: { title: "until 2027", expression: "request.time < timestamp('2027-01-01T00:00:00Z')" } }]);
      expect(key.ringIamPolicy).toMatchObject({ missingPermission: "cloudkms.keyRings.getIamPolicy" });
      expect(run.facts.cryptoKeys![`projects/${KMS}/locations/europe-west1/keyRings/gke/cryptoKeys/gone`]!.state).toEqual({ exists: false });
      expect(run.facts.workloadPools).toEqual({ [PROJECT]: { project: PROJECT, clustersWithPool: [{ cluster: "europe-west1-b/old", pool: `${PROJECT}.svc.id.goog` }] } });
      expect(run.facts.serverConfigs![`projects/${PROJECT}/locations/europe-west1`]).toEqual({
        name: `projects/${PROJECT}/locations/europe-west1`,
        defaultClusterVersion: "1.32.4-gke.1106006",
        validMasterVersions: ["1.33.1-gke.100", "1.32.4-gke.1106006"],
        validNodeVersions: ["1.33.1-gke.100", "1.32.4-gke.1106006", "1.31.6-gke.1020000"],
        channels: { REGULAR: { defaultVersion: "1.32.4-gke.1106006", validVersions: ["1.32.4-gke.1106006"] } },
      });
      // One call per distinct read (the ring is read once for its two keys), each a GET.
      expect(emulator.requests.every((seen) => seen.method === "GET")).toBe(true);
      expect(emulator.methodsCalled().sort()).toEqual(
        [
          "compute.subnetworks.get",
          "compute.subnetworks.get",
          "compute.subnetworks.getIamPolicy",
          "cloudkms.projects.locations.keyRings.cryptoKeys.get",
          "cloudkms.projects.locations.keyRings.cryptoKeys.get",
          "cloudkms.projects.locations.keyRings.cryptoKeys.getIamPolicy",
          "cloudkms.projects.locations.keyRings.cryptoKeys.getIamPolicy",
          "cloudkms.projects.locations.keyRings.getIamPolicy",
          "container.projects.locations.clusters.list",
          "container.projects.locations.getServerConfig",
        ].sort(),
      );
    });
  });

  test("a cluster list with zones Google could not list, and no pool among the rest, is an error, not 'no cluster'", async () => {
    const request: LiveRequest = { projects: [], serviceAccounts: [], roles: [], callerPermissions: {}, actAsChecks: [], workloadPoolProjects: [PROJECT] };
    await withEmulator(fixture({ prod: { clusters: [{ name: "plain", location: "europe-west1" }] } }), async (emulator) => {
      emulator.inject({ path: "/locations/-/clusters", rewrite: (body) => ({ ...(body as object), missingZones: ["asia-east1-a"] }) });
      const run = await runReader(request, emulatorOptions(emulator, { retries: 0 }));
      expect(run.facts.workloadPools![PROJECT]).toMatchObject({ error: expect.stringContaining("asia-east1-a") });
    });
  });

  test("an answer of the wrong shape (a range without its name) is refused, not read as no ranges", async () => {
    const request: LiveRequest = { projects: [], serviceAccounts: [], roles: [], callerPermissions: {}, actAsChecks: [], subnetworks: { [SUBNET]: ["secondaryRanges"] } };
    await withEmulator(fixture({ host: { subnetworks: { "europe-west1/gke-nodes": { secondaryRanges: ["pods"] } } } }), async (emulator) => {
      emulator.inject({ path: "/subnetworks/gke-nodes", rewrite: () => ({ name: "gke-nodes", secondaryIpRanges: [{ ipCidrRange: "10.0.0.0/16" }] }) });
      const run = await runReader(request, emulatorOptions(emulator, { retries: 0 }));
      expect(run.facts.subnetworks![SUBNET]!.secondaryRanges).toMatchObject({ error: expect.stringContaining("rangeName") });
    });
  });
});

describe("GKE012 with --live: the subnetwork's own IAM policy", () => {
  const RULE = "GKE012";
  const hostGrants = { iamPolicy: { bindings: [{ role: "roles/container.hostServiceAgentUser", members: [GKE_AGENT] }, { role: "roles/compute.networkUser", members: [GKE_AGENT] }] } };
  const subnet = (members: string[]) => ({ subnetworks: { "europe-west1/gke-nodes": { iamPolicy: { bindings: members.length ? [{ role: "roles/compute.networkUser", members }] : [] } } } });

  test("offline: unknown", () => {
    expect(statuses(offline(RULE, inputs.sharedVpc))).toEqual(["unknown google_container_cluster.cluster"]);
  });

  test("pass: the host project grants the GKE agent its roles, the subnetwork grants networkUser to the Google APIs agent", async () => {
    const run = await live(RULE, inputs.sharedVpc, fixture({ host: { ...hostGrants, ...subnet([APIS_AGENT]) } }));
    expect(statuses(run.findings)).toEqual(["pass google_container_cluster.cluster"]);
    expect(run.methods).toContain("GET compute.subnetworks.getIamPolicy");
  });

  test("fail: neither the host project nor the subnetwork's policy grants the Google APIs agent networkUser", async () => {
    const run = await live(RULE, inputs.sharedVpc, fixture({ host: { ...hostGrants, ...subnet([]) } }));
    expect(statuses(run.findings)).toEqual(["fail google_container_cluster.cluster"]);
    expect(run.findings[0]!.message).toContain("the Google APIs service agent");
    expect(run.findings[0]!.message).toContain("its IAM policy read live");
  });

  test("unknown: the subnetwork's policy cannot be read; the reason names the permission", async () => {
    const run = await live(RULE, inputs.sharedVpc, fixture({ host: { ...hostGrants, ...subnet([]) }, callerCannot: ["compute.subnetworks.getIamPolicy"] }));
    expect(statuses(run.findings)).toEqual(["unknown google_container_cluster.cluster"]);
    expect(run.findings[0]!.reason).toContain("the caller lacks compute.subnetworks.getIamPolicy");
  });
});

describe("GKE013 with --live: whether the project has a cluster with Workload Identity", () => {
  const RULE = "GKE013";
  const address = "google_service_account_iam_member.web_wi";

  test("offline: unknown", () => {
    expect(statuses(offline(RULE, inputs.pool))).toEqual([`unknown ${address}`]);
  });

  test("pass: a cluster of the project has set its pool", async () => {
    const run = await live(RULE, inputs.pool, fixture({ prod: { clusters: [{ name: "apps", location: "europe-west1", workloadIdentityConfig: { workloadPool: `${PROJECT}.svc.id.goog` } }] } }));
    expect(statuses(run.findings)).toEqual([`pass ${address}`]);
    expect(run.findings[0]!.message).toContain("europe-west1/apps");
    expect(run.methods).toContain("GET container.projects.locations.clusters.list");
  });

  test("unknown, narrowed: no cluster has Workload Identity now, and the pool of an earlier one would remain", async () => {
    const run = await live(RULE, inputs.pool, fixture({ prod: { clusters: [{ name: "plain", location: "europe-west1" }] } }));
    expect(statuses(run.findings)).toEqual([`unknown ${address}`]);
    expect(run.findings[0]!.reason).toContain("no cluster of acme-prod has Workload Identity now (read live)");
  });

  test("unknown: the clusters cannot be listed; the reason names the permission", async () => {
    const run = await live(RULE, inputs.pool, fixture({ callerCannot: ["container.clusters.list"] }));
    expect(statuses(run.findings)).toEqual([`unknown ${address}`]);
    expect(run.findings[0]!.reason).toContain("the caller lacks container.clusters.list");
  });

  test("fail stays fail: a project created here has no pool, and nothing is listed for it", async () => {
    const created = stack({
      ...base,
      google_project: { apps: { project_id: "acme-apps", name: "acme-apps", org_id: "1234567890", billing_account: "000000-000000-000000" } },
      google_service_account: { nodes_sa: tf.account, web: { account_id: "web", display_name: "web" } },
      google_service_account_iam_member: { web_wi: { service_account_id: "${google_service_account.web.name}", role: "roles/iam.workloadIdentityUser", member: "serviceAccount:acme-apps.svc.id.goog[apps/web]" } },
    });
    const run = await live(RULE, created, fixture());
    expect(statuses(run.findings)).toEqual([`fail ${address}`]);
    expect(run.methods.some((method) => method.includes("clusters.list"))).toBe(false);
  });
});

describe("GKE014 with --live: the key's state and the IAM policies of the key and its ring", () => {
  const RULE = "GKE014";
  const address = "google_container_cluster.cluster";
  const ring = (key: Record<string, unknown>, ringBindings: unknown[] = []) => ({ keyRings: { "europe-west1/gke": { iamPolicy: { bindings: ringBindings as never }, keys: { secrets: key } } } });

  test("offline: unknown", () => {
    expect(statuses(offline(RULE, inputs.kms))).toEqual([`unknown ${address}`]);
  });

  test("pass: the key ring's policy grants the GKE service agent Encrypter/Decrypter, the key is enabled", async () => {
    const run = await live(RULE, inputs.kms, fixture({ kms: ring({}, [{ role: KEY_ROLE, members: [GKE_AGENT] }]) }));
    expect(statuses(run.findings)).toEqual([`pass ${address}`]);
    expect(run.findings[0]!.message).toContain("the key ring projects/acme-kms/locations/europe-west1/keyRings/gke grants roles/cloudkms.cryptoKeyEncrypterDecrypter (read live)");
    expect(run.methods).toEqual(expect.arrayContaining(["GET cloudkms.projects.locations.keyRings.cryptoKeys.get", "GET cloudkms.projects.locations.keyRings.cryptoKeys.getIamPolicy", "GET cloudkms.projects.locations.keyRings.getIamPolicy"]));
  });

  test("fail: the grant on the key goes to the node account, not the agent", async () => {
    const run = await live(RULE, inputs.kms, fixture({ kms: ring({ iamPolicy: { bindings: [{ role: KEY_ROLE, members: [`serviceAccount:gke-nodes@${PROJECT}.iam.gserviceaccount.com`] }] } }) }));
    expect(statuses(run.findings)).toEqual([`fail ${address}`]);
    expect(run.findings[0]!.message).toContain("nor on the key or its key ring (their IAM policies read live)");
  });

  test.each([["DISABLED"], ["DESTROYED"], ["DESTROY_SCHEDULED"]])("fail: the key's primary version is %s, whatever the grants", async (state) => {
    const run = await live(RULE, inputs.kms, fixture({ kms: ring({ primaryState: state, iamPolicy: { bindings: [{ role: KEY_ROLE, members: [GKE_AGENT] }] } }) }));
    expect(statuses(run.findings)).toEqual([`fail ${address}`]);
    expect(run.findings[0]!.message).toContain(`has its primary version ${state} (read live)`);
  });

  test("unknown, not fail: an existing cluster on a disabled key (the apply may not make GKE use it)", async () => {
    const plan = buildPlan({ project: PROJECT, resources: [{ ...cluster(undefined, { database_encryption: [{ state: "ENCRYPTED", key_name: KEY }] }), actions: ["no-op"] }] });
    const model = modelFromPlan(plan, "plan.json");
    const world = fixture({ kms: ring({ primaryState: "DISABLED", iamPolicy: { bindings: [{ role: KEY_ROLE, members: [GKE_AGENT] }] } }) });
    const facts = await withEmulator(world, async (emulator) => (await runReader(liveRequestFor([model]), emulatorOptions(emulator, { retries: 0 }))).facts);
    const findings = checkModel(modelFromPlan(plan, "plan.json"), { includePass: true, rules: [RULE], live: facts });
    expect(statuses(findings)).toEqual(["unknown google_container_cluster.primary"]);
    expect(findings[0]!.message).toContain("has its primary version DISABLED (read live)");
  });

  test("unknown: a conditional grant on the key; unknown: the policies cannot be read, the reason names the permission", async () => {
    const conditional = await live(RULE, inputs.kms, fixture({ kms: ring({ iamPolicy: { bindings: [{ role: KEY_ROLE, members: [GKE_AGENT], condition: { title: "business hours", expression: "request.time.getHours('UTC') < 18" } }] } }) }));
    expect(statuses(conditional.findings)).toEqual([`unknown ${address}`]);
    expect(conditional.findings[0]!.reason).toContain("only under the IAM condition");
    const denied = await live(RULE, inputs.kms, fixture({ kms: ring({}), callerCannot: ["cloudkms.cryptoKeys.getIamPolicy", "cloudkms.keyRings.getIamPolicy"] }));
    expect(statuses(denied.findings)).toEqual([`unknown ${address}`]);
    expect(denied.findings[0]!.reason).toContain("the caller lacks cloudkms.cryptoKeys.getIamPolicy");
  });
});

describe("GKE016 with --live: the secondary ranges of a subnetwork outside the input", () => {
  const RULE = "GKE016";
  const address = "google_container_cluster.cluster";
  const ranges = (names: string[]) => ({ subnetworks: { "europe-west1/gke-nodes": { secondaryRanges: names } } });

  test("offline: unknown", () => {
    expect(statuses(offline(RULE, inputs.ranges))).toEqual([`unknown ${address}`]);
  });

  test("pass: the subnetwork has both ranges", async () => {
    const run = await live(RULE, inputs.ranges, fixture({ host: ranges(["pods", "services"]) }));
    expect(statuses(run.findings)).toEqual([`pass ${address}`]);
    expect(run.methods).toContain("GET compute.subnetworks.get");
  });

  test("fail: the subnetwork has no range named services; fail: the subnetwork does not exist", async () => {
    const missing = await live(RULE, inputs.ranges, fixture({ host: ranges(["pods", "svc"]) }));
    expect(statuses(missing.findings)).toEqual([`fail ${address}`]);
    expect(missing.findings[0]!.message).toContain("has only pods, svc (read live)");
    expect(missing.findings[0]!.remediation?.gcloud.join("\n")).toContain("--add-secondary-ranges=services=CIDR");
    const gone = await live(RULE, inputs.ranges, fixture());
    expect(statuses(gone.findings)).toEqual([`fail ${address}`]);
    expect(gone.findings[0]!.message).toContain("which does not exist (read live)");
  });

  test("a subnetwork read by a data source (its ranges known only at apply in a cdk.tf.json) is read live too", async () => {
    const json = stack(
      { ...base, google_container_cluster: { cluster: tf.cluster({ network: `projects/${HOST}/global/networks/shared`, subnetwork: "${data.google_compute_subnetwork.shared.self_link}", ip_allocation_policy: { cluster_secondary_range_name: "pods", services_secondary_range_name: "services" } }) } },
      { data: { google_compute_subnetwork: { shared: { project: HOST, region: "europe-west1", name: "gke-nodes" } } } },
    );
    expect(statuses(offline(RULE, json))).toEqual([`unknown ${address}`]);
    expect(liveRequestFor([modelOf(json)]).subnetworks?.[SUBNET]).toContain("secondaryRanges");
    const run = await live(RULE, json, fixture({ host: ranges(["pods"]) }));
    expect(statuses(run.findings)).toEqual([`fail ${address}`]); // the worst verdict per address: services is missing, pods is there
    expect(run.findings.find((finding) => finding.status === "fail")!.message).toContain("has only pods (read live)");
  });

  test("unknown: the subnetwork cannot be read; the reason names the permission", async () => {
    const run = await live(RULE, inputs.ranges, fixture({ host: ranges(["pods", "services"]), callerCannot: ["compute.subnetworks.get"] }));
    expect(statuses(run.findings)).toEqual([`unknown ${address}`]);
    expect(run.findings[0]!.reason).toContain("the caller lacks compute.subnetworks.get");
  });
});

describe("GKE015 with --live: the versions GKE offers in the location", () => {
  const RULE = "GKE015";
  const config = (master: string[], node: string[]) => ({ "europe-west1": { validMasterVersions: master, validNodeVersions: node, channels: [{ channel: "REGULAR", validVersions: master.slice(0, 1) }] } });

  test("offline: the skew alone (pass)", () => {
    expect(statuses(offline(RULE, inputs.versions))).toEqual(["pass google_container_node_pool.pool"]);
  });

  test("pass: both versions are offered (1.31 names any of its patches)", async () => {
    const run = await live(RULE, inputs.versions, fixture({ serverConfigs: config(["1.32.4-gke.1106006"], ["1.32.4-gke.1106006", "1.31.6-gke.1020000"]) }));
    expect(statuses(run.findings)).toEqual(["pass google_container_cluster.cluster", "pass google_container_node_pool.pool"]);
    expect(run.methods).toContain("GET container.projects.locations.getServerConfig");
  });

  test("fail: the control plane's version is no longer offered there", async () => {
    const run = await live(RULE, inputs.versions, fixture({ serverConfigs: config(["1.33.1-gke.100"], ["1.33.1-gke.100", "1.31.6-gke.1020000"]) }));
    expect(statuses(run.findings)).toEqual(["fail google_container_cluster.cluster", "pass google_container_node_pool.pool"]);
    const fail = run.findings.find((finding) => finding.status === "fail")!;
    expect(fail.message).toContain("asks for 1.32.4-gke.1106006 (min_master_version), which GKE does not offer for the control plane in europe-west1 (read live");
  });

  test("only versions the apply sends are looked up: an unchanged existing cluster's stale version is not, a pool's new version is", async () => {
    const plan = buildPlan({
      project: PROJECT,
      resources: [
        { ...cluster(undefined, { min_master_version: "1.30.1-gke.1", master_version: "1.31.6-gke.1020000" }), actions: ["no-op"] },
        { type: "google_container_node_pool", name: "pool", actions: ["update"], values: { name: "pool", cluster: "primary", location: "europe-west1", project: PROJECT, version: "1.31.6-gke.1020000" }, before: { name: "pool", cluster: "primary", location: "europe-west1", project: PROJECT, version: "1.30.1-gke.1" } },
      ],
    });
    const model = modelFromPlan(plan, "plan.json");
    expect(liveRequestFor([model]).serverConfigs).toEqual([`projects/${PROJECT}/locations/europe-west1`]);
    const world = fixture({ serverConfigs: config(["1.31.6-gke.1020000"], ["1.31.6-gke.1020000"]) });
    const run = await withEmulator(world, async (emulator) => (await runReader(liveRequestFor([model]), emulatorOptions(emulator, { retries: 0 }))).facts);
    const findings = checkModel(modelFromPlan(plan, "plan.json"), { includePass: true, rules: [RULE], live: run });
    // The cluster's 1.30.1-gke.1 is no longer offered, but it is not sent: no verdict on it; the pool's is offered.
    expect(findings.filter((finding) => finding.message.includes("offer")).map((finding) => `${finding.status} ${finding.address}`)).toEqual(["pass google_container_node_pool.pool"]);
  });

  test("unknown: the server config cannot be read", async () => {
    const run = await live(RULE, inputs.versions, fixture(), [{ path: "/serverConfig", status: 403 }]);
    expect(statuses(run.findings)).toEqual(["unknown google_container_cluster.cluster", "unknown google_container_node_pool.pool"]);
    expect(run.findings[0]!.reason).toContain("--live could not read the server config of projects/acme-prod/locations/europe-west1");
  });
});

describe("GKE017 with --live: the enabled services of the project whose agent a grant names", () => {
  const RULE = "GKE017";
  const OTHER = "111122223333";
  const address = "google_compute_subnetwork_iam_member.other_agent";
  // A grant on the host project's subnetwork to another project's GKE agent: nothing else of the input lives in that project.
  const json = stack({
    ...base,
    google_compute_subnetwork_iam_member: { other_agent: { project: HOST, region: "europe-west1", subnetwork: "gke-nodes", role: "roles/compute.networkUser", member: `serviceAccount:service-${OTHER}@container-engine-robot.iam.gserviceaccount.com` } },
  });
  const world = (services: string[]) => ({ ...fixture(), projects: [...fixture().projects, project("acme-other", OTHER, { enabledServices: services })] });

  test("offline: no verdict (nothing enables the API here; whether it is on is not in the input)", () => {
    expect(statuses(offline(RULE, json))).toEqual([]);
  });

  test("pass: container.googleapis.com is on in that project; fail: it is off", async () => {
    const on = await live(RULE, json, world(["container.googleapis.com"]));
    expect(statuses(on.findings)).toEqual([`pass ${address}`]);
    expect(on.methods).toContain("GET serviceusage.services.list");
    const off = await live(RULE, json, world(["compute.googleapis.com"]));
    expect(statuses(off.findings)).toEqual([`fail ${address}`]);
    expect(off.findings[0]!.message).toContain("is not enabled in");
  });
});

describe("through the CLI (the built preflight, --live against the emulator)", () => {
  test("GKE012 is decided from the subnetwork's policy, and a policy it could not read is one stderr line naming the permission", async () => {
    const dir = mkdtempSync(join(tmpdir(), "preflight-resources-"));
    const file = join(dir, "cdk.tf.json");
    writeFileSync(file, JSON.stringify(inputs.sharedVpc));
    const hostGrants = { iamPolicy: { bindings: [{ role: "roles/container.hostServiceAgentUser", members: [GKE_AGENT] }, { role: "roles/compute.networkUser", members: [GKE_AGENT] }] } };
    const run = (world: Fixture) =>
      withEmulator(world, async (emulator) => {
        const result = await preflight([file, "--format", "json", "--include-pass", "--rules", "GKE012", "--live", "--api-endpoint", emulator.url], { GOOGLE_OAUTH_ACCESS_TOKEN: FAKE_TOKEN });
        for (const seen of emulator.requests) expect(matchAllowedMethod(seen.method, `http://127.0.0.1${seen.url}`)).toBeDefined();
        expect(result.stdout + result.stderr).not.toContain(FAKE_TOKEN);
        return result;
      });
    const granted = await run(fixture({ host: { ...hostGrants, subnetworks: { "europe-west1/gke-nodes": { iamPolicy: { bindings: [{ role: "roles/compute.networkUser", members: [APIS_AGENT] }] } } } } }));
    expect(statusesOf(granted, "GKE012")).toEqual(["pass"]);
    expect(granted.code).toBe(0);
    const unread = await run(fixture({ host: { ...hostGrants, subnetworks: { "europe-west1/gke-nodes": {} } }, callerCannot: ["compute.subnetworks.getIamPolicy"] }));
    expect(statusesOf(unread, "GKE012")).toEqual(["unknown"]);
    expect(unread.stderr).toContain(`preflight: --live could not read IAM policy of ${SUBNET}: the caller lacks compute.subnetworks.getIamPolicy`);
  });
});
