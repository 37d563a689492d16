export * from "./types";
export { applyWaivers, waiverMatches, isExpired, waiverNotices, type WaiverResult } from "./apply";
export { globMatcher, globMatches, type GlobMatcher } from "./glob";
export { findWaiversFile, loadWaiversFile, parseWaivers, WAIVER_FILE_NAMES, MAX_WAIVERS, MAX_WAIVER_PATTERN } from "./load";
