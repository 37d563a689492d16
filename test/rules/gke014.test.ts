import { computed, ref, type ResourceSpec } from "../support/plan-builder";
import { PROJECT, PROJECT_NUMBER, AGENT, projectData, cluster, nodePool } from "../support/scenarios";
import { cmekPlatform, KMS_PROJECT } from "../support/platforms";
import { planFindings, tfFindings, verdicts } from "./helpers";

const RULE = "GKE014";
const ROLE = "roles/cloudkms.cryptoKeyEncrypterDecrypter";
const COMPUTE_AGENT = `service-${PROJECT_NUMBER}@compute-system.iam.gserviceaccount.com`;
const KEY = `projects/${KMS_PROJECT}/locations/europe-west1/keyRings/gke/cryptoKeys/secrets`;
const kmsProject: ResourceSpec = { type: "google_project", name: "kms", actions: ["create"], values: { project_id: KMS_PROJECT, name: KMS_PROJECT, org_id: "1", number: computed, id: computed } };
const ring: ResourceSpec = { type: "google_kms_key_ring", name: "ring", values: { project: KMS_PROJECT, name: "gke", location: "europe-west1", id: computed } };
const key: ResourceSpec = { type: "google_kms_crypto_key", name: "secrets", values: { name: "secrets", key_ring: ref("google_kms_key_ring.ring.id"), id: computed } };
const keyGrant = (name: string, member: string, crypto = ref("google_kms_crypto_key.secrets.id") as unknown): ResourceSpec => ({ type: "google_kms_crypto_key_iam_member", name, values: { crypto_key_id: crypto as never, role: ROLE, member, etag: computed, id: computed } });
const encrypted = (extra: Record<string, unknown> = {}, waits: string[] = []) =>
  cluster(undefined, { database_encryption: [{ state: "ENCRYPTED", key_name: ref("google_kms_crypto_key.secrets.id") }], ...extra }, ["google_project_iam_member.nodes_default_node_sa", ...waits]);

describe("GKE014 kms-key-access on plan JSON", () => {
  test("fail: a new key in a new key project, granted to the node account instead of the GKE service agent", () => {
    const findings = planFindings(RULE, [projectData, kmsProject, ring, key, keyGrant("nodes", "serviceAccount:gke-nodes@acme-prod.iam.gserviceaccount.com"), encrypted({}, ["google_kms_crypto_key_iam_member.nodes"])]);
    expect(verdicts(findings)).toEqual(["fail google_container_cluster.primary"]);
    expect(findings[0].message).toContain(AGENT);
    expect(findings[0].message).toContain("which is not the GKE service agent");
    expect(findings[0].remediation.gcloud).toEqual([`gcloud kms keys add-iam-policy-binding ${KEY} --member="serviceAccount:${AGENT}" --role="${ROLE}"`]);
    expect(findings[0].remediation.hcl).toContain("crypto_key_id = google_kms_crypto_key.secrets.id");
  });

  test("pass: the GKE service agent holds the role on the key, and the cluster waits for the grant", () => {
    expect(verdicts(planFindings(RULE, [projectData, kmsProject, ring, key, keyGrant("agent", `serviceAccount:${AGENT}`), encrypted({}, ["google_kms_crypto_key_iam_member.agent"])]))).toEqual(["pass google_container_cluster.primary"]);
  });

  test("unknown: the grant is there but the cluster does not wait for it", () => {
    const findings = planFindings(RULE, [projectData, kmsProject, ring, key, keyGrant("agent", `serviceAccount:${AGENT}`), encrypted()]);
    expect(verdicts(findings)).toEqual(["unknown google_container_cluster.primary"]);
    expect(findings[0].message).toContain("created in parallel");
  });

  test("unknown: an existing key whose IAM policy is not in the input", () => {
    const literal = cluster(undefined, { database_encryption: [{ state: "ENCRYPTED", key_name: KEY }] });
    const findings = planFindings(RULE, [projectData, literal]);
    expect(verdicts(findings)).toEqual(["unknown google_container_cluster.primary"]);
    expect(findings[0].decideWith).toContain("gcloud kms keys get-iam-policy");
  });

  test("a grant on the key ring counts; state DECRYPTED needs nothing", () => {
    const ringGrant: ResourceSpec = { type: "google_kms_key_ring_iam_member", name: "agent", values: { key_ring_id: ref("google_kms_key_ring.ring.id") as never, role: ROLE, member: `serviceAccount:${AGENT}`, etag: computed, id: computed } };
    expect(verdicts(planFindings(RULE, [projectData, kmsProject, ring, key, ringGrant, encrypted({}, ["google_kms_key_ring_iam_member.agent"])]))).toEqual(["pass google_container_cluster.primary"]);
    const off = cluster(undefined, { database_encryption: [{ state: "DECRYPTED", key_name: "" }] });
    expect(verdicts(planFindings(RULE, [projectData, off]))).toEqual([]);
  });

  test("boot disks: the Compute Engine service agent needs the role, not the GKE service agent", () => {
    const pool = nodePool();
    (pool.values.node_config as Array<Record<string, unknown>>)[0].boot_disk_kms_key = ref("google_kms_crypto_key.secrets.id") as never;
    const withGkeAgentOnly = planFindings(RULE, [projectData, kmsProject, ring, key, keyGrant("agent", `serviceAccount:${AGENT}`), { ...pool, dependsOn: ["google_kms_crypto_key_iam_member.agent"] }]);
    expect(verdicts(withGkeAgentOnly)).toEqual(["fail google_container_node_pool.primary_nodes"]);
    expect(withGkeAgentOnly[0].message).toContain(COMPUTE_AGENT);
    const withComputeAgent = planFindings(RULE, [projectData, kmsProject, ring, key, keyGrant("compute", `serviceAccount:${COMPUTE_AGENT}`), { ...pool, dependsOn: ["google_kms_crypto_key_iam_member.compute"] }]);
    expect(verdicts(withComputeAgent)).toEqual(["pass google_container_node_pool.primary_nodes"]);
  });

  test("a key in another location than the cluster is a note, not a failure", () => {
    const far: ResourceSpec = { ...ring, values: { ...ring.values, location: "us-east1" } };
    const findings = planFindings(RULE, [projectData, kmsProject, far, key, keyGrant("agent", `serviceAccount:${AGENT}`), encrypted({}, ["google_kms_crypto_key_iam_member.agent"])]);
    expect(verdicts(findings)).toEqual(["pass google_container_cluster.primary"]);
    expect(findings[0].message).toContain("Google recommends the same location");
  });
});

describe("GKE014 kms-key-access on cdk.tf.json", () => {
  test("the CMEK platform passes; granting the node account instead fails for both keys", () => {
    expect(verdicts(tfFindings(RULE, cmekPlatform("good")))).toEqual(["pass google_container_cluster.cluster", "pass google_container_node_pool.pool"]);
    const findings = tfFindings(RULE, cmekPlatform("bad"));
    expect(verdicts(findings)).toEqual(["fail google_container_cluster.cluster", "fail google_container_node_pool.pool"]);
    expect(findings[1].message).toContain("Compute Engine service agent");
    expect(findings[0].remediation.cdktf).toContain("cryptoKeyId: secrets.id,");
    expect(findings[0].remediation.cdktf).toContain("`serviceAccount:service-${agentProject.number}@container-engine-robot.iam.gserviceaccount.com`");
  });
});

void PROJECT;
