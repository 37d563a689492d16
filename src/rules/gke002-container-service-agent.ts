import type { Rule, RuleContext, Verdict } from "./types";
import { agentIdentity } from "../iam/identity";
import { grantRoleRemediation } from "./remediation";
import { CLUSTER } from "../gke/node-identities";

const AGENT_ROLE = "roles/container.serviceAgent";

/**
 * GKE002: the GKE service agent keeps roles/container.serviceAgent on each cluster's project.
 * GKE grants it when the API is enabled; only an authoritative IAM resource, an explicit
 * removal or a destroyed grant in the configuration can take it away before apply.
 */
export const gke002ContainerServiceAgent: Rule = {
  meta: {
    id: "GKE002",
    slug: "container-service-agent",
    title: "The GKE service agent keeps roles/container.serviceAgent",
    severity: "error",
    rationale:
      "GKE manages cluster resources through its service agent service-PROJECT_NUMBER@container-engine-robot.iam.gserviceaccount.com. " +
      "If an authoritative IAM resource (google_project_iam_policy, a google_project_iam_binding for the role) or a removal strips " +
      "roles/container.serviceAgent from it, cluster operations fail with 400/403 errors such as \"account has no edit permission\".",
    googleDocUrl: "https://cloud.google.com/kubernetes-engine/docs/troubleshooting/4xx-errors",
    resourceTypes: [CLUSTER, "google_project_iam_policy", "google_project_iam_binding", "google_project_iam_member_remove", "google_project_iam_member"],
  },
  check(ctx: RuleContext): Verdict[] {
    const verdicts: Verdict[] = [];
    const seenProjects = new Set<string>();
    for (const cluster of ctx.gke.clusters) {
      const project = cluster.project;
      if (project.key === undefined) {
        verdicts.push({ status: "unknown", address: cluster.resource.address, message: `The project of ${cluster.resource.address} is not known, so its GKE service agent cannot be checked`, reason: project.reason });
        continue;
      }
      if (seenProjects.has(project.key)) continue;
      seenProjects.add(project.key);
      const agent = agentIdentity("gke-agent", project.key, ctx.iam.catalog);
      // Built only for the verdicts that carry it (most projects pass).
      const remediation = () => grantRoleRemediation({
        summary: `Give the GKE service agent of ${project.key} back ${AGENT_ROLE} (and list it in any authoritative binding or policy for the project).`,
        project: project.key,
        projectNumber: ctx.iam.catalog.numberOf(project.key),
        identity: agent,
        role: AGENT_ROLE,
        resourceName: "gke_service_agent",
      });
      const answer = ctx.iam.holdsRole(agent, project.key, AGENT_ROLE);
      const details = { identity: agent.display, project: project.key, role: AGENT_ROLE };
      // "the GKE service agent service-1@…" when the number is known, else the description alone.
      const named = agent.email ? `the GKE service agent ${agent.email}` : agent.display;
      if (answer.holds === "yes") {
        const via = answer.via.map((g) => g.resource?.address ?? "the live IAM policy").join(", ");
        verdicts.push({ status: "pass", address: cluster.resource.address, message: `The GKE service agent of ${project.key} holds ${AGENT_ROLE} (${via})`, details });
      } else if (answer.holds === "no" && answer.by) {
        verdicts.push({ status: "fail", address: answer.by.address, message: `${answer.why}: ${named} loses ${AGENT_ROLE} on ${project.key}, so GKE cannot manage the cluster ${cluster.resource.address}`, remediation: remediation(), details });
      } else if (answer.holds === "no") {
        if (ctx.iam.catalog.isCreatedHere(project.key)) {
          verdicts.push({ status: "pass", address: cluster.resource.address, message: `${project.key} is created by this configuration; GKE grants ${AGENT_ROLE} to its service agent when container.googleapis.com is enabled, and nothing here removes it`, details });
        } else {
          verdicts.push({ status: "fail", address: cluster.resource.address, message: `${named.replace(/^the/, "The")} does not hold ${AGENT_ROLE} on ${project.key} (${answer.why})`, remediation: remediation(), details });
        }
      } else {
        verdicts.push({
          status: "unknown",
          address: cluster.resource.address,
          message: `Cannot tell whether the GKE service agent of ${project.key} still holds ${AGENT_ROLE}; nothing in this input removes it`,
          reason: answer.reason,
          decideWith: "--live reads the project's IAM policy",
          remediation: remediation(),
          details,
        });
      }
    }
    return verdicts;
  },
};
