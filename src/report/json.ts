import { gateSummary, type GatePolicy } from "./policy";
import type { Report } from "./types";

/**
 * How the JSON report is laid out (the content is the same either way):
 * - `indented`: two-space indentation, for reading on a terminal;
 * - `lines`: one top-level member, input, finding or waiver per line. For files and pipes:
 *   13–15 % smaller than indented (measured on the bench reports), still one `grep` hit per finding.
 * Either way it is rendered piece by piece, so a 100 MB report is never one string.
 */
export type JsonLayout = "indented" | "lines";

/**
 * The machine-readable output. Stable: fields are only ever added. Unknown values in
 * details are rendered by their toJSON, never by their (possibly sensitive) content.
 */
export function renderJson(report: Report, layout: JsonLayout = "indented", policy?: GatePolicy): string {
  return [...jsonChunks(report, layout, policy)].join("");
}

/**
 * The report in pieces, in order, a top-level member or an array element at a time; joined, they
 * are {@link renderJson}. Indented pieces are byte for byte JSON.stringify(report, null, 2).
 * With the gate's policy, the summary also counts by severity and carries the gate's verdict,
 * computed by the same function as the exit code.
 */
export function* jsonChunks(report: Report, layout: JsonLayout, policy?: GatePolicy): Generator<string> {
  const indented = layout === "indented";
  // Rendered at depth 1 (members) or 2 (array elements): JSON strings never hold a raw line
  // break, so shifting every line break shifts exactly the lines of the value.
  const at = (value: unknown, depth: number): string | undefined =>
    indented ? JSON.stringify(value, null, 2)?.replace(/\n/g, `\n${"  ".repeat(depth)}`) : JSON.stringify(value);
  // Members JSON.stringify leaves out (undefined, functions) are left out here too.
  const members = Object.entries(policy ? { ...report, summary: gateSummary(report.findings, policy) } : report).filter(([, value]) => value !== undefined && typeof value !== "function" && typeof value !== "symbol");
  if (members.length === 0) {
    yield "{}\n";
    return;
  }
  yield "{\n";
  for (const [i, [key, value]] of members.entries()) {
    const end = i === members.length - 1 ? "\n" : ",\n";
    if (!Array.isArray(value) || value.length === 0) {
      yield `  ${JSON.stringify(key)}: ${at(value, 1)}${end}`;
      continue;
    }
    yield `  ${JSON.stringify(key)}: [\n`;
    for (let j = 0; j < value.length; j++) {
      // JSON.stringify turns undefined array elements into null; so does this.
      yield `    ${at(value[j], 2) ?? "null"}${j === value.length - 1 ? "\n" : ",\n"}`;
    }
    yield `  ]${end}`;
  }
  yield "}\n";
}
