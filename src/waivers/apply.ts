import type { Finding } from "../rules/types";
import { hasExpired, namesRule } from "../findings/suppression";
import { describeWaiver, type Waiver, type WaiverOutcome } from "./types";
import { globMatcher, type GlobMatcher } from "./glob";

// Each waiver's patterns are compiled once, however many findings they are matched against.
const matchers = new WeakMap<Waiver, { address?: GlobMatcher; constructPath?: GlobMatcher }>();

function matchersOf(waiver: Waiver): { address?: GlobMatcher; constructPath?: GlobMatcher } {
  let m = matchers.get(waiver);
  if (!m) {
    m = {};
    if (waiver.address !== undefined) m.address = globMatcher(waiver.address);
    if (waiver.constructPath !== undefined) m.constructPath = globMatcher(waiver.constructPath);
    matchers.set(waiver, m);
  }
  return m;
}

/** True when the waiver names the finding's rule and its pattern(s) match the finding. */
export function waiverMatches(waiver: Waiver, finding: Finding): boolean {
  if (!namesRule(waiver.ruleId, finding)) return false;
  const m = matchersOf(waiver);
  if (m.address && !m.address.test(finding.address)) return false;
  if (m.constructPath) {
    if (finding.constructPath === undefined) return false;
    if (!m.constructPath.test(finding.constructPath)) return false;
  }
  return true;
}

/** A waiver applies through its `expires` day (UTC) and stops on the day after. */
export function isExpired(waiver: Waiver, now: Date): boolean {
  return hasExpired(waiver.expires, now);
}

export interface WaiverResult {
  findings: Finding[];
  outcomes: WaiverOutcome[];
}

/**
 * Marks the failing and undecided findings a valid waiver covers as `suppressed` (source `waiver`),
 * and those only an expired waiver covers with `expiredSuppression`. Passing findings are never
 * waived, so a waiver that only matches passing resources is reported stale. Pure: returns copies.
 */
export function applyWaivers(findings: readonly Finding[], waivers: readonly Waiver[], now: Date): WaiverResult {
  const matched = new Array<number>(waivers.length).fill(0);
  const out = findings.map((finding) => {
    if (finding.status === "pass") return finding;
    let valid: Waiver | undefined;
    let expired: Waiver | undefined;
    waivers.forEach((w, i) => {
      if (!waiverMatches(w, finding)) return;
      matched[i]!++;
      if (isExpired(w, now)) expired ??= w;
      else valid ??= w;
    });
    // A suppression already on the resource (construct metadata) is kept as it is.
    if (finding.suppressed) return finding;
    if (valid) {
      const suppressed: NonNullable<Finding["suppressed"]> = { reason: valid.reason, source: "waiver" };
      if (valid.expires) suppressed.expires = valid.expires;
      if (valid.ticket) suppressed.ticket = valid.ticket;
      return { ...finding, suppressed };
    }
    if (expired && !finding.expiredSuppression) {
      return { ...finding, expiredSuppression: { reason: expired.reason, expires: expired.expires!, source: "waiver" as const } };
    }
    return finding;
  });
  const outcomes: WaiverOutcome[] = waivers.map((waiver, i) => ({
    waiver,
    matched: matched[i]!,
    state: isExpired(waiver, now) ? "expired" : matched[i]! > 0 ? "applied" : "stale",
  }));
  return { findings: out, outcomes };
}

/** One line per waiver that needs attention (expired or stale), for stderr and reports. */
export function waiverNotices(outcomes: readonly WaiverOutcome[], showPath?: (file: string) => string): string[] {
  const notices: string[] = [];
  for (const o of outcomes) {
    const w = o.waiver;
    const where = describeWaiver(w, showPath);
    if (o.state === "expired") {
      notices.push(
        `${where} expired on ${w.expires} and no longer waives${o.matched ? ` (${o.matched === 1 ? "1 finding counts" : `${o.matched} findings count`} again)` : "; it also matches no finding"}`,
      );
    } else if (o.state === "stale") {
      notices.push(`${where} matches no failing or undecided finding: remove it or fix its pattern`);
    }
  }
  return notices;
}
