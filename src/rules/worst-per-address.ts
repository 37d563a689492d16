import type { Verdict } from "./types";

const RANK = { fail: 0, unknown: 1, pass: 2 } as const;

/**
 * A rule that checks several things on one resource (two range names of a cluster, its secrets key
 * and its boot disk key) reports that resource by its worst status only: a pass beside a fail on
 * the same address would read as "this resource passes" to anything keyed by rule and address.
 */
export function worstPerAddress(verdicts: Verdict[]): Verdict[] {
  const worst = new Map<string, number>();
  for (const v of verdicts) worst.set(v.address, Math.min(worst.get(v.address) ?? 2, RANK[v.status]));
  return verdicts.filter((v) => RANK[v.status] === worst.get(v.address));
}
