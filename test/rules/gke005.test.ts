import { computed, ref } from "../support/plan-builder";
import { cluster, nodePool, projectData, apis, nodeAccount, grant, agentGrant, PROJECT, PROJECT_NUMBER } from "../support/scenarios";
import { planFindings, tfFindings, stack, tf, verdicts } from "./helpers";

const RULE = "GKE005";
const APIS_AGENT = `${PROJECT_NUMBER}@cloudservices.gserviceaccount.com`;
const DEFAULT_SA = `${PROJECT_NUMBER}-compute@developer.gserviceaccount.com`;
const platform = [projectData, ...apis(), nodeAccount, grant("nodes_default_node_sa", "roles/container.defaultNodeServiceAccount"), agentGrant, cluster(), nodePool()];
const editorBinding = (members: unknown) => ({ type: "google_project_iam_binding", name: "editors", values: { project: PROJECT, role: "roles/editor", members: members as never, etag: computed, id: computed } });

describe("GKE005 google-managed-identities on plan JSON", () => {
  test("fail: an authoritative roles/editor binding that forgets the Google APIs service agent", () => {
    const findings = planFindings(RULE, [...platform, editorBinding(["group:admins@acme.example"])]);
    expect(verdicts(findings)).toEqual(["fail google_project_iam_binding.editors"]);
    expect(findings[0].message).toContain(APIS_AGENT);
    expect(findings[0].remediation.gcloud.join("\n")).toContain(`--member="serviceAccount:${APIS_AGENT}" --role="roles/editor"`);
  });

  test("fail: a project policy without Editor for the agent, and for the default account the nodes use", () => {
    const policy = { type: "google_project_iam_policy", name: "all", values: { project: PROJECT, policy_data: JSON.stringify({ bindings: [{ role: "roles/owner", members: ["user:root@acme.example"] }] }), etag: computed, id: computed } };
    const findings = planFindings(RULE, [projectData, ...apis(), cluster(computed), nodePool(computed), policy]);
    expect(findings.map((f) => `${f.status} ${f.details?.identity}`).sort()).toEqual([`fail ${DEFAULT_SA}`, `fail ${APIS_AGENT}`]);
  });

  test("fail: google_project_iam_member_remove of roles/editor from the agent", () => {
    const remove = { type: "google_project_iam_member_remove", name: "strip", values: { project: PROJECT, role: "roles/editor", member: `serviceAccount:${APIS_AGENT}`, id: computed } };
    expect(verdicts(planFindings(RULE, [...platform, remove]))).toEqual(["fail google_project_iam_member_remove.strip"]);
  });

  test("fail: google_project_default_service_accounts DEPRIVILEGE while nodes run as the default account", () => {
    const deprivilege = { type: "google_project_default_service_accounts", name: "defaults", values: { project: PROJECT, action: "DEPRIVILEGE", id: computed } };
    const findings = planFindings(RULE, [projectData, ...apis(), cluster(computed), nodePool(computed), deprivilege]);
    expect(verdicts(findings)).toEqual(["fail google_project_default_service_accounts.defaults"]);
    expect(findings[0].message).toContain("removes every project role of");
  });

  test("unknown: the binding's members are only known after apply", () => {
    const findings = planFindings(RULE, [...platform, editorBinding(ref("local.editors"))]);
    expect(verdicts(findings)).toEqual(["unknown google_project_iam_binding.editors"]);
  });

  test("pass: the binding lists the agent; deprivileging is harmless when no node uses the default account", () => {
    const deprivilege = { type: "google_project_default_service_accounts", name: "defaults", values: { project: PROJECT, action: "DEPRIVILEGE", id: computed } };
    expect(verdicts(planFindings(RULE, [...platform, editorBinding([`serviceAccount:${APIS_AGENT}`, "group:admins@acme.example"]), deprivilege]))).toEqual(["pass google_container_cluster.primary"]);
  });
});

describe("GKE005 google-managed-identities on cdk.tf.json", () => {
  const base = {
    google_project_service: tf.apis,
    google_service_account: { nodes_sa: tf.account },
    google_project_iam_member: { nodes_default_node_sa: tf.nodeGrant },
    google_container_cluster: { cluster: tf.cluster() },
  };
  const data = { google_project: { project: { project_id: PROJECT, number: PROJECT_NUMBER } } };

  test("fail: editor binding built from the project number without the agent", () => {
    const json = stack({ ...base, google_project_iam_binding: { editors: { project: PROJECT, role: "roles/editor", members: ["serviceAccount:ci@acme-prod.iam.gserviceaccount.com"] } } }, { data });
    const findings = tfFindings(RULE, json);
    expect(verdicts(findings)).toEqual(["fail google_project_iam_binding.editors"]);
    expect(findings[0].constructPath).toBe("gke/editors");
  });

  test("unknown: the default-account action comes from a variable while nodes run as the default account", () => {
    const json = stack({ ...base, google_container_cluster: { cluster: tf.cluster({ node_config: {} }) }, google_project_default_service_accounts: { defaults: { project: PROJECT, action: "${var.action}" } } }, { data });
    expect(verdicts(tfFindings(RULE, json))).toEqual(["unknown google_project_default_service_accounts.defaults"]);
  });

  test("pass: the agent is listed through the project number reference", () => {
    const json = stack({ ...base, google_project_iam_binding: { editors: { project: PROJECT, role: "roles/editor", members: ["serviceAccount:${data.google_project.project.number}@cloudservices.gserviceaccount.com"] } } }, { data });
    expect(verdicts(tfFindings(RULE, json))).toEqual(["pass google_container_cluster.cluster"]);
  });
});

describe("GKE005 when the project number is not known", () => {
  test("an agent written with a bare number may be this project's: unknown, not fail", () => {
    const binding = editorBinding(["serviceAccount:999888777666@cloudservices.gserviceaccount.com", "group:admins@acme.example"]);
    expect(verdicts(planFindings(RULE, [...apis(), nodeAccount, cluster(), binding]))).toEqual(["unknown google_project_iam_binding.editors"]);
  });
});

test("GKE005: with the project number known, another project's agent is not this one's", () => {
  const binding = editorBinding(["serviceAccount:999888777666@cloudservices.gserviceaccount.com"]);
  expect(verdicts(planFindings(RULE, [...platform, binding]))).toEqual(["fail google_project_iam_binding.editors"]);
});

test("GKE005: a cluster whose project is unknown passes when nothing in the input could strip anything", () => {
  const unknownProject = cluster(undefined, { project: ref("random_id.p.hex") });
  expect(verdicts(planFindings(RULE, [nodeAccount, unknownProject]))).toEqual(["pass google_container_cluster.primary"]);
  expect(verdicts(planFindings(RULE, [nodeAccount, unknownProject, editorBinding(["group:a@acme.example"])]))).toEqual(["unknown google_container_cluster.primary"]);
});

test("GKE005: destroying the member resource that gave the Google APIs agent Editor fails", () => {
  const restore = grant("apis_agent_editor", "roles/editor", `serviceAccount:${APIS_AGENT}`, { actions: ["delete"] });
  const findings = planFindings(RULE, [...platform, restore]);
  expect(verdicts(findings)).toEqual(["fail google_project_iam_member.apis_agent_editor"]);
  expect(findings[0].message).toContain("The plan destroys google_project_iam_member.apis_agent_editor");
});
