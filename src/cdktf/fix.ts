/**
 * Opt-in auto-fix: applies what the rules ask for in their `aspectFix` (generic operations, see
 * rules/fix-actions.ts) to the stack, creating resources with the runtime's own TerraformResource
 * class so they belong to the user's cdktf or cdktn.
 *
 * Whatever a rule asks, the fix only adds: resources and depends_on (ordering, never access
 * taken away). It never adds an authoritative IAM binding or policy, which could remove other
 * members, nor a resource the configuration already has.
 */
import type { IConstruct } from "constructs";
import type { AspectFix, Finding, Rule } from "../rules/types";
import type { AddResource, DependOn, FixAction, FixTarget } from "../rules/fix-actions";
import { allRules } from "../rules/index";
import { isResource, resourceClassOf, type ResourceConstructor, type ResourceLike, type StackLike, type TerraformJson } from "./brands";

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

/** An IAM resource that sets every member of a role (binding) or of the policy: adding one could remove others. */
const AUTHORITATIVE = /_iam_(binding|policy)$/;

/** One pass of fixes over a stack: what it reads, and what it added so far (one addition serves many findings). */
interface FixPass {
  stack: StackLike;
  json: TerraformJson;
  byPath: Map<string, IConstruct>;
  byAddress: Map<string, ResourceLike>;
  /** Identity keys of the resources the configuration already has, per type and identifying arguments. */
  existing: Map<string, Set<string>>;
  added: Map<string, ResourceLike>;
  result: FixResult;
}

/** What applying one finding's actions needs: the finding, its target, and a way to create resources next to it. */
interface FixSite {
  finding: Finding;
  target: ResourceLike;
  create(name: string, type: string, values: AddResource["values"]): ResourceLike;
}

/**
 * Applies the aspect fixes of the findings' rules. `findings` must come from checking `json`,
 * the stack's resolved configuration; `rules` are where their fixes are looked up.
 */
export function applyFixes(stack: StackLike, json: TerraformJson, findings: readonly Finding[], rules: readonly Rule[] = allRules): FixResult {
  const pass = startPass(stack, json);
  const fixes = new Map(rules.flatMap((r) => (r.aspectFix ? [[r.meta.id, r.aspectFix] as const] : [])));
  for (const finding of findings) {
    const fix = fixes.get(finding.ruleId);
    if (!fix || finding.suppressed || !fix.statuses.includes(finding.status)) continue;
    const site = siteOf(finding, fix, pass);
    if (!site) continue;
    for (const action of site.actions) apply(action, site, pass);
  }
  return pass.result;
}

function startPass(stack: StackLike, json: TerraformJson): FixPass {
  const byPath = new Map(stack.node.findAll().map((c) => [c.node.path, c] as const));
  const byAddress = new Map<string, ResourceLike>();
  for (const c of byPath.values()) if (isResource(c)) byAddress.set(addressOf(c), c);
  return { stack, json, byPath, byAddress, existing: new Map(), added: new Map(), result: { additions: [], skipped: [] } };
}

/**
 * The resource a finding is about, when the rule fixes findings on its type, with the actions the
 * rule asks for there; undefined (and the reason recorded) when it cannot be fixed in this stack.
 */
function siteOf(finding: Finding, fix: AspectFix, pass: FixPass): (FixSite & { actions: FixAction[] }) | undefined {
  const target = targetOf(finding, pass);
  if (!target || !fix.targetTypes.includes(target.terraformResourceType)) return undefined;
  const block = resourcesOf(pass.json)[target.terraformResourceType]?.[target.friendlyUniqueId];
  if (!block) return undefined;
  const skip = (why: string) => void pass.result.skipped.push({ ruleId: finding.ruleId, construct: target, why });
  const ctor = resourceClassOf(target);
  if (!ctor) return skip("the TerraformResource class of this runtime was not found");
  const project = projectOf(pass.json, block);
  if (!project) return skip("no project is set on the resource or its provider");
  const create = creator(pass.stack, ctor, str(block.provider));
  return { finding, target, create, actions: fix.actions(finding, fixTarget(target.terraformResourceType, block, project)) };
}

function apply(action: FixAction, site: FixSite, pass: FixPass): void {
  if (action.kind === "add-resource") addResource(action, site, pass);
  else if (action.kind === "depend-on") dependOn(action, site, pass);
  else pass.result.skipped.push({ ruleId: site.finding.ruleId, construct: site.target, why: action.why });
}

/** Adds the resource unless the configuration has it (or this pass added it), and makes the target wait for it. */
function addResource(action: AddResource, site: FixSite, pass: FixPass): void {
  if (AUTHORITATIVE.test(action.type)) {
    pass.result.skipped.push({ ruleId: site.finding.ruleId, construct: site.target, why: `${action.type} is authoritative (it could remove other members), so it is never added automatically` });
    return;
  }
  const key = identityKey(action.type, action.identifiedBy, action.values);
  if (existingKeys(action, pass).has(key)) return;
  let resource = pass.added.get(key);
  if (!resource) {
    resource = site.create(uniqueId(pass.stack, `preflight_fix_${action.name}`), action.type, action.values);
    pass.added.set(key, resource);
    pass.result.additions.push({ ruleId: site.finding.ruleId, forConstruct: site.target, added: resource, description: action.description });
  }
  addDependsOn(site.target, resource);
}

function dependOn(action: DependOn, site: FixSite, pass: FixPass): void {
  const waitFor = action.addresses.map((a) => pass.byAddress.get(a)).filter((r): r is ResourceLike => r !== undefined);
  const added = waitFor.filter((r) => addDependsOn(site.target, r));
  if (added.length === 0) return;
  pass.result.additions.push({ ruleId: site.finding.ruleId, forConstruct: site.target, description: `made it depend on ${added.map(addressOf).join(", ")}` });
}

/** A resource of the stack's runtime, with the target's provider, written through overrides as the user's own would be. */
function creator(stack: StackLike, ctor: ResourceConstructor, provider: string | undefined): FixSite["create"] {
  return (id, type, values) => {
    const r = new ctor(stack, id, { terraformResourceType: type, terraformGeneratorMetadata: { providerName: "google" } });
    for (const [k, v] of Object.entries(values)) r.addOverride(k, v);
    if (provider) r.addOverride("provider", provider);
    return r;
  };
}

function fixTarget(type: string, block: Block, project: string): FixTarget {
  return {
    type,
    project,
    attribute: (...path) => str(path.reduce<unknown>((value, name) => asBlock(value)?.[name], block)),
  };
}

/**
 * Identity keys of the resources of `action.type` the configuration has. One with a `condition`
 * does not count: a conditional grant holds only some of the time.
 */
function existingKeys(action: AddResource, pass: FixPass): Set<string> {
  const index = `${action.type}|${action.identifiedBy.join(",")}`;
  let keys = pass.existing.get(index);
  if (!keys) {
    keys = new Set();
    for (const block of Object.values(resourcesOf(pass.json)[action.type] ?? {})) {
      if (!block.condition) keys.add(identityKey(action.type, action.identifiedBy, block));
    }
    pass.existing.set(index, keys);
  }
  return keys;
}

function identityKey(type: string, identifiedBy: readonly string[], values: Readonly<Record<string, unknown>>): string {
  return JSON.stringify([type, ...identifiedBy.map((k) => (typeof values[k] === "boolean" ? values[k] : str(values[k])))]);
}

function asBlock(value: unknown): Block | undefined {
  if (Array.isArray(value)) return asBlock(value[0]);
  return typeof value === "object" && value !== null ? (value as Block) : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** The resource blocks of a Terraform JSON document: type → name → block. */
function resourcesOf(json: TerraformJson): Record<string, Record<string, Block>> {
  return (json.resource ?? {}) as Record<string, Record<string, Block>>;
}

/** Project of a resource: its own `project`, else its provider configuration's. */
function projectOf(json: TerraformJson, block: Block): string | undefined {
  const own = str(block.project);
  if (own) return own;
  const alias = str(block.provider)?.split(".")[1];
  const providers = asArray(((json.provider ?? {}) as Block).google);
  const config = providers.map(asBlock).find((p) => p && str(p.alias) === alias);
  return str(config?.project);
}

function targetOf(f: Finding, pass: FixPass): ResourceLike | undefined {
  const fromPath = f.constructPath ? pass.byPath.get(f.constructPath) : undefined;
  if (fromPath && isResource(fromPath)) return fromPath;
  return pass.byAddress.get(f.address);
}

const addressOf = (r: ResourceLike) => `${r.terraformResourceType}.${r.friendlyUniqueId}`;

function uniqueId(stack: StackLike, base: string): string {
  let id = base;
  for (let i = 2; stack.node.tryFindChild(id); i++) id = `${base}_${i}`;
  return id;
}

/** Extends depends_on; true when it was not there yet. */
function addDependsOn(target: ResourceLike, on: ResourceLike): boolean {
  const ref = addressOf(on);
  const current = target.dependsOn ?? [];
  if (current.includes(ref)) return false;
  target.dependsOn = [...current, ref];
  return true;
}
