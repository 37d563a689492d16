import type { CdkFramework, Model, Resource } from "../model/types";
import type { Finding, Rule, Verdict } from "../rules/types";
import type { LiveFacts } from "../facts/live";
import { rulesWithIds } from "../rules/select";
import { checkingContext } from "./context";
import { applySuppressions } from "./suppressions";
import { boundFindingText } from "./bounded-text";
import { hideSensitive } from "../model/secrets";
import { byCodeUnits } from "../model/order";
import { readableTemplate } from "../model/unknown";
import { remediationFor } from "../rules/remediation";
import { ruleDocUrl } from "../findings/doc-url";

export interface CheckOptions {
  live?: LiveFacts;
  /** The date suppressions' expiry is compared with; today by default. */
  now?: Date;
  /** Keep `pass` findings in the result (they are dropped by default). */
  includePass?: boolean;
  /** Only these rule ids. */
  rules?: string[];
  /** The CDK the stack is built with, when the caller knows it (the aspect); else what the input's metadata says. */
  cdkFramework?: CdkFramework;
}

/** Runs every rule on one model. Pure: same model and options, same findings, same order. */
export function checkModel(model: Model, options: CheckOptions = {}): Finding[] {
  const ctx = checkingContext(model, options.live);
  const rules = rulesWithIds(options.rules);
  // Pass verdicts are most verdicts: drop them before they become findings, unless asked for.
  const framework = options.cdkFramework ?? model.cdkFramework;
  const kept = rules.flatMap((rule) => rule.check(ctx).flatMap((v) => (options.includePass || v.status !== "pass" ? [toFinding(rule, v, model, framework)] : [])));
  const texts = model.sensitiveTexts ?? [];
  // Sensitive values are hidden before strings are cut: a cut must not leave half of one.
  return applySuppressions(kept, model, options.now ?? new Date())
    .map((f) => (texts.length ? hideSensitive(f, texts) : f))
    .map(boundFindingText)
    .sort(compareFindings);
}

function toFinding(rule: Rule, verdict: Verdict, model: Model, framework: CdkFramework | undefined): Finding {
  const resource: Resource | undefined = model.byAddress.get(verdict.address);
  // Built field by field rather than with conditional spreads (a temporary object each, tens of
  // thousands of findings); fields are added in the order reports print them.
  const finding = {
    ruleId: rule.meta.id,
    slug: rule.meta.slug,
    title: rule.meta.title,
    severity: rule.meta.severity,
    status: verdict.status,
    address: verdict.address,
  } as Finding;
  if (resource) finding.resourceType = resource.type;
  if (resource?.constructPath) finding.constructPath = resource.constructPath;
  if (model.stack) finding.stack = model.stack;
  finding.file = model.file;
  if (resource?.location.pointer) finding.pointer = resource.location.pointer;
  // Words, not template syntax: a value built from references reads as what it names.
  finding.message = readableTemplate(verdict.message);
  if (verdict.reason) finding.reason = readableTemplate(verdict.reason);
  if (verdict.decideWith) finding.decideWith = readableTemplate(verdict.decideWith);
  finding.remediation = verdict.remediation ? remediationFor(verdict.remediation, framework) : { summary: "", gcloud: [], cdktf: "", hcl: "" };
  finding.docUrl = ruleDocUrl(rule.meta.id);
  finding.googleDocUrl = rule.meta.googleDocUrl;
  if (verdict.details) finding.details = verdict.details;
  return finding;
}

const STATUS_ORDER = { fail: 0, unknown: 1, pass: 2 } as const;

function compareFindings(a: Finding, b: Finding): number {
  return (
    byCodeUnits(a.file, b.file) ||
    STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
    byCodeUnits(a.address, b.address) ||
    byCodeUnits(a.ruleId, b.ruleId) ||
    byCodeUnits(a.message, b.message)
  );
}
