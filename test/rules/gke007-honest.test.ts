/** GKE007 says unknown, not pass, when it cannot match a grant to the cluster's project. */
import { checkTf, statuses } from "../support/tf-json";

const config = (grantProject: string, clusterProject?: string) => ({
  provider: { google: [{ region: "europe-west1" }] },
  variable: { project: {} },
  resource: {
    google_service_account: { nodes: { account_id: "gke-nodes" } },
    google_project_iam_member: { nodes: { project: grantProject, role: "roles/container.defaultNodeServiceAccount", member: "serviceAccount:${google_service_account.nodes.email}" } },
    google_container_cluster: { c: { name: "c", location: "europe-west1", ...(clusterProject ? { project: clusterProject } : {}), node_config: { service_account: "${google_service_account.nodes.email}" } } },
  },
});

test("no project known anywhere: the grant to the node account is not waited for, and whether it is the one needed cannot be told", () => {
  const findings = checkTf(config("${var.project}"), { rules: ["GKE007"] });
  expect(statuses(findings, "GKE007")).toEqual(["unknown google_container_cluster.c"]);
  expect(findings[0].message).toContain("google_project_iam_member.nodes");
});

test("the same with the project known: the grant is matched and not waited for (fail)", () => {
  const findings = checkTf({ ...config("p1", "p1"), provider: { google: [{ project: "p1", region: "europe-west1" }] } }, { rules: ["GKE007"] });
  expect(statuses(findings, "GKE007")).toEqual(["fail google_container_cluster.c"]);
});

test("a grant on another known project than the cluster's is not needed by it (pass)", () => {
  const findings = checkTf({ ...config("other", "p1"), provider: { google: [{ project: "p1", region: "europe-west1" }] } }, { rules: ["GKE007"] });
  expect(statuses(findings, "GKE007")).toEqual(["pass google_container_cluster.c"]);
});
