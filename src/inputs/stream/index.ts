export { JsonSplitter, JsonSplitError, splitJsonFile, formatPath } from "./json-splitter";
export type { PathPart, Selection, ValueKind, SplitHandlers } from "./json-splitter";
export { readPlanSkeleton, modelFromPlanFile, looksLikePlanFile, needsStreaming, STREAMING_THRESHOLD_BYTES } from "./plan-stream";
