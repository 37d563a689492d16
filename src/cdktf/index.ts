export { GkePreflight, type GkePreflightOptions, type StackCheckResult } from "./gke-preflight";
export type { UnknownHandling } from "./annotate";
export type { SuppressOptions, SuppressionEntry } from "./suppress";
export { SUPPRESSION_METADATA_TYPE, SUPPRESSION_OVERRIDE_PATH } from "./suppress";
export type { FixAddition, FixResult, FixSkipped } from "./fix";
