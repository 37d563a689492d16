export { JsonSplitter, JsonSplitError, splitJsonFile, formatPath } from "./json-splitter";
export type { PathPart, Selection, ValueKind, ValueExtent, SplitHandlers } from "./json-splitter";
export { modelFromPlanFile, looksLikePlanFile, STREAMING_THRESHOLD_BYTES } from "./plan-stream";
