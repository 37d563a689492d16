export * from "./types";
export { applyWaivers, waiverMatches, globToRegExp, isExpired, waiverNotices, type WaiverResult } from "./apply";
export { findWaiversFile, loadWaiversFile, parseWaivers, WAIVER_FILE_NAMES } from "./load";
