import type { Model } from "../model/types";
import type { GkeFacts } from "../facts/gke/node-identities";
import type { IamIndex } from "../facts/iam/index-grants";
import type { Facts } from "../facts/index";
import type { LiveView } from "../facts/live-view";
import type { LiveNeeds } from "../facts/live-request";
import type { FixAction, FixTarget } from "./fix-actions";

export type Severity = "error" | "warning" | "info";
/** `pass` is decided, `fail` is decided, `unknown` cannot be decided from what is known. */
export type Status = "fail" | "unknown" | "pass";

export interface Remediation {
  /** One sentence saying what to change. */
  summary: string;
  /** Shell commands, one per entry, with real values filled in where known. */
  gcloud: string[];
  /** CDKTF TypeScript to add to the stack. */
  cdktf: string;
  /** Terraform HCL equivalent. */
  hcl: string;
}

export interface RuleMeta {
  id: string;
  slug: string;
  title: string;
  severity: Severity;
  /** Why the rule exists: the failure it prevents. */
  rationale: string;
  /** The Google documentation the rule is grounded in. */
  googleDocUrl: string;
  /** Resource types the rule looks at. */
  resourceTypes: string[];
}

/** What a rule decides about one resource. The engine adds metadata and location. */
export interface Verdict {
  status: Status;
  /** Address of the resource the verdict is about (placed on that resource). */
  address: string;
  /** One line, no trailing period needed. */
  message: string;
  /** For `unknown`: why it cannot be decided, and what would decide it. */
  reason?: string;
  decideWith?: string;
  remediation?: Remediation;
  /** Structured facts for machine consumers, e.g. `missingPermissions`. */
  details?: Record<string, unknown>;
}

export interface RuleContext {
  model: Model;
  gke: GkeFacts;
  iam: IamIndex;
  /** Facts derived from the model that several rules read, built once per model on first use. */
  facts: Facts;
  /** What `--live` read, through typed accessors; `live.enabled` is false offline. */
  live: LiveView;
}

export interface Rule {
  meta: RuleMeta;
  check(ctx: RuleContext): Verdict[];
  /**
   * What `--live` must read for this rule to decide, beyond what the fact base reads anyway
   * (the IAM policies of the projects the input names, and the roles it grants). Called on the
   * offline context of each model before anything is read; things the apply creates are not asked
   * for (see `existingProject`). The planner merges every rule's needs into one request.
   */
  liveNeeds?(ctx: RuleContext): LiveNeeds;
  /** The fix the CDKTF aspect applies with `{ fix: true }`, for rules whose findings it can fix. */
  aspectFix?: AspectFix;
}

/** Which findings of a rule the aspect fixes, and how (generic operations, see fix-actions.ts). */
export interface AspectFix {
  /** Statuses of the findings it fixes. */
  statuses: readonly Status[];
  /** Types of the resources it fixes them on (findings on other resources are left as they are). */
  targetTypes: readonly string[];
  actions(finding: Finding, target: FixTarget): FixAction[];
}

/** A verdict as reported: verdict + rule metadata + where it was found. */
export interface Finding {
  ruleId: string;
  slug: string;
  title: string;
  severity: Severity;
  status: Status;
  address: string;
  resourceType?: string;
  constructPath?: string;
  stack?: string;
  file: string;
  /** JSON pointer of the resource in the file, when known. */
  pointer?: string;
  message: string;
  reason?: string;
  decideWith?: string;
  remediation: Remediation;
  docUrl: string;
  googleDocUrl: string;
  details?: Record<string, unknown>;
  /** Present when a suppression or waiver applies; the finding is then not counted as failing. */
  suppressed?: { reason: string; expires?: string; source: "construct" | "waiver"; ticket?: string };
  /** Present when a suppression matched but has expired: it no longer applies. */
  expiredSuppression?: { reason: string; expires: string; source: "construct" | "waiver" };
}
