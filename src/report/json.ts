import type { Report } from "./types";

/**
 * The machine-readable output. Stable: fields are only ever added. Unknown values in
 * details are rendered by their toJSON, never by their (possibly sensitive) content.
 */
export function renderJson(report: Report): string {
  return JSON.stringify(report, null, 2) + "\n";
}
