/**
 * Suppressions: a construct says "this rule does not apply here, because …".
 *
 * Stored twice on purpose: as construct metadata (so the aspect and tests can see who said
 * what), and in the resource's `"//".preflight.suppressions` in cdk.tf.json, so that the CLI
 * reading `cdktf.out/` honours exactly the same suppressions as the aspect (one engine reads both).
 */
import type { IConstruct } from "constructs";
import { findRule } from "../rules/index";
import { isResource, isStack, type ResourceLike } from "./brands";
import { byCodeUnits } from "../model/order";

export const SUPPRESSION_METADATA_TYPE = "cdktf-gke-preflight/suppression";
/** Path of the suppressions inside a resource's block in cdk.tf.json. */
export const SUPPRESSION_OVERRIDE_PATH = "//.preflight.suppressions";

export interface SuppressOptions {
  /** ISO date (YYYY-MM-DD); after this day the suppression no longer applies and the finding fails again. */
  expires?: string;
}

/** One suppression as written into cdk.tf.json. */
export interface SuppressionEntry {
  ruleId: string;
  reason: string;
  expires?: string;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** A reason must say why, not just "ok": at least this many characters and words. */
const MIN_REASON_CHARS = 20;
const MIN_REASON_WORDS = 4;

/** Throws a one-line error when the suppression would be meaningless. */
export function validateSuppression(ruleId: string, reason: string, options: SuppressOptions = {}): SuppressionEntry {
  // A mistyped id would suppress nothing, silently: only known rules (id or slug) are accepted.
  const rule = typeof ruleId === "string" ? findRule(ruleId.trim()) : undefined;
  if (!rule) {
    throw new Error(`GkePreflight.suppress: unknown rule ${JSON.stringify(ruleId)}; use a rule id such as "GKE001" or its slug (see \`preflight rules\`)`);
  }
  const text = typeof reason === "string" ? reason.trim().replace(/\s+/g, " ") : "";
  if (text.length < MIN_REASON_CHARS || text.split(" ").length < MIN_REASON_WORDS) {
    throw new Error(
      `GkePreflight.suppress(${rule.meta.id}): a reason is required, at least one sentence saying why the rule does not apply ` +
        `(${MIN_REASON_WORDS}+ words), got ${JSON.stringify(reason)}`,
    );
  }
  // stored by id, whatever the user wrote, so cdk.tf.json always names the rule the same way
  const entry: SuppressionEntry = { ruleId: rule.meta.id, reason: text };
  if (options.expires !== undefined) {
    if (!isCalendarDate(options.expires)) {
      throw new Error(`GkePreflight.suppress(${rule.meta.id}): expires must be a date YYYY-MM-DD, got ${JSON.stringify(options.expires)}`);
    }
    entry.expires = options.expires;
  }
  return entry;
}

function isCalendarDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

/**
 * Records a suppression on a construct and writes it into every resource beneath it.
 * Resources created under the construct later are covered when the preflight runs at synth.
 */
export function suppress(construct: IConstruct, ruleId: string, reason: string, options: SuppressOptions = {}): void {
  const entry = validateSuppression(ruleId, reason, options);
  construct.node.addMetadata(SUPPRESSION_METADATA_TYPE, entry, { stackTrace: false });
  writeSuppressionsUnder(construct);
}

/** Suppressions recorded on this construct itself. */
export function ownSuppressions(construct: IConstruct): SuppressionEntry[] {
  return construct.node.metadata
    .filter((m) => m.type === SUPPRESSION_METADATA_TYPE)
    .map((m) => m.data as SuppressionEntry);
}

/**
 * Suppressions that apply to a resource: its own and those of its ancestors up to its stack.
 * Per rule, the nearest construct wins, so a resource can narrow what its parent said.
 */
export function effectiveSuppressions(resource: IConstruct): SuppressionEntry[] {
  const byRule = new Map<string, SuppressionEntry>();
  const scopes = [...resource.node.scopes].reverse(); // resource first, then its ancestors
  for (const scope of scopes) {
    for (const s of ownSuppressions(scope)) if (!byRule.has(s.ruleId)) byRule.set(s.ruleId, s);
    if (isStack(scope)) break;
  }
  return [...byRule.values()].sort((a, b) => byCodeUnits(a.ruleId, b.ruleId));
}

/**
 * (Re)writes the `"//"` suppressions of every resource under a scope; idempotent.
 *
 * It runs on every synth over the whole stack, so it walks the tree once, top down, handing
 * each construct what its ancestors suppress (nearest first, as {@link effectiveSuppressions}),
 * instead of walking up from every resource.
 */
export function writeSuppressionsUnder(scope: IConstruct): void {
  const above = isStack(scope) ? NONE : inherited(scope);
  visitSuppressions(scope, above);
}

const NONE: ReadonlyMap<string, SuppressionEntry> = new Map();

/** What the ancestors of a construct suppress, up to and including its stack; nearest wins. */
function inherited(construct: IConstruct): ReadonlyMap<string, SuppressionEntry> {
  const scopes = construct.node.scopes;
  const byRule = new Map<string, SuppressionEntry>();
  for (let i = scopes.length - 2; i >= 0; i--) {
    for (const s of ownSuppressions(scopes[i])) if (!byRule.has(s.ruleId)) byRule.set(s.ruleId, s);
    if (isStack(scopes[i])) break;
  }
  return byRule;
}

function visitSuppressions(construct: IConstruct, fromAbove: ReadonlyMap<string, SuppressionEntry>): void {
  // A stack starts afresh: suppressions above a stack never reach into it.
  const base = isStack(construct) ? NONE : fromAbove;
  const own = ownSuppressions(construct);
  let here = base;
  if (own.length > 0) {
    const mine = new Map<string, SuppressionEntry>();
    for (const s of own) if (!mine.has(s.ruleId)) mine.set(s.ruleId, s);
    here = new Map([...base, ...mine]);
  }
  if (here.size > 0 && isResource(construct)) {
    writeSuppressions(construct, [...here.values()].sort((a, b) => byCodeUnits(a.ruleId, b.ruleId)));
  }
  for (const child of construct.node.children) visitSuppressions(child, here);
}

function writeSuppressions(resource: ResourceLike, list: SuppressionEntry[]): void {
  resource.addOverride(SUPPRESSION_OVERRIDE_PATH, list.map((s) => ({ ...s })));
}
