import { inStack } from "../facts/iam/upstream-grants";
import type { Rule, RuleContext, Verdict } from "./types";
import { agentIdentity, type Identity } from "../facts/iam/identity";
import type { Denials } from "../facts/iam/index-grants";
import { GKE_SERVICE_AGENT_ROLE, coversPermission, permissionsOfRole, roleInfo } from "../knowledge/roles";
import { denyExceptionRemediation, grantRoleRemediation } from "./remediation";
import { CLUSTER } from "../facts/gke/node-identities";

const AGENT_ROLE = GKE_SERVICE_AGENT_ROLE;
/** How many denied permissions a message names before saying how many there are. */
const NAMED = 3;

/**
 * GKE002: the GKE service agent keeps roles/container.serviceAgent on each cluster's project.
 * GKE grants it when the API is enabled; only an authoritative IAM resource, an explicit
 * removal or a destroyed grant in the configuration can take it away before apply. With --live,
 * an IAM deny policy that takes any permission of that role from the agent fails too: the role
 * is then held but part of it cannot be used.
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
  // The role's permissions as Google has them now (deny rules are weighed against all of them).
  liveNeeds: () => ({ roles: [AGENT_ROLE] }),
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
      verdicts.push(withDenyPolicies(roleVerdict(cluster.resource.address, project.key, agent, ctx), agent, project.key, ctx));
    }
    return verdicts;
  },
};

/** Whether the agent holds the role after apply, from the grants in the input and those read live. */
function roleVerdict(clusterAddress: string, project: string, agent: Identity, ctx: RuleContext): Verdict {
  // Built only for the verdicts that carry it (most projects pass).
  const remediation = () =>
    grantRoleRemediation({
      summary: `Give the GKE service agent of ${project} back ${AGENT_ROLE} (and list it in any authoritative binding or policy for the project).`,
      project,
      projectNumber: ctx.iam.catalog.numberOf(project),
      identity: agent,
      role: AGENT_ROLE,
      resourceName: "gke_service_agent",
    });
  const answer = ctx.iam.holdsRole(agent, project, AGENT_ROLE);
  const details = { identity: agent.display, project, role: AGENT_ROLE };
  // "the GKE service agent service-1@…" when the number is known, else the description alone.
  const named = agentName(agent);
  if (answer.holds === "yes") {
    // Grants read live (the project's policy, an inherited one) all read "the live IAM policy": named once.
    const via = [...new Set(answer.via.map((g) => (g.resource ? inStack(g.resource.address, g.stack) : "the live IAM policy")))].join(", ");
    return { status: "pass", address: clusterAddress, message: `The GKE service agent of ${project} holds ${AGENT_ROLE} (${via})`, details };
  }
  if (answer.holds === "no" && answer.by) {
    // Another stack's resource is not in this one: the finding stays on the cluster.
    return { status: "fail", address: answer.stack === undefined ? answer.by.address : clusterAddress, message: `${answer.why}: ${named} loses ${AGENT_ROLE} on ${project}, so GKE cannot manage the cluster ${clusterAddress}`, remediation: remediation(), details };
  }
  if (answer.holds === "no") {
    if (ctx.iam.catalog.isCreatedHere(project)) {
      return { status: "pass", address: clusterAddress, message: `${project} is created by this configuration; GKE grants ${AGENT_ROLE} to its service agent when container.googleapis.com is enabled, and nothing here removes it`, details };
    }
    return { status: "fail", address: clusterAddress, message: `${named.replace(/^the/, "The")} does not hold ${AGENT_ROLE} on ${project} (${answer.why})`, remediation: remediation(), details };
  }
  return {
    status: "unknown",
    address: clusterAddress,
    message: `Cannot tell whether the GKE service agent of ${project} still holds ${AGENT_ROLE}; nothing in this input removes it`,
    reason: answer.reason,
    decideWith: "--live reads the project's IAM policy",
    remediation: remediation(),
    details,
  };
}

function agentName(agent: Identity): string {
  return agent.email ? `the GKE service agent ${agent.email}` : agent.display;
}

/**
 * Weighs the IAM deny policies --live read. A deny rule beats any grant, so one that takes a
 * permission of the role from the agent fails even where the role is held; a failure the
 * role check found already stands as it is (restoring the role comes first). Offline there
 * are no deny facts and the role verdict is returned unchanged.
 */
function withDenyPolicies(verdict: Verdict, agent: Identity, project: string, ctx: RuleContext): Verdict {
  if (verdict.status === "fail") return verdict;
  const { permissions, source, unlisted } = agentRolePermissions(ctx);
  const found = ctx.iam.denials(agent, project, permissions, unlisted);
  if (found.denied.length > 0) return deniedVerdict(verdict, found.denied, source, agent, project);
  // Denied only under a condition, or the deny policies could not be read: a pass is no longer
  // certain; an unknown keeps its own reason.
  if (found.undetermined.length > 0 && verdict.status === "pass") {
    const first = found.undetermined[0];
    return {
      ...verdict,
      status: "unknown",
      message: `${verdict.message}, but whether an IAM deny policy takes ${found.undetermined.length === 1 ? first.permission : "some of its permissions"} from the agent cannot be told`,
      reason: first.reason,
      decideWith: "let --live read the deny policies of the project, its folders and organisation (roles/iam.denyReviewer) and the role's permissions (iam.roles.get); a conditional deny rule depends on the tags it tests",
      details: { ...verdict.details, undeterminedPermissions: found.undetermined.slice(0, NAMED).map((u) => u.permission), undeterminedCount: found.undetermined.length },
    };
  }
  return verdict;
}

function deniedVerdict(verdict: Verdict, denied: Denials["denied"], source: string, agent: Identity, project: string): Verdict {
  const policies = [...new Set(denied.map((d) => d.policy))];
  const first = denied[0];
  const names = denied.slice(0, NAMED).map((d) => d.permission).join(", ");
  const more = denied.length > NAMED ? ` and ${denied.length - NAMED} more` : "";
  const policyText = policies.length === 1 ? `The IAM deny policy ${policies[0]}` : `${policies.length} IAM deny policies (${policies.join(", ")})`;
  return {
    status: "fail",
    address: verdict.address,
    message: `${policyText} denies ${agentName(agent)} ${denied.length} permission${denied.length === 1 ? "" : "s"} of ${AGENT_ROLE} on ${project} (${names}${more}), so GKE cannot manage the cluster's resources with them`,
    remediation: denyExceptionRemediation({
      email: agent.email ?? "service-PROJECT_NUMBER@container-engine-robot.iam.gserviceaccount.com",
      who: `the GKE service agent of ${project}`,
      short: "the agent",
      what: `the permissions of ${AGENT_ROLE}`,
      attachedTo: first.attachedTo ?? `projects/${project}`,
      policy: first.policy,
    }),
    details: { ...verdict.details, denyPolicies: policies, deniedPermissions: denied.slice(0, NAMED).map((d) => d.permission), deniedCount: denied.length, rolePermissionsFrom: source },
  };
}

/**
 * The role's permissions as read live, else the bundled subset (the role is stored filtered):
 * then a permission outside the prefixes it was transcribed for may belong to the role unseen.
 */
function agentRolePermissions(ctx: RuleContext): { permissions: readonly string[]; source: string; unlisted?: (permission: string) => boolean } {
  const live = ctx.live.rolePermissions(AGENT_ROLE);
  if (live && "value" in live) return { permissions: live.value, source: "roles.get (live)" };
  const reason = live ? `; roles.get failed: ${live.unreadable}` : "";
  const info = roleInfo(AGENT_ROLE);
  return {
    permissions: permissionsOfRole(AGENT_ROLE) ?? [],
    source: `bundled role table (a subset of the role${reason})`,
    unlisted: (permission) => !info || !coversPermission(info, permission),
  };
}
