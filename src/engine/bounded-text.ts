import type { Finding } from "../rules/types";
import { setOwn } from "../model/own-property";

/**
 * Longest string a finding carries. Messages quote values from the input (projects, emails,
 * roles, suppression reasons); a hostile input with megabyte-long values would otherwise be
 * copied into every finding and every report format, tens of times over (a 5 MB plan gave a
 * 150 MB report and ran out of memory). Real messages and fixes stay far below this.
 */
export const MAX_FINDING_TEXT = 4096;

/** The finding with every string (details included) cut to {@link MAX_FINDING_TEXT}, saying so. */
export function boundFindingText(finding: Finding): Finding {
  return needsCut(finding, 0) ? (cut(finding, 0) as Finding) : finding;
}

function cutString(text: string): string {
  if (text.length <= MAX_FINDING_TEXT) return text;
  return `${text.slice(0, MAX_FINDING_TEXT)}… [${(text.length - MAX_FINDING_TEXT).toLocaleString("en-US")} more characters not shown]`;
}

// Findings are small trees; the depth guard only protects against values copied into details.
function needsCut(value: unknown, depth: number): boolean {
  if (typeof value === "string") return value.length > MAX_FINDING_TEXT;
  if (depth > 64 || value === null || typeof value !== "object") return false;
  if (Array.isArray(value)) return value.some((v) => needsCut(v, depth + 1));
  // for…in rather than Object.entries: this runs on every node of every finding, and the
  // entry arrays were ~100 MB of garbage at 100k resources.
  const record = value as Record<string, unknown>;
  for (const k in record) {
    if (Object.prototype.hasOwnProperty.call(record, k) && (k.length > MAX_FINDING_TEXT || needsCut(record[k], depth + 1))) return true;
  }
  return false;
}

function cut(value: unknown, depth: number): unknown {
  if (typeof value === "string") return cutString(value);
  if (depth > 64 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => cut(v, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value; // Unknown and other classes render themselves
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) setOwn(out, cutString(k), cut(v, depth + 1));
  return out;
}
