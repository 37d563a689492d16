import { computed, ref, type ResourceSpec } from "../support/plan-builder";
import { PROJECT, PROJECT_NUMBER, AGENT, projectData, apis, grant, agentGrant } from "../support/scenarios";
import { agentGrantBeforeApiPlatform, workloadIdentityPlatform } from "../support/platforms";
import type { LiveFacts } from "../../src/live/facts";
import { planFindings, tfFindings, verdicts } from "./helpers";

const RULE = "GKE017";
const newProject: ResourceSpec = { type: "google_project", name: "this", actions: ["create"], values: { project_id: PROJECT, name: PROJECT, org_id: "1", number: computed, id: computed } };
const racing = grant("gke_agent", "roles/container.serviceAgent", `serviceAccount:${AGENT}`);
const numberLinked: ResourceSpec = { ...projectData, name: "link" }; // links the agent's number to the project id
const live = (services: string[]): LiveFacts => ({ projects: { [PROJECT]: { projectId: PROJECT, projectNumber: PROJECT_NUMBER, enabledServices: services } }, roles: {}, serviceAccounts: {} }) as unknown as LiveFacts;

describe("GKE017 service-agent-exists on plan JSON", () => {
  test("fail: a new project, and the grant to its GKE service agent does not wait for container.googleapis.com", () => {
    const findings = planFindings(RULE, [newProject, numberLinked, ...apis(), racing]);
    expect(verdicts(findings)).toEqual(["fail google_project_iam_member.gke_agent"]);
    expect(findings[0].message).toContain("does not exist until container.googleapis.com is enabled");
    expect(findings[0].remediation.hcl).toContain("depends_on = [google_project_service.container_api]");
  });

  test("fail: a new project where nothing enables the API; the fix enables it", () => {
    const findings = planFindings(RULE, [newProject, numberLinked, racing]);
    expect(verdicts(findings)).toEqual(["fail google_project_iam_member.gke_agent"]);
    expect(findings[0].remediation.gcloud).toEqual(["gcloud services enable container.googleapis.com --project=acme-prod"]);
  });

  test("pass: the grant waits for the API, or for google_project_service_identity", () => {
    expect(verdicts(planFindings(RULE, [newProject, numberLinked, ...apis(), agentGrant]))).toEqual(["pass google_project_iam_member.gke_agent"]);
    const identity: ResourceSpec = { type: "google_project_service_identity", name: "gke", provider: "google-beta", values: { project: PROJECT, service: "container.googleapis.com", email: computed, id: computed } };
    const waits = { ...racing, dependsOn: ["google_project_service_identity.gke"] };
    expect(verdicts(planFindings(RULE, [newProject, numberLinked, identity, waits]))).toEqual(["pass google_project_iam_member.gke_agent"]);
  });

  test("the Compute Engine service agent waits for compute.googleapis.com, not container", () => {
    const compute = grant("compute_agent", "roles/compute.serviceAgent", `serviceAccount:service-${PROJECT_NUMBER}@compute-system.iam.gserviceaccount.com`, { dependsOn: ["google_project_service.container_api"] });
    const findings = planFindings(RULE, [newProject, numberLinked, ...apis(), compute]);
    expect(verdicts(findings)).toEqual(["fail google_project_iam_member.compute_agent"]);
    expect(findings[0].message).toContain("compute.googleapis.com");
  });

  test("unknown: an existing project whose API resource is being created; --live reads the enabled services", () => {
    const findings = planFindings(RULE, [projectData, ...apis(), racing]);
    expect(verdicts(findings)).toEqual(["unknown google_project_iam_member.gke_agent"]);
    expect(findings[0].decideWith).toContain("--live");
    expect(verdicts(planFindings(RULE, [projectData, ...apis(), racing], { live: live(["container.googleapis.com"]) }))).toEqual(["pass google_project_iam_member.gke_agent"]);
    expect(verdicts(planFindings(RULE, [projectData, ...apis(), racing], { live: live(["compute.googleapis.com"]) }))).toEqual(["fail google_project_iam_member.gke_agent"]);
  });

  test("pass: the API resource already exists (no-op); no verdict when nothing here enables it in an existing project", () => {
    const kept: ResourceSpec[] = apis().map((a) => ({ ...a, actions: ["no-op"], values: { ...a.values, id: `${PROJECT}/${String(a.values.service)}` } }));
    expect(verdicts(planFindings(RULE, [projectData, ...kept, racing]))).toEqual(["pass google_project_iam_member.gke_agent"]);
    expect(verdicts(planFindings(RULE, [projectData, racing]))).toEqual([]);
  });

  test("an agent named by a template of a google_project of the configuration", () => {
    const templated = grant("gke_agent", "roles/container.serviceAgent", ref("google_project.this.number"));
    // A plan value built from a reference has no template: such a member is not recognised, and nothing is said.
    expect(verdicts(planFindings(RULE, [newProject, ...apis(), templated]))).toEqual([]);
  });
});

describe("GKE017 service-agent-exists on cdk.tf.json", () => {
  test("the racing grant of a new project fails; the good platforms wait", () => {
    const findings = tfFindings(RULE, agentGrantBeforeApiPlatform());
    expect(verdicts(findings)).toEqual(["fail google_project_iam_member.gke_agent"]);
    expect(findings[0].constructPath).toBe("gke/gke_agent");
    expect(verdicts(tfFindings(RULE, workloadIdentityPlatform("good")))).toEqual(["pass google_project_iam_member.gke_agent"]);
  });
});
