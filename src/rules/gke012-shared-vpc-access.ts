import { inStack } from "../facts/iam/upstream-grants";
import type { Rule, RuleContext, Verdict } from "./types";
import { sharedVpcNeeds } from "../facts/live-resource-needs";
import type { IamIndex, Answer } from "../facts/iam/index-grants";
import { agentIdentity, type Identity } from "../facts/iam/identity";
import { CLUSTER } from "../facts/gke/node-identities";
import { SHARED_VPC } from "../knowledge/preconditions";
import type { GoogleIdentityKind } from "../knowledge/service-agents";
import type { ClusterNetwork } from "../facts/shared-vpc";
import { agentOf, isAgentMember } from "../facts/agents";
import { holdsOn } from "../facts/resource-iam";
import { createdByThisApply } from "../facts/targets";
import { holdsInLivePolicy, unreadReason } from "../facts/live-resources";
import { agentGrantsRemediation, type AgentGrant } from "./agent-grant-fix";

type Holds = { holds: "yes"; how: string } | { holds: "no"; why: string } | { holds: "maybe"; reason: string };

interface Requirement {
  agent: GoogleIdentityKind;
  who: string;
  role: string;
  /** Where the role may be held: the host project only, or the subnetwork too. */
  onSubnetwork: boolean;
}

const REQUIREMENTS: readonly Requirement[] = [
  { agent: "gke-service-agent", who: "the GKE service agent", role: SHARED_VPC.hostServiceAgentUserRole, onSubnetwork: false },
  { agent: "gke-service-agent", who: "the GKE service agent", role: SHARED_VPC.networkUserRole, onSubnetwork: true },
  { agent: "google-apis-service-agent", who: "the Google APIs service agent", role: SHARED_VPC.networkUserRole, onSubnetwork: true },
];

const IDENTITY_KIND = { "gke-service-agent": "gke-agent", "google-apis-service-agent": "apis-agent" } as const;

/**
 * GKE012: a cluster on another project's network (Shared VPC) can only be created when the
 * service project's GKE service agent may use the host project (Host Service Agent User) and both
 * it and the Google APIs service agent may use the subnetwork (Compute Network User on it or on
 * the host project).
 */
export const gke012SharedVpcAccess: Rule = {
  meta: {
    id: "GKE012",
    slug: "shared-vpc-access",
    title: "A Shared VPC cluster's service agents hold their roles in the host project",
    severity: "error",
    rationale:
      "Creating a cluster on a Shared VPC subnetwork fails (403 on the host project's network or subnetwork) unless the service " +
      "project's GKE service agent holds roles/container.hostServiceAgentUser on the host project, and it and the Google APIs service " +
      "agent hold roles/compute.networkUser on the subnetwork or the host project.",
    googleDocUrl: SHARED_VPC.sources[0].url,
    resourceTypes: [CLUSTER, "google_project_iam_member", "google_project_iam_binding", "google_compute_subnetwork_iam_member", "google_compute_subnetwork_iam_binding"],
  },
  liveNeeds: sharedVpcNeeds,
  check(ctx: RuleContext): Verdict[] {
    return ctx.facts.sharedVpc.clusters.map((network) => checkCluster(network, ctx));
  },
};

function checkCluster(network: ClusterNetwork, ctx: RuleContext): Verdict {
  const { cluster, serviceProject, host } = network;
  const address = cluster.address;
  if (host.key === undefined) {
    return { status: "unknown", address, message: `Whether ${address} uses another project's network (Shared VPC) is not known before apply`, reason: host.reason, decideWith: "write network and subnetwork as literals or references to resources of this configuration" };
  }
  const details = { hostProject: host.key, serviceProject: serviceProject.key ?? null, subnetwork: network.subnetwork?.path ?? network.subnetwork?.resource?.address ?? null };
  if (serviceProject.key === undefined) {
    return { status: "unknown", address, message: `${address} uses a network of ${host.key}, but its own project is not known before apply, so its service agents cannot be named`, reason: serviceProject.reason, decideWith: "set the cluster's project (or the provider's) to a literal", details };
  }
  const service = serviceProject.key;
  const results = REQUIREMENTS.map((req) => ({ req, answer: holds(req, network, service, host.key, ctx) }));
  const missing = results.filter((r) => r.answer.holds === "no");
  const undetermined = results.filter((r) => r.answer.holds === "maybe");
  const describe = (r: (typeof results)[number]) => `${r.req.who} of ${service} lacks ${r.req.role} ${r.req.onSubnetwork ? `on the subnetwork or on ${host.key}` : `on ${host.key}`}`;
  const remediation = () => fix(network, service, host.key, [...missing, ...undetermined].map((r) => r.req), ctx.iam);
  if (missing.length) {
    return {
      status: "fail",
      address,
      message: `${address} uses the Shared VPC of ${host.key}, and ${missing.map(describe).join("; ")}${missing.map((r) => (r.answer.holds === "no" ? ` (${r.answer.why})` : "")).join("")}`,
      remediation: remediation(),
      details: { ...details, missing: missing.map((r) => ({ agent: r.req.agent, role: r.req.role })) },
    };
  }
  if (undetermined.length) {
    return {
      status: "unknown",
      address,
      message: `${address} uses the Shared VPC of ${host.key}; whether ${undetermined.map((r) => `${r.req.who} of ${service} holds ${r.req.role}`).join(" and whether ")} there is not known`,
      reason: [...new Set(undetermined.map((r) => (r.answer.holds === "maybe" ? r.answer.reason : "")))].filter(Boolean).join("; "),
      decideWith: ctx.live.enabled ? `grant read access to what --live could not read (the reasons above), or check with gcloud projects get-iam-policy ${host.key} and gcloud compute networks subnets get-iam-policy` : `--live reads the IAM policies of ${host.key} and of the subnetwork`,
      remediation: remediation(),
      details,
    };
  }
  const firewall = ctx.iam.holdsRole(agentIdentity("gke-agent", service, ctx.iam.catalog), host.key, SHARED_VPC.securityAdminRole);
  const note = firewall.holds === "no" ? ` (it does not hold ${SHARED_VPC.securityAdminRole} there, so GKE will not create firewall rules: the host project's admins must)` : "";
  return { status: "pass", address, message: `${address} uses the Shared VPC of ${host.key}, and the service agents of ${service} hold their roles there${note}`, details };
}

/** Whether one agent holds one role where it counts: the host project, or the subnetwork for networkUser. */
function holds(req: Requirement, network: ClusterNetwork, service: string, host: string, ctx: RuleContext): Holds {
  const iam = ctx.iam;
  const identity = agentIdentity(IDENTITY_KIND[req.agent as keyof typeof IDENTITY_KIND], service, iam.catalog);
  const project = onProject(iam, identity, host, req);
  if (project.holds === "yes" || !req.onSubnetwork) return project;
  const subnetwork = network.subnetwork;
  if (!subnetwork) return project;
  const agent = agentOf(req.agent, service, iam.catalog);
  const answer = holdsOn(ctx.facts.sharedVpc.subnetworkIam, subnetwork, (m) => isAgentMember(m, agent, iam.catalog), (role) => iam.roleContains(role, SHARED_VPC.subnetworkUsePermission), identity.display);
  if (answer.holds === "yes") return { holds: "yes", how: answer.by.address };
  if (answer.holds === "maybe") return answer;
  if (project.holds === "maybe") return project;
  if (answer.holds === "no") return { holds: "no", why: answer.why };
  // Nothing on the subnetwork in the input: only a subnetwork this apply creates cannot have grants from elsewhere.
  if (createdByThisApply(subnetwork) || network.hostCreatedByThisApply) return project;
  const live = subnetwork.path ? ctx.live.subnetworkPolicy(subnetwork.path) : undefined;
  if (live && "unreadable" in live) return { holds: "maybe", reason: unreadReason(`the IAM policy of ${subnetwork.path}`, live) };
  if (live) {
    const onLive = holdsInLivePolicy(live.value, (m) => isAgentMember(m, agent, iam.catalog), (role) => iam.roleContains(role, SHARED_VPC.subnetworkUsePermission), `the IAM policy of ${subnetwork.path}`);
    if (onLive.holds === "yes") return { holds: "yes", how: onLive.how };
    if (onLive.holds === "maybe") return onLive;
    return { holds: "no", why: `nothing grants it on ${host}, nor on the subnetwork (its IAM policy read live)` };
  }
  return { holds: "maybe", reason: `the IAM policy of the subnetwork ${subnetwork.path ?? subnetwork.resource?.address ?? ""} is not in the input` };
}

function onProject(iam: IamIndex, identity: Identity, host: string, req: Requirement): Holds {
  if (req.role === SHARED_VPC.networkUserRole) {
    const report = iam.permissions(identity, host, [SHARED_VPC.subnetworkUsePermission]);
    const granted = report.granted.get(SHARED_VPC.subnetworkUsePermission);
    if (granted) return { holds: "yes", how: granted[0].resource?.address ?? "the live policy" };
    if (report.undetermined.length) return { holds: "maybe", reason: report.undetermined[0].reason };
    return unlinkedNumber(iam, identity, host, req.role) ?? { holds: "no", why: `nothing grants it on ${host}` };
  }
  const answer: Answer = iam.holdsRole(identity, host, req.role);
  if (answer.holds === "yes") return { holds: "yes", how: answer.via[0]?.resource ? inStack(answer.via[0].resource.address, answer.via[0].stack) : "the live policy" };
  if (answer.holds === "maybe") return answer;
  return unlinkedNumber(iam, identity, host, req.role) ?? { holds: "no", why: answer.why ?? `nothing grants it on ${host}` };
}

/**
 * The service project's number is not known, and the host project grants the role to an agent of
 * the same kind named by a number no project of the input has: it may be this one.
 */
function unlinkedNumber(iam: IamIndex, identity: Identity, host: string, role: string): Holds | undefined {
  if (identity.email) return undefined;
  const grant = iam.grants.find((g) => !g.destroyed && g.project.key === host && g.role === role && g.identity.kind === identity.kind && /^\d+$/.test(g.identity.project ?? ""));
  return grant ? { holds: "maybe", reason: `${grant.resource?.address ?? "a grant"} names ${grant.identity.display}, which may be the agent of ${identity.project} (its project number is not in the input)` } : undefined;
}

function fix(network: ClusterNetwork, service: string, host: string, needed: Requirement[], iam: IamIndex) {
  const number = iam.catalog.numberOf(service);
  const subnet = network.subnetworkName && network.subnetworkRegion ? { kind: "subnetwork" as const, project: host, region: network.subnetworkRegion, name: network.subnetworkName } : undefined;
  const grants: AgentGrant[] = needed.map((req) => ({
    agent: req.agent,
    role: req.role,
    on: req.onSubnetwork && subnet ? subnet : { kind: "project", project: host },
    name: `${req.agent === "gke-service-agent" ? "gke_agent" : "apis_agent"}_${req.role === SHARED_VPC.networkUserRole ? "network_user" : "host_service_agent_user"}`,
  }));
  return agentGrantsRemediation({
    summary: `Grant, in the host project ${host}, ${needed.map((r) => `${r.role} to ${r.who} of ${service}${r.onSubnetwork && subnet ? ` on the subnetwork ${subnet.name}` : ""}`).join(", ")}.`,
    agentProject: service,
    agentNumber: number,
    grants,
    waiting: network.cluster,
  });
}
