import type { Model, Resource } from "../model/types";
import type { Finding, Rule, RuleContext, Verdict } from "../rules/types";
import type { LiveFacts } from "../live/facts";
import { allRules } from "../rules/index";
import { IamIndex } from "../iam/index-grants";
import { gkeFacts } from "../gke/node-identities";
import { modelFromTerraformJson } from "../inputs/terraform-json";
import { applySuppressions } from "./suppressions";
import { boundFindingText } from "./bounded-text";

export interface CheckOptions {
  live?: LiveFacts;
  /** The date suppressions' expiry is compared with; today by default. */
  now?: Date;
  /** Keep `pass` findings in the result (they are dropped by default). */
  includePass?: boolean;
  /** Only these rule ids. */
  rules?: string[];
}

export const DOCS_BASE = "https://github.com/cdktf-gke-preflight/cdktf-gke-preflight/blob/main/docs/rules";

/** Runs every rule on one model. Pure: same model and options, same findings, same order. */
export function checkModel(model: Model, options: CheckOptions = {}): Finding[] {
  const iam = new IamIndex(model, options.live);
  const ctx: RuleContext = { model, iam, gke: gkeFacts(model, iam), live: options.live };
  const rules = options.rules ? allRules.filter((r) => options.rules!.includes(r.meta.id)) : allRules;
  const findings = rules.flatMap((rule) => rule.check(ctx).map((v) => toFinding(rule, v, model)));
  const kept = options.includePass ? findings : findings.filter((f) => f.status !== "pass");
  return applySuppressions(kept, model, options.now ?? new Date()).map(boundFindingText).sort(compareFindings);
}

/** For the CDKTF aspect: checks a stack's resolved configuration (what cdk.tf.json will hold). */
export function checkTerraformJson(json: unknown, source: { file: string; stack?: string }, options: CheckOptions = {}): Finding[] {
  return checkModel(modelFromTerraformJson(json, source), options);
}

function toFinding(rule: Rule, verdict: Verdict, model: Model): Finding {
  const resource: Resource | undefined = model.byAddress.get(verdict.address);
  return {
    ruleId: rule.meta.id,
    slug: rule.meta.slug,
    title: rule.meta.title,
    severity: rule.meta.severity,
    status: verdict.status,
    address: verdict.address,
    ...(resource ? { resourceType: resource.type } : {}),
    ...(resource?.constructPath ? { constructPath: resource.constructPath } : {}),
    ...(model.stack ? { stack: model.stack } : {}),
    file: model.file,
    ...(resource?.location.pointer ? { pointer: resource.location.pointer } : {}),
    message: verdict.message,
    ...(verdict.reason ? { reason: verdict.reason } : {}),
    ...(verdict.decideWith ? { decideWith: verdict.decideWith } : {}),
    remediation: verdict.remediation ?? { summary: "", gcloud: [], cdktf: "", hcl: "" },
    docUrl: `${DOCS_BASE}/${rule.meta.id}.md`,
    googleDocUrl: rule.meta.googleDocUrl,
    ...(verdict.details ? { details: verdict.details } : {}),
  };
}

const STATUS_ORDER = { fail: 0, unknown: 1, pass: 2 } as const;

function compareFindings(a: Finding, b: Finding): number {
  return (
    a.file.localeCompare(b.file) ||
    STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
    a.address.localeCompare(b.address) ||
    a.ruleId.localeCompare(b.ruleId) ||
    a.message.localeCompare(b.message)
  );
}
