import { scenarios, cluster, projectData, nodeAccount, PROJECT } from "../support/scenarios";
import { modelFromPlan } from "../../src/inputs/plan-json";
import { checkModel } from "../../src/engine/check";
import type { LiveFacts } from "../../src/live/facts";
import { planFindings, tfFindings, stack, tf, verdicts } from "./helpers";

const RULE = "GKE010";
const refs = (...r: string[]) => ({ references: r });
const kubernetes = (expressions: Record<string, unknown>) => ({ kubernetes: { expressions } });
const host = refs("google_container_cluster.primary.endpoint", "google_container_cluster.primary");
const token = refs("data.google_client_config.default.access_token", "data.google_client_config.default");
const ca = refs("google_container_cluster.primary.master_auth[0].cluster_ca_certificate", "google_container_cluster.primary.master_auth[0]", "google_container_cluster.primary");
const live = (held: string[]): LiveFacts => ({ projects: { [PROJECT]: { projectId: PROJECT, projectNumber: "123456789012", callerPermissions: held } }, serviceAccounts: {}, roles: {} });
const platform = [projectData, nodeAccount, cluster()];
const providerVerdicts = (findings: ReturnType<typeof planFindings>) => findings.filter((f) => f.details?.provider).map((f) => f.status);

describe("GKE010 cluster-credentials-access on plan JSON", () => {
  test("fail: a kubernetes provider from the cluster's endpoint without any credential (401)", () => {
    const findings = planFindings(RULE, platform, { providers: kubernetes({ host, cluster_ca_certificate: ca }) });
    const provider = findings.find((f) => f.details?.provider)!;
    expect(provider.status).toBe("fail");
    expect(provider.message).toContain("401 Unauthorized");
    expect(provider.remediation.hcl).toContain("token                  = data.google_client_config.default.access_token");
  });

  test("fail: the cluster issues a legacy client certificate, and a provider authenticates with it", () => {
    const legacy = cluster(undefined, { master_auth: [{ client_certificate_config: [{ issue_client_certificate: true }] }] });
    const findings = planFindings(RULE, [projectData, nodeAccount, legacy], { providers: kubernetes({ host, client_certificate: refs("google_container_cluster.primary.master_auth[0].client_certificate"), client_key: refs("google_container_cluster.primary.master_auth[0].client_key") }) });
    expect(findings.map((f) => f.status)).toEqual(["fail", "fail"]);
    expect(findings.some((f) => f.message.includes("issue_client_certificate = true"))).toBe(true);
  });

  test("unknown without --live: google_client_config token, container.clusters.get still to check; --live decides", () => {
    const providers = kubernetes({ host, token, cluster_ca_certificate: ca });
    const findings = planFindings(RULE, platform, { providers });
    const provider = findings.find((f) => f.details?.provider)!;
    expect(provider.status).toBe("unknown");
    expect(provider.message).toContain("container.clusters.get");
    expect(providerVerdicts(planFindings(RULE, platform, { providers, live: live(["container.clusters.get"]) }))).toEqual(["pass"]);
    const denied = planFindings(RULE, platform, { providers, live: live([]) }).find((f) => f.details?.provider)!;
    expect(denied.status).toBe("fail");
    expect(denied.message).toContain('Required "container.clusters.get" permission(s)');
  });

  test("exec with gke-gcloud-auth-plugin is a valid token source; an unknown helper is unknown", () => {
    const exec = (command: string) => kubernetes({ host, exec: [{ api_version: { constant_value: "client.authentication.k8s.io/v1beta1" }, command: { constant_value: command } }] });
    expect(planFindings(RULE, platform, { providers: exec("gke-gcloud-auth-plugin"), live: live(["container.clusters.get"]) }).find((f) => f.details?.provider)?.status).toBe("pass");
    expect(planFindings(RULE, platform, { providers: exec("/usr/local/bin/kubelogin") }).find((f) => f.details?.provider)?.message).toContain("credentials this tool cannot judge");
  });

  test("pass: no legacy authentication on the cluster; providers that do not point at a cluster are ignored", () => {
    const findings = checkModel(modelFromPlan(scenarios["good-cluster"](), "p.json"), { includePass: true, rules: [RULE] });
    expect(verdicts(findings)).toEqual(["pass google_container_cluster.primary"]);
    expect(planFindings(RULE, platform, { providers: kubernetes({ config_path: { constant_value: "~/.kube/config" } }) }).map((f) => f.status)).toEqual(["pass"]);
  });
});

describe("GKE010 cluster-credentials-access on cdk.tf.json", () => {
  const base = { google_service_account: { nodes_sa: tf.account }, google_container_cluster: { cluster: tf.cluster() } };
  const data = { google_client_config: { default: {} } };
  const k8s = (settings: Record<string, unknown>) => ({ kubernetes: [{ host: "https://${google_container_cluster.cluster.endpoint}", cluster_ca_certificate: "${base64decode(google_container_cluster.cluster.master_auth[0].cluster_ca_certificate)}", ...settings }] });

  test("fail: helm's kubernetes block has host but no token", () => {
    const json = stack(base, { provider: { helm: [{ kubernetes: { host: "https://${google_container_cluster.cluster.endpoint}" } }] } });
    const findings = tfFindings(RULE, json).filter((f) => f.details?.provider);
    expect(findings.map((f) => `${f.status} ${f.details?.provider}`)).toEqual(["fail helm"]);
  });

  test("unknown: a token from google_client_config, without --live", () => {
    const json = stack(base, { data, provider: k8s({ token: "${data.google_client_config.default.access_token}" }) });
    expect(providerVerdicts(tfFindings(RULE, json))).toEqual(["unknown"]);
    expect(providerVerdicts(tfFindings(RULE, json, { live: live(["container.clusters.get"]) }))).toEqual(["pass"]);
  });

  test("pass: the good stack has no legacy authentication", () => {
    expect(verdicts(tfFindings(RULE, stack(base)))).toEqual(["pass google_container_cluster.cluster"]);
  });

  test("fail: basic authentication in master_auth", () => {
    const json = stack({ ...base, google_container_cluster: { cluster: tf.cluster({ master_auth: { username: "admin", password: "hunter2-hunter2-hunter2" } }) } });
    const [finding] = tfFindings(RULE, json);
    expect(finding.status).toBe("fail");
    expect(finding.message).toContain("basic authentication");
    expect(JSON.stringify(finding)).not.toContain("hunter2");
  });
});

test("GKE010: master_auth left to the provider (computed in the plan) is not a legacy certificate", () => {
  const computedAuth = cluster(undefined, { master_auth: { $computed: true } });
  expect(verdicts(planFindings(RULE, [projectData, nodeAccount, computedAuth]))).toEqual(["pass google_container_cluster.primary"]);
});

test("GKE010: a provider configured from a data.google_container_cluster is checked against that cluster's project", () => {
  const existing = { type: "google_container_cluster", name: "shared", mode: "data" as const, values: { name: "shared", location: "europe-west1", project: PROJECT, endpoint: "10.0.0.2" } };
  const findings = planFindings(RULE, [existing], { providers: kubernetes({ host: refs("data.google_container_cluster.shared.endpoint", "data.google_container_cluster.shared"), token }), live: live([]) });
  expect(findings.map((f) => `${f.status} ${f.address}`)).toEqual(["fail data.google_container_cluster.shared"]);
  expect(findings[0].message).toContain("lacks container.clusters.get on acme-prod");
});

test("GKE010: a cluster name or location known only after apply is a placeholder in get-credentials, never '[object Object]'", () => {
  const unnamed = cluster(undefined, { name: { $ref: ["random_pet.name.id"] }, location: { $ref: ["var.region"] }, master_auth: [{ username: "admin" }] });
  const [finding] = planFindings(RULE, [projectData, nodeAccount, unnamed]);
  expect(finding.status).toBe("fail");
  expect(finding.remediation.gcloud).toContain("gcloud container clusters get-credentials CLUSTER_NAME --location=LOCATION");
  expect(JSON.stringify(finding.remediation)).not.toContain("[object Object]");
  const providers = kubernetes({ host, token, cluster_ca_certificate: ca });
  const viaProvider = planFindings(RULE, [projectData, nodeAccount, cluster(undefined, { name: { $ref: ["random_pet.name.id"] } })], { providers });
  expect(JSON.stringify(viaProvider.map((f) => f.remediation))).not.toContain("[object Object]");
});
