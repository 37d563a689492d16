/**
 * Opt-in auto-fix: adds the non-authoritative grants and API enablements a failing cluster
 * needs, as plain Terraform resources built with the runtime's own TerraformResource class.
 *
 * Only two kinds of resource are ever added, each granting the least that fixes the finding:
 * - google_project_iam_member: node service account → roles/container.defaultNodeServiceAccount
 * - google_project_service: container/compute API, disable_on_destroy = false
 * plus depends_on from the cluster or node pool to them, and to grants and APIs that already
 * exist but that the cluster or pool does not wait for (GKE007). Ordering only, never access. Never a binding or a policy (those
 * are authoritative and could remove other members), never a broader role.
 */
import type { IConstruct } from "constructs";
import type { Finding } from "../rules/types";
import { isResource, resourceClassOf, type ResourceLike, type StackLike, type TerraformJson } from "./brands";
import { DEFAULT_NODE_SA_ROLE } from "../knowledge/roles";

export const NODE_ROLE = DEFAULT_NODE_SA_ROLE;
/** APIs a GKE cluster cannot be created without (container depends on compute). */
export const CLUSTER_APIS = ["container.googleapis.com", "compute.googleapis.com"] as const;

const CLUSTER_TYPES = new Set(["google_container_cluster", "google_container_node_pool"]);
/** What a cluster or pool may be made to wait for: grants, API enablement, the cluster (for a pool). */
const ORDERING_TYPES = new Set([
  "google_project_iam_member",
  "google_project_iam_binding",
  "google_project_iam_policy",
  "google_project_service",
  "google_service_account_iam_member",
  "google_container_cluster",
]);

/** One resource the fix added, for reporting. */
export interface FixAddition {
  ruleId: string;
  /** The construct the addition fixes (cluster or node pool). */
  forConstruct: IConstruct;
  /** The resource added; absent when only depends_on of `forConstruct` was extended. */
  added?: ResourceLike;
  description: string;
}

/** A finding the fix could not address, and why. */
export interface FixSkipped {
  ruleId: string;
  construct: IConstruct;
  why: string;
}

export interface FixResult {
  additions: FixAddition[];
  skipped: FixSkipped[];
}

type Block = Record<string, unknown>;

function asBlock(value: unknown): Block | undefined {
  if (Array.isArray(value)) return asBlock(value[0]);
  return typeof value === "object" && value !== null ? (value as Block) : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/** The resource blocks of a Terraform JSON document: type → name → block. */
function resourcesOf(json: TerraformJson): Record<string, Record<string, Block>> {
  return (json.resource ?? {}) as Record<string, Record<string, Block>>;
}

/** The node service account email expression of a cluster or node pool, when configured. */
export function nodeServiceAccountOf(type: string, block: Block): string | undefined {
  const fromNodeConfig = str(asBlock(block.node_config)?.service_account);
  if (fromNodeConfig) return fromNodeConfig;
  if (type === "google_container_cluster") {
    const autoscaling = asBlock(block.cluster_autoscaling);
    return str(asBlock(autoscaling?.auto_provisioning_defaults)?.service_account);
  }
  return undefined;
}

/** Project of a resource: its own `project`, else its provider configuration's. */
export function projectOf(json: TerraformJson, block: Block): string | undefined {
  const own = str(block.project);
  if (own) return own;
  const alias = str(block.provider)?.split(".")[1];
  const providers = asArray(((json.provider ?? {}) as Block).google);
  const config = providers.map(asBlock).find((p) => p && str(p.alias) === alias);
  return str(config?.project);
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** Terraform resource names allow letters, digits, `_` and `-`, starting with a letter or `_`. */
function safeName(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9_-]+/g, "_").replace(/^_+|_+$/g, "");
  return /^[A-Za-z_]/.test(cleaned) ? cleaned : `r_${cleaned}`;
}

/** Reference to a resource's attribute, e.g. `${google_service_account.nodes.email}` → `nodes`. */
function referencedName(expression: string): string | undefined {
  const m = /^\$\{[a-z0-9_]+\.([A-Za-z0-9_-]+)\.[a-z_]+\}$/.exec(expression);
  return m?.[1];
}

function isEmailLike(expression: string): boolean {
  return expression.startsWith("${") || /^[^@\s]+@[^@\s]+\.iam\.gserviceaccount\.com$/.test(expression);
}

/**
 * Adds what the failing findings of GKE001 (node SA role) and GKE003 (required APIs) need.
 * `findings` must come from checking `json`, the stack's resolved configuration.
 */
export function applyFixes(stack: StackLike, json: TerraformJson, findings: readonly Finding[]): FixResult {
  const result: FixResult = { additions: [], skipped: [] };
  const resources = resourcesOf(json);
  const byPath = new Map(stack.node.findAll().map((c) => [c.node.path, c] as const));
  const byAddress = new Map<string, ResourceLike>();
  for (const c of byPath.values()) if (isResource(c)) byAddress.set(`${c.terraformResourceType}.${c.friendlyUniqueId}`, c);

  const existing = existingState(resources);
  const added = new Map<string, ResourceLike>(); // key → added resource, so one fix serves many findings

  for (const f of findings) {
    if (f.suppressed || !isFixable(f)) continue;
    const target = targetOf(f, byPath, byAddress);
    if (!target || !CLUSTER_TYPES.has(target.terraformResourceType)) continue;
    const block = resources[target.terraformResourceType]?.[target.friendlyUniqueId];
    if (!block) continue;
    const ctor = resourceClassOf(target);
    if (!ctor) {
      result.skipped.push({ ruleId: f.ruleId, construct: target, why: "the TerraformResource class of this runtime was not found" });
      continue;
    }
    const project = projectOf(json, block);
    if (!project) {
      result.skipped.push({ ruleId: f.ruleId, construct: target, why: "no project is set on the resource or its provider" });
      continue;
    }
    const provider = str(block.provider);
    const make = (id: string, type: string, attributes: Block): ResourceLike => {
      const r = new ctor(stack, id, { terraformResourceType: type, terraformGeneratorMetadata: { providerName: "google" } });
      for (const [k, v] of Object.entries(attributes)) r.addOverride(k, v);
      if (provider) r.addOverride("provider", provider);
      return r;
    };

    if (f.ruleId === "GKE007") {
      const missing = Array.isArray(f.details?.missing) ? f.details.missing : [];
      const waitFor = missing
        .map((a) => (typeof a === "string" ? byAddress.get(a) : undefined))
        .filter((r): r is ResourceLike => r !== undefined && ORDERING_TYPES.has(r.terraformResourceType));
      const added = waitFor.filter((r) => addDependsOn(target, r));
      if (added.length > 0) {
        result.additions.push({
          ruleId: f.ruleId,
          forConstruct: target,
          description: `made it depend on ${added.map((r) => `${r.terraformResourceType}.${r.friendlyUniqueId}`).join(", ")}`,
        });
      }
      continue;
    }

    if (f.ruleId === "GKE001") {
      const email = nodeServiceAccountOf(target.terraformResourceType, block);
      if (!email || email === "default" || !isEmailLike(email)) {
        result.skipped.push({
          ruleId: f.ruleId,
          construct: target,
          why: "the node service account is the Compute Engine default one or not a known email; set a dedicated node service account",
        });
        continue;
      }
      const member = `serviceAccount:${email}`;
      const key = `iam|${project}|${member}`;
      if (existing.has(key)) continue;
      let grant = added.get(key);
      if (!grant) {
        const id = uniqueId(stack, `preflight_fix_${safeName(referencedName(email) ?? email.split("@")[0])}_default_node_role`);
        grant = make(id, "google_project_iam_member", { project, role: NODE_ROLE, member });
        added.set(key, grant);
        result.additions.push({
          ruleId: f.ruleId,
          forConstruct: target,
          added: grant,
          description: `granted ${NODE_ROLE} to ${member} on project ${project}`,
        });
      }
      addDependsOn(target, grant);
    } else {
      for (const service of missingApis(f, existing, project)) {
        const key = `api|${project}|${service}`;
        let enable = added.get(key);
        if (!enable) {
          const id = uniqueId(stack, `preflight_fix_${safeName(service.split(".")[0])}_api`);
          enable = make(id, "google_project_service", { project, service, disable_on_destroy: false });
          added.set(key, enable);
          result.additions.push({
            ruleId: f.ruleId,
            forConstruct: target,
            added: enable,
            description: `enabled ${service} on project ${project} (disable_on_destroy = false)`,
          });
        }
        addDependsOn(target, enable);
      }
    }
  }
  return result;
}

/**
 * A failing node-SA finding, or an API that is not enabled or cannot be seen enabled: enabling
 * an API that is already on is harmless (and keeps it on), so `unknown` is fixed too.
 */
function isFixable(f: Finding): boolean {
  if (f.ruleId === "GKE001" || f.ruleId === "GKE007") return f.status === "fail";
  if (f.ruleId === "GKE003") return f.status === "fail" || f.status === "unknown";
  return false;
}

/** Grants and enabled APIs already in the configuration, keyed like the additions. */
function existingState(resources: Record<string, Record<string, Block>>): Set<string> {
  const keys = new Set<string>();
  for (const block of Object.values(resources.google_project_iam_member ?? {})) {
    if (str(block.role) === NODE_ROLE && !block.condition) keys.add(`iam|${str(block.project)}|${str(block.member)}`);
  }
  for (const block of Object.values(resources.google_project_service ?? {})) {
    keys.add(`api|${str(block.project)}|${str(block.service)}`);
  }
  return keys;
}

/** APIs to enable: the one the finding names, else the cluster APIs not enabled in this configuration. */
function missingApis(f: Finding, existing: Set<string>, project: string): string[] {
  const named = typeof f.details?.api === "string" ? [f.details.api] : [];
  const candidates = named.length > 0 ? named : [...CLUSTER_APIS];
  return candidates.filter((s) => s.endsWith(".googleapis.com") && !existing.has(`api|${project}|${s}`));
}

function targetOf(
  f: Finding,
  byPath: Map<string, IConstruct>,
  byAddress: Map<string, ResourceLike>,
): ResourceLike | undefined {
  const fromPath = f.constructPath ? byPath.get(f.constructPath) : undefined;
  if (fromPath && isResource(fromPath)) return fromPath;
  return byAddress.get(f.address);
}

function uniqueId(stack: StackLike, base: string): string {
  let id = base;
  for (let i = 2; stack.node.tryFindChild(id); i++) id = `${base}_${i}`;
  return id;
}

/** Extends depends_on; true when it was not there yet. */
function addDependsOn(target: ResourceLike, on: ResourceLike): boolean {
  const ref = `${on.terraformResourceType}.${on.friendlyUniqueId}`;
  const current = target.dependsOn ?? [];
  if (current.includes(ref)) return false;
  target.dependsOn = [...current, ref];
  return true;
}
