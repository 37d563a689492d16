import { computed, ref, type ResourceSpec } from "../support/plan-builder";
import { PROJECT, PROJECT_NUMBER, AGENT, projectData, cluster, grant } from "../support/scenarios";
import { sharedVpcPlatform, HOST, SHARED_SUBNET } from "../support/platforms";
import type { LiveFacts } from "../../src/live/facts";
import { planFindings, tfFindings, stack, tf, verdicts } from "./helpers";
import { hclString } from "../../src/rules/agent-grant-fix";

const RULE = "GKE012";
const APIS_AGENT = `${PROJECT_NUMBER}@cloudservices.gserviceaccount.com`;
const onHost = (name: string, role: string, member: string): ResourceSpec => ({ ...grant(name, role, `serviceAccount:${member}`), values: { project: HOST, role, member: `serviceAccount:${member}`, etag: computed, id: computed } });
const onSubnet = (name: string, member: string): ResourceSpec => ({
  type: "google_compute_subnetwork_iam_member",
  name,
  values: { project: HOST, region: "europe-west1", subnetwork: "gke-nodes", role: "roles/compute.networkUser", member: `serviceAccount:${member}`, etag: computed, id: computed },
});
const sharedCluster = cluster(undefined, { network: `projects/${HOST}/global/networks/shared`, subnetwork: SHARED_SUBNET });
const hostProject: ResourceSpec = { type: "google_project", name: "host", actions: ["create"], values: { project_id: HOST, name: HOST, org_id: "1234567890", number: computed, id: computed } };

describe("GKE012 shared-vpc-access on plan JSON", () => {
  test("fail: the host project is created here and nothing grants the service project's agents their roles", () => {
    const findings = planFindings(RULE, [projectData, hostProject, sharedCluster]);
    expect(verdicts(findings)).toEqual(["fail google_container_cluster.primary"]);
    expect(findings[0].message).toContain("roles/container.hostServiceAgentUser");
    expect(findings[0].message).toContain("the Google APIs service agent");
    // The fix names the agents of the service project (its number is known), granted in the host project.
    expect(findings[0].remediation.gcloud).toContain(`gcloud projects add-iam-policy-binding ${HOST} --member="serviceAccount:${AGENT}" --role="roles/container.hostServiceAgentUser" --condition=None`);
    expect(findings[0].remediation.gcloud).toContain(`gcloud compute networks subnets add-iam-policy-binding gke-nodes --region=europe-west1 --project=${HOST} --member="serviceAccount:${APIS_AGENT}" --role="roles/compute.networkUser" --condition=None`);
    expect(findings[0].remediation.hcl).toContain(`resource "google_compute_subnetwork_iam_member" "apis_agent_network_user"`);
    expect(findings[0].remediation.cdktf).toContain("new ComputeSubnetworkIamMember(");
    expect(findings[0].details).toMatchObject({ hostProject: HOST, serviceProject: PROJECT });
  });

  test("fail names only what is missing: networkUser on the subnetwork for the APIs agent", () => {
    const findings = planFindings(RULE, [projectData, hostProject, sharedCluster, onHost("host_user", "roles/container.hostServiceAgentUser", AGENT), onSubnet("gke_net", AGENT)]);
    expect(verdicts(findings)).toEqual(["fail google_container_cluster.primary"]);
    expect(findings[0].message).toContain("the Google APIs service agent");
    expect(findings[0].message).not.toContain("hostServiceAgentUser");
    expect(findings[0].remediation.gcloud.join("\n")).not.toContain("container-engine-robot");
  });

  test("pass: host-project grant and subnetwork grants for both agents", () => {
    const findings = planFindings(RULE, [projectData, hostProject, sharedCluster, onHost("host_user", "roles/container.hostServiceAgentUser", AGENT), onSubnet("gke_net", AGENT), onSubnet("apis_net", APIS_AGENT)]);
    expect(verdicts(findings)).toEqual(["pass google_container_cluster.primary"]);
    expect(findings[0].message).toContain("will not create firewall rules"); // securityAdmin is only a note
  });

  test("pass: networkUser on the whole host project covers every subnetwork", () => {
    const findings = planFindings(RULE, [projectData, hostProject, sharedCluster, onHost("host_user", "roles/container.hostServiceAgentUser", AGENT), onHost("gke_net", "roles/compute.networkUser", AGENT), onHost("apis_net", "roles/compute.networkUser", APIS_AGENT)]);
    expect(verdicts(findings)).toEqual(["pass google_container_cluster.primary"]);
  });

  test("unknown: an existing host project whose IAM is not in the input; --live reads it", () => {
    const findings = planFindings(RULE, [projectData, sharedCluster]);
    expect(verdicts(findings)).toEqual(["unknown google_container_cluster.primary"]);
    expect(findings[0].decideWith).toContain("--live");
    const live: LiveFacts = { projects: { [HOST]: { projectId: HOST, projectNumber: "555000111222", iamPolicy: [] } }, roles: {}, serviceAccounts: {} } as unknown as LiveFacts;
    // The host project's policy read live (empty): hostServiceAgentUser is missing for sure; the subnetwork's own policy stays unread.
    const read = planFindings(RULE, [projectData, sharedCluster], { live });
    expect(verdicts(read)).toEqual(["fail google_container_cluster.primary"]);
    expect(read[0].message).toContain("lacks roles/container.hostServiceAgentUser on acme-net-host");
    expect(read[0].message).not.toContain("networkUser");
    const granted: LiveFacts = { ...live, projects: { [HOST]: { projectId: HOST, projectNumber: "555000111222", iamPolicy: [
      { role: "roles/container.hostServiceAgentUser", members: [`serviceAccount:${AGENT}`] },
      { role: "roles/compute.networkUser", members: [`serviceAccount:${AGENT}`, `serviceAccount:${APIS_AGENT}`] },
    ] } } } as unknown as LiveFacts;
    expect(verdicts(planFindings(RULE, [projectData, sharedCluster], { live: granted }))).toEqual(["pass google_container_cluster.primary"]);
  });

  test("unknown: the service project's number is not known and a grant names an agent by a number", () => {
    const findings = planFindings(RULE, [hostProject, sharedCluster, onHost("host_user", "roles/container.hostServiceAgentUser", AGENT)]);
    expect(verdicts(findings)).toEqual(["fail google_container_cluster.primary"]);
    // networkUser is missing for sure on a new host project, whichever the number; the host user grant may be it.
    expect(findings[0].message).not.toContain("hostServiceAgentUser on");
    expect(findings[0].remediation.gcloud[0]).toBe(`PROJECT_NUMBER=$(gcloud projects describe ${PROJECT} --format='value(projectNumber)')`);
    expect(findings[0].remediation.gcloud[1]).toContain('"serviceAccount:service-${PROJECT_NUMBER}@container-engine-robot.iam.gserviceaccount.com"');
  });

  test("no verdict for a cluster on its own project's network, or on the default network", () => {
    expect(verdicts(planFindings(RULE, [projectData, cluster()]))).toEqual([]);
    const own = cluster(undefined, { network: `projects/${PROJECT}/global/networks/vpc`, subnetwork: `projects/${PROJECT}/regions/europe-west1/subnetworks/gke` });
    expect(verdicts(planFindings(RULE, [projectData, own]))).toEqual([]);
  });

  test("the host project is read from a subnetwork the configuration creates, referenced by the cluster", () => {
    const subnet: ResourceSpec = { type: "google_compute_subnetwork", name: "gke", values: { project: HOST, region: "europe-west1", name: "gke-nodes", network: "shared", ip_cidr_range: "10.0.0.0/20", id: computed, self_link: computed } };
    const c = cluster(undefined, { network: `projects/${HOST}/global/networks/shared`, subnetwork: ref("google_compute_subnetwork.gke.id") });
    const findings = planFindings(RULE, [projectData, hostProject, subnet, c, onHost("host_user", "roles/container.hostServiceAgentUser", AGENT), onSubnet("gke_net", AGENT), onSubnet("apis_net", APIS_AGENT)]);
    expect(verdicts(findings)).toEqual(["pass google_container_cluster.primary"]);
  });
});

test("GKE012 fix text is data-safe: a hostile subnetwork name is quoted for the shell, HCL and TypeScript", () => {
  const hostile = cluster(undefined, { network: `projects/${HOST}/global/networks/n`, subnetwork: `projects/${HOST}/regions/europe-west1/subnetworks/a$(touch x)"c` });
  const [finding] = planFindings(RULE, [projectData, hostProject, hostile]);
  expect(finding.remediation.gcloud.join("\n")).toContain(`add-iam-policy-binding 'a$(touch x)"c' --region`);
  expect(finding.remediation.hcl).toContain('subnetwork = "a$(touch x)\\"c"');
  expect(finding.remediation.cdktf).toContain('subnetwork: "a$(touch x)\\"c",');
});

test("hclString keeps HCL from reading a value as a template", () => {
  expect(hclString('x${file("/etc/passwd")}%{if}"')).toBe('"x$${file(\\"/etc/passwd\\")}%%{if}\\""');
});

describe("GKE012 shared-vpc-access on cdk.tf.json", () => {
  test("the Shared VPC platform passes; a new host project without the grants fails", () => {
    expect(verdicts(tfFindings(RULE, sharedVpcPlatform("good")))).toEqual(["pass google_container_cluster.cluster"]);
    const findings = tfFindings(RULE, sharedVpcPlatform("bad"));
    expect(verdicts(findings)).toEqual(["fail google_container_cluster.cluster"]);
    expect(findings[0].constructPath).toBe("gke/cluster");
    expect(findings[0].remediation.cdktf).toContain("const agentProject = new DataGoogleProject");
  });

  test("unknown: a subnetwork named by a variable", () => {
    const json = stack({ google_container_cluster: { cluster: tf.cluster({ network: "${var.network}", subnetwork: "${var.subnetwork}" }) } });
    const findings = tfFindings(RULE, json);
    expect(verdicts(findings)).toEqual(["unknown google_container_cluster.cluster"]);
    expect(findings[0].reason).toContain("var.subnetwork");
  });

});
