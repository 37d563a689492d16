import { inStack } from "../facts/iam/upstream-grants";
import type { Rule, RuleContext, Verdict } from "./types";
import { cryptoKeyNeeds } from "../facts/live-resource-needs";
import { worstPerAddress } from "./worst-per-address";
import type { Resource } from "../model/types";
import { agentIdentity, type Identity } from "../facts/iam/identity";
import { CLUSTER, NODE_POOL } from "../facts/gke/node-identities";
import { KMS_KEYS } from "../knowledge/preconditions";
import { googleIdentity } from "../knowledge/service-agents";
import type { KeyUse } from "../facts/kms-keys";
import { agentOf, isAgentMember, type AgentOf } from "../facts/agents";
import { holdsOn, type ResourceAnswer, type ResourceIam } from "../facts/resource-iam";
import { createdByThisApply, sameTarget, type Target } from "../facts/targets";
import { regionOf } from "../facts/shared-vpc";
import { DependencyReach } from "./dependencies";
import { isCreated } from "../model/change";
import { agentGrantsRemediation } from "./agent-grant-fix";
import { holdsInLivePolicy, unreadReason } from "../facts/live-resources";
import type { LiveView } from "../facts/live-view";

type LiveKeyFacts = NonNullable<ReturnType<LiveView["cryptoKey"]>>;
import { textRemediation } from "./remediation";
import { sh } from "../text/shell";

type Holds = { holds: "yes"; by?: Resource; how?: string } | { holds: "no"; why: string } | { holds: "maybe"; reason: string };

/**
 * GKE014: a cluster that encrypts Secrets with a Cloud KMS key needs its project's GKE service
 * agent to hold Encrypter/Decrypter on the key; CMEK node boot disks need the project's Compute
 * Engine service agent to hold it. A grant to the node service account is not either.
 */
export const gke014KmsKeyAccess: Rule = {
  meta: {
    id: "GKE014",
    slug: "kms-key-access",
    title: "The agents that use a cluster's Cloud KMS keys may use them",
    severity: "error",
    rationale:
      "Creating a cluster with application-layer secrets encryption, or nodes with CMEK boot disks, fails when the GKE service agent " +
      "(secrets) or the Compute Engine service agent (boot disks) of the cluster's project does not hold roles/cloudkms.cryptoKeyEncrypterDecrypter on the key.",
    googleDocUrl: KMS_KEYS.sources[0].url,
    resourceTypes: [CLUSTER, NODE_POOL, "google_kms_crypto_key_iam_member", "google_kms_crypto_key_iam_binding", "google_kms_key_ring_iam_member"],
  },
  liveNeeds: cryptoKeyNeeds,
  check(ctx: RuleContext): Verdict[] {
    const facts = ctx.facts.kmsKeys;
    if (facts.uses.length === 0) return [];
    const grantResources = new Set([...facts.keyIam.grants, ...facts.ringIam.grants].map((g) => g.resource).concat(ctx.iam.grants.flatMap((g) => (g.resource ? [g.resource] : []))).filter(isCreated));
    const reach = new DependencyReach(ctx.model, (r) => grantResources.has(r));
    return worstPerAddress(facts.uses.map((use) => checkUse(use, ctx, facts.keyIam, facts.ringIam, reach)));
  },
};

const AGENT_NAME = { "gke-service-agent": "the GKE service agent", "compute-service-agent": "the Compute Engine service agent" } as Record<string, string>;

function checkUse(use: KeyUse, ctx: RuleContext, keyIam: ResourceIam, ringIam: ResourceIam, reach: DependencyReach): Verdict {
  const address = use.resource.address;
  const keyText = use.key.path ?? use.key.resource?.address ?? "the key";
  const project = use.project.key;
  const who = AGENT_NAME[use.agent] ?? googleIdentity(use.agent).displayName;
  const details: Record<string, unknown> = { key: keyText, where: use.where, agent: use.agent };
  if (project === undefined) {
    return { status: "unknown", address, message: `${address} (${use.where}) uses ${keyText}, but its project is not known before apply, so ${who} that needs the key cannot be named`, reason: use.project.reason, decideWith: "set the cluster's project to a literal", details };
  }
  if (use.key.reason) {
    return { status: "unknown", address, message: `${address} (${use.where}) uses a key that is only known after apply`, reason: use.key.reason, decideWith: "name the key by its id or by a google_kms_crypto_key of this configuration", details };
  }
  const agent = agentOf(use.agent, project, ctx.iam.catalog);
  details.agentEmail = agent.email ?? googleIdentity(use.agent).emailPattern.replace("{number}", "PROJECT_NUMBER");
  const live = use.key.path ? ctx.live.cryptoKey(use.key.path) : undefined;
  const unusable = live && keyStateProblem(live.state);
  // Only a resource the apply creates surely makes GKE encrypt with the key now; an existing one may not.
  if (unusable && !isCreated(use.resource)) {
    return { status: "unknown", address, message: `${address} (${use.where}) uses ${keyText}, which ${unusable} (read live): ${who} cannot encrypt with it`, reason: `${address} exists already, and whether this apply makes GKE use the key is not known`, decideWith: sh`gcloud kms keys describe ${keyText} --format=${"value(purpose,primary.state)"}`, details };
  }
  if (unusable) {
    return { status: "fail", address, message: `${address} (${use.where}) uses ${keyText}, which ${unusable} (read live): ${who} cannot encrypt with it`, remediation: textRemediation(`Use an enabled symmetric (ENCRYPT_DECRYPT) key, or restore this one's primary version.`, [sh`gcloud kms keys describe ${keyText} --format=${"value(purpose,primary.state)"}`, sh`gcloud kms keys versions list --key=${keyText}`], `// name an enabled key in the ${use.where.startsWith("database") ? "databaseEncryption.keyName" : "bootDiskKmsKey"} of ${address}`, `# in ${address}: name an enabled key in ${use.where}`), details };
  }
  const answer = holds(use, agent, ctx, keyIam, ringIam);
  const note = locationNote(use);
  const label = `${who} of ${project} (${agent.email ?? "its project number is not in the input"})`;
  const remediation = () =>
    agentGrantsRemediation({
      summary: `Grant ${KMS_KEYS.role} on ${keyText} to ${who} of ${project}.`,
      agentProject: project,
      agentNumber: ctx.iam.catalog.numberOf(project),
      grants: [{ agent: use.agent, role: KMS_KEYS.role, on: { kind: "crypto-key", ...(use.key.path && { path: use.key.path }), ...(use.key.resource && { resource: use.key.resource }) }, name: use.agent === "gke-service-agent" ? "gke_agent_secrets_key" : "compute_agent_boot_disk_key" }],
      waiting: use.resource,
    });
  if (answer.holds === "yes") {
    if (answer.by && isCreated(answer.by) && !reach.targetsReachedFrom(use.resource).has(answer.by.address)) {
      return { status: "unknown", address, message: `${answer.by.address} grants ${label} ${KMS_KEYS.role} on ${keyText}, but ${address} does not wait for it: both are created in parallel${note}`, reason: "Terraform creates resources that do not depend on each other at the same time, and IAM grants take effect with a delay", decideWith: `make ${address} depend on ${answer.by.address}`, remediation: remediation(), details };
    }
    const stateNote = live?.state && "unreadable" in live.state ? ` (its state was not checked: ${unreadReason(`the key ${keyText}`, live.state)})` : "";
    return { status: "pass", address, message: `${label} may use ${keyText} (${answer.by?.address ?? answer.how ?? "granted"})${note}${stateNote}`, details };
  }
  const others = otherMembers(use.key, keyIam);
  const otherText = others.length ? `; the key's grants in this configuration go to ${others.join(", ")}, which is not ${who}` : "";
  if (answer.holds === "no") {
    return { status: "fail", address, message: `${address} (${use.where}) uses ${keyText}, and ${label} does not hold ${KMS_KEYS.role} on it (${answer.why})${otherText}${note}`, remediation: remediation(), details };
  }
  return {
    status: "unknown",
    address,
    message: `${address} (${use.where}) uses ${keyText}; whether ${label} holds ${KMS_KEYS.role} on it is not known${otherText}${note}`,
    reason: answer.reason,
    decideWith: ctx.live.enabled ? `grant read access to what --live could not read (the reasons above), or check with gcloud kms keys get-iam-policy on the key and gcloud kms keyrings get-iam-policy on its ring` : `--live reads the IAM policies of the key, its key ring and its project (or gcloud kms keys get-iam-policy on the key)`,
    remediation: remediation(),
    details,
  };
}

/** On the key, its key ring, or the key's project. */
function holds(use: KeyUse, agent: AgentOf, ctx: RuleContext, keyIam: ResourceIam, ringIam: ResourceIam): Holds {
  const catalog = ctx.iam.catalog;
  const isMember = (m: Parameters<typeof isAgentMember>[0]) => isAgentMember(m, agent, catalog);
  const gives = (role: string) => (role === KMS_KEYS.role ? true : KMS_KEYS.permissions.every((p) => ctx.iam.roleContains(role, p) === true) ? true : ctx.iam.roleContains(role, KMS_KEYS.permissions[0]));
  const onKey = holdsOn(keyIam, use.key, isMember, gives, agent.email ?? "the agent");
  if (onKey.holds === "yes") return onKey;
  const onRing: ResourceAnswer = use.ring ? holdsOn(ringIam, use.ring, isMember, gives, agent.email ?? "the agent") : { holds: "maybe", reason: "the key's key ring is not known before apply" };
  if (onRing.holds === "yes") return onRing;
  const onProject = projectLevel(use, agent, ctx);
  if (onProject.holds === "yes") return onProject;
  for (const answer of [onKey, onRing, onProject]) if (answer.holds === "maybe") return answer;
  if (onKey.holds === "no") return onKey;
  if (onRing.holds === "no") return onRing;
  // Nothing grants it here: only a key and key ring created by this apply cannot have grants from elsewhere.
  const newProject = use.keyProject !== undefined && ctx.facts.kmsKeys.projectsCreated.has(use.keyProject);
  const live = use.key.path ? ctx.live.cryptoKey(use.key.path) : undefined;
  if (live && !createdByThisApply(use.key) && !newProject) return onLivePolicies(live, use, isMember, gives, onProject);
  if (!createdByThisApply(use.key) && !newProject) return { holds: "maybe", reason: `the IAM policy of ${use.key.path ?? use.key.resource?.address} is not in the input (the key exists outside this apply)` };
  if (use.ring && !createdByThisApply(use.ring) && !newProject) return { holds: "maybe", reason: `the IAM policy of the key ring ${use.ring.path ?? use.ring.resource?.address} is not in the input (it exists outside this apply)` };
  return onProject;
}

/**
 * The key's and its key ring's IAM policies read live, after the configuration and the project
 * showed nothing: a grant on either is enough; both read and silent leave the project's answer.
 */
function onLivePolicies(live: LiveKeyFacts, use: KeyUse, isMember: (m: string) => "yes" | "no" | "maybe", gives: (role: string) => boolean | "unknown", onProject: Holds): Holds {
  const ring = use.key.path!.replace(/\/cryptoKeys\/[^/]+$/, "");
  const answers = [
    [live.keyPolicy, `the IAM policy of ${use.key.path}`],
    [live.ringPolicy, `the IAM policy of the key ring ${ring}`],
  ] as const;
  let maybe: string | undefined;
  for (const [read, where] of answers) {
    if (!read) continue;
    if ("unreadable" in read) {
      maybe ??= unreadReason(where, read);
      continue;
    }
    const answer = holdsInLivePolicy(read.value, isMember, gives, where);
    if (answer.holds === "yes") return { holds: "yes", how: answer.how };
    if (answer.holds === "maybe") maybe ??= answer.reason;
  }
  if (maybe) return { holds: "maybe", reason: maybe };
  return onProject.holds === "no" ? { holds: "no", why: `${onProject.why}, nor on the key or its key ring (their IAM policies read live)` } : onProject;
}

/** Why a key read live cannot be used, or undefined when it can (or its state is not known). */
function keyStateProblem(state: LiveKeyFacts["state"]): string | undefined {
  if (!state || "unreadable" in state) return undefined;
  const key = state.value;
  if (!key.exists) return "does not exist";
  if (key.purpose && key.purpose !== "ENCRYPT_DECRYPT") return `is a ${key.purpose} key, not a symmetric ENCRYPT_DECRYPT key`;
  if (!key.primaryState) return key.purpose ? "has no primary version" : undefined;
  return KMS_KEYS.unusablePrimaryStates.includes(key.primaryState) ? `has its primary version ${key.primaryState}` : undefined;
}

function projectLevel(use: KeyUse, agent: AgentOf, ctx: RuleContext): Holds {
  if (!use.keyProject) return { holds: "maybe", reason: "the key's project is not known before apply" };
  const identity: Identity | undefined = use.agent === "gke-service-agent" ? agentIdentity("gke-agent", agent.project, ctx.iam.catalog) : agent.email ? ctx.iam.identities.email(agent.email) : undefined;
  if (!identity) return unnamedAgent(use.keyProject, agent, ctx);
  const answer = ctx.iam.holdsRole(identity, use.keyProject, KMS_KEYS.role);
  if (answer.holds === "yes") {
    const grant = answer.via[0];
    // A grant of a stack deployed before this one is applied already: nothing to wait for.
    if (grant?.resource && grant.stack !== undefined) return { holds: "yes", how: inStack(grant.resource.address, grant.stack) };
    return { holds: "yes", ...(grant?.resource && { by: grant.resource }) };
  }
  if (answer.holds === "maybe") return answer;
  const report = ctx.iam.permissions(identity, use.keyProject, KMS_KEYS.permissions);
  if (report.undetermined.length) return { holds: "maybe", reason: report.undetermined[0].reason };
  return { holds: "no", why: answer.why ?? `nothing grants it on ${use.keyProject}` };
}

/**
 * The agent's email is not known (its project's number is not in the input): a project-level grant
 * of the key role may name it by a template; none can exist in a key project this apply creates.
 */
function unnamedAgent(keyProject: string, agent: AgentOf, ctx: RuleContext): Holds {
  for (const g of ctx.iam.grants) {
    if (g.destroyed || g.project.key !== keyProject || (typeof g.role === "string" && g.role !== KMS_KEYS.role)) continue;
    const member = g.identity.email ? `serviceAccount:${g.identity.email}` : g.resource?.values.member;
    const same = isAgentMember(member, agent, ctx.iam.catalog);
    if (same === "yes" && typeof g.role === "string" && !g.conditional && g.resource) return { holds: "yes", by: g.resource };
    if (same !== "no") return { holds: "maybe", reason: `${g.resource?.address ?? "a grant"} may grant it to the agent` };
  }
  if (ctx.facts.kmsKeys.projectsCreated.has(keyProject)) return { holds: "no", why: `nothing grants it on ${keyProject}, which this apply creates` };
  return { holds: "maybe", reason: `the project number of ${agent.project} is not in the input, and grants made outside this configuration on ${keyProject} cannot be seen` };
}

/** Members the configuration grants the key role to on this key: often the node account, which is not the agent. */
function otherMembers(key: Target, keyIam: ResourceIam): string[] {
  const out = new Set<string>();
  for (const g of keyIam.grants) {
    if (g.destroyed || g.role !== KMS_KEYS.role || !g.target || sameTarget(g.target, key) !== "yes") continue;
    out.add(typeof g.member === "string" ? g.member : (g.member as { template?: string } | undefined)?.template ?? "(known after apply)");
  }
  return [...out].slice(0, 3);
}

/** Google asks for the key in the cluster's location; a difference is worth a word, not a failure. */
function locationNote(use: KeyUse): string {
  const location = use.cluster?.values.location;
  if (!use.keyLocation || typeof location !== "string") return "";
  const region = regionOf(location);
  return use.keyLocation === region || use.keyLocation === location ? "" : ` (note: the key is in ${use.keyLocation} and the cluster in ${location}; Google recommends the same location)`;
}
