import { buildPlan } from "../support/plan-builder";
import { AGENT, PROJECT, projectData, scenarios } from "../support/scenarios";
import { checkPlan, checkTf, statuses, tfJson } from "../support/tf-json";
import type { LiveFacts } from "../../src/live/facts";

const clusterOnly = { google_container_cluster: { primary: { name: "primary", location: "europe-west1", node_config: { service_account: "nodes@p1.iam.gserviceaccount.com" } } } };
const projectNumber = { google_project: { p: { project_id: "p1" } } };
const agentMember = "serviceAccount:service-${data.google_project.p.number}@container-engine-robot.iam.gserviceaccount.com";

describe("GKE002 on cdk.tf.json", () => {
  test("pass: the agent is granted with its number from data.google_project (number unknown at synth)", () => {
    const f = checkTf(tfJson({ ...clusterOnly, google_project_iam_member: { agent: { project: "p1", role: "roles/container.serviceAgent", member: agentMember } } }, { project: "p1", data: projectNumber }));
    expect(statuses(f, "GKE002")).toEqual(["pass google_container_cluster.primary"]);
  });

  test("unknown: nothing touches the agent's role", () => {
    const [finding] = checkTf(tfJson(clusterOnly, { project: "p1" })).filter((f) => f.ruleId === "GKE002");
    expect(finding.status).toBe("unknown");
    expect(finding.decideWith).toMatch(/--live/);
    expect(finding.remediation.gcloud.join("\n")).toContain("PROJECT_NUMBER=$(gcloud projects describe p1 --format='value(projectNumber)')");
  });

  test("fail: google_project_iam_member_remove takes the role away", () => {
    const f = checkTf(tfJson({ ...clusterOnly, google_project_iam_member_remove: { rm: { project: "p1", role: "roles/container.serviceAgent", member: agentMember } } }, { project: "p1", data: projectNumber }));
    expect(statuses(f, "GKE002")).toEqual(["fail google_project_iam_member_remove.rm"]);
  });

  test("fail: a whole-project policy that does not list the agent", () => {
    const f = checkTf(tfJson(
      { ...clusterOnly, google_project_iam_policy: { policy: { project: "p1", policy_data: "${data.google_iam_policy.p.policy_data}" } } },
      { project: "p1", data: { ...projectNumber, google_iam_policy: { p: { binding: [{ role: "roles/owner", members: ["user:admin@example.com"] }] } } } },
    ));
    const [finding] = f.filter((x) => x.ruleId === "GKE002");
    expect(finding.status).toBe("fail");
    expect(finding.address).toBe("google_project_iam_policy.policy");
    expect(finding.constructPath).toBe("stack/policy");
  });

  test("unknown: an authoritative binding for the role whose members are only known after apply", () => {
    const f = checkTf(tfJson({ ...clusterOnly, google_project_iam_binding: { b: { project: "p1", role: "roles/container.serviceAgent", members: "${var.agents}" } } }, { project: "p1" }));
    expect(statuses(f, "GKE002")).toEqual(["unknown google_container_cluster.primary"]);
  });
});

describe("GKE002 on plans", () => {
  test("pass / fail from the bundled scenarios", () => {
    expect(statuses(checkPlan(scenarios["good-cluster"]()), "GKE002")).toEqual(["pass google_container_cluster.primary"]);
    expect(statuses(checkPlan(scenarios["bad-agent-binding"]()), "GKE002")).toEqual(["fail google_project_iam_binding.service_agents"]);
  });

  test("fail: the plan destroys the grant of the agent's role", () => {
    const plan = buildPlan({ project: PROJECT, resources: [projectData, { type: "google_container_cluster", name: "primary", actions: ["no-op"], values: { name: "primary", location: "europe-west1", project: PROJECT, node_config: [{ service_account: "nodes@acme-prod.iam.gserviceaccount.com" }] } },
      { type: "google_project_iam_member", name: "agent", actions: ["delete"], values: { project: PROJECT, role: "roles/container.serviceAgent", member: `serviceAccount:${AGENT}` } }] });
    expect(statuses(checkPlan(plan), "GKE002")).toEqual(["fail google_project_iam_member.agent"]);
  });

  test("--live decides: the agent's binding present, or missing", () => {
    const live = (members: string[]): LiveFacts => ({
      projects: { [PROJECT]: { projectId: PROJECT, projectNumber: "123456789012", iamPolicy: [{ role: "roles/container.serviceAgent", members }], ancestorPolicies: {} } },
      serviceAccounts: {},
      roles: {},
    });
    const plan = scenarios["unknown-existing-account"]();
    expect(statuses(checkPlan(plan, { live: live([`serviceAccount:${AGENT}`]) }), "GKE002")).toEqual(["pass google_container_cluster.primary"]);
    expect(statuses(checkPlan(plan, { live: live([]) }), "GKE002")).toEqual(["fail google_container_cluster.primary"]);
  });
});
