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
  return [...byRule.values()].sort((a, b) => a.ruleId.localeCompare(b.ruleId));
}

/** (Re)writes the `"//"` suppressions of every resource under a scope; idempotent. */
export function writeSuppressionsUnder(scope: IConstruct): void {
  for (const c of scope.node.findAll()) {
    if (!isResource(c)) continue;
    const list = effectiveSuppressions(c);
    if (list.length > 0) writeSuppressions(c, list);
  }
}

function writeSuppressions(resource: ResourceLike, list: SuppressionEntry[]): void {
  resource.addOverride(SUPPRESSION_OVERRIDE_PATH, list.map((s) => ({ ...s })));
}
