import { planFindings } from "../rules/helpers";
import { cluster, grant, PROJECT, PROJECT_NUMBER, AGENT } from "../support/scenarios";
import type { LiveBinding, LiveFacts } from "../../src/live/facts";

/**
 * How live facts merge with the plan (src/facts/iam): a grant read on a folder or the organisation is
 * inherited by the project, so nothing the plan does to the project's own policy takes it away.
 */
const CI = "ci-nodes@acme-prod.iam.gserviceaccount.com";
const FOLDER = "folders/731000000001";
const NODE_ROLE = "roles/container.defaultNodeServiceAccount";

function live(projectPolicy: LiveBinding[], folderPolicy: LiveBinding[]): LiveFacts {
  return {
    projects: {
      [PROJECT]: { projectId: PROJECT, projectNumber: PROJECT_NUMBER, ancestry: [`projects/${PROJECT}`, FOLDER], iamPolicy: projectPolicy, ancestorPolicies: { [FOLDER]: folderPolicy }, enabledServices: [], denyRules: [] },
    },
    serviceAccounts: {},
    roles: {},
  };
}
const statuses = (findings: ReturnType<typeof planFindings>) => [...new Set(findings.map((f) => f.status))];

describe("live grants on a folder survive what the plan does to the project's policy", () => {
  const onProject: LiveBinding = { role: NODE_ROLE, members: [`serviceAccount:${CI}`] };
  const destroyed = grant("nodes_role", NODE_ROLE, `serviceAccount:${CI}`, { actions: ["delete"] });

  test("the plan destroys the project grant; the same role on the folder still holds: pass", () => {
    expect(statuses(planFindings("GKE001", [cluster(CI, {}, []), destroyed], { live: live([onProject], [onProject]) }))).toEqual(["pass"]);
    // Without the folder grant the destroyed one is all there was: fail.
    expect(statuses(planFindings("GKE001", [cluster(CI, {}, []), destroyed], { live: live([onProject], []) }))).toEqual(["fail"]);
  });

  test("an authoritative project binding that leaves the GKE service agent out cannot remove its folder grant", () => {
    const binding = { type: "google_project_iam_binding", name: "agents", values: { project: PROJECT, role: "roles/container.serviceAgent", members: ["serviceAccount:ops@acme-prod.iam.gserviceaccount.com"] } };
    const agentRole: LiveBinding = { role: "roles/container.serviceAgent", members: [`serviceAccount:${AGENT}`] };
    expect(statuses(planFindings("GKE002", [cluster(CI, {}, []), binding], { live: live([agentRole], [agentRole]) }))).toEqual(["pass"]);
    expect(statuses(planFindings("GKE002", [cluster(CI, {}, []), binding], { live: live([agentRole], []) }))).toEqual(["fail"]);
  });
});
