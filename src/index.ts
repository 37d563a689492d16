/**
 * cdktf-gke-preflight: one engine, three doors (CDKTF aspect, CI gate, standalone CLI).
 * Importing this module loads neither cdktf nor the provider bindings nor any Google client.
 */
export { GkePreflight, type GkePreflightOptions, type StackCheckResult, type UnknownHandling, type SuppressOptions } from "./cdktf/index";
export { checkModel, type CheckOptions } from "./engine/check";
export { reportFor } from "./engine/run";
export { runPreflight, checkTerraformJson } from "./library";
export { loadInputs, modelFromJson, InputError, modelFromPlan, modelFromTerraformJson } from "./inputs/load";
export { allRules, findRule } from "./rules/index";
export type { Finding, Rule, RuleMeta, Verdict, Remediation, Severity, Status } from "./rules/types";
export type { Report, Summary, CheckedInput } from "./report/types";
export { defaultPolicy, gateFails, gateSummary, type GatePolicy, type GateSummary, type FailOn, type UnknownPolicy } from "./report/policy";
export type { Model, Resource } from "./model/types";
export type { LiveFacts } from "./facts/live";
export { VERSION } from "./version";
