import type { Report } from "./types";

/**
 * How the JSON report is laid out (the content is the same either way):
 * - `indented`: two-space indentation, for reading on a terminal;
 * - `lines`: one top-level member, input, finding or waiver per line. For files and pipes: a
 *   tenth smaller than indented, still one `grep` hit per finding, and rendered piece by piece
 *   so a 100 MB report is never one string.
 */
export type JsonLayout = "indented" | "lines";

/**
 * The machine-readable output. Stable: fields are only ever added. Unknown values in
 * details are rendered by their toJSON, never by their (possibly sensitive) content.
 */
export function renderJson(report: Report, layout: JsonLayout = "indented"): string {
  return layout === "indented" ? `${JSON.stringify(report, null, 2)}\n` : [...jsonLines(report)].join("");
}

/** The report in pieces, in order; joined, they are {@link renderJson} in the given layout. */
export function jsonChunks(report: Report, layout: JsonLayout): Iterable<string> {
  return layout === "indented" ? [renderJson(report, layout)] : jsonLines(report);
}

// Arrays at the top level (inputs, findings, waivers) get one element per line; other
// members one line each. Members JSON leaves out (undefined) are left out here too.
function* jsonLines(report: Report): Generator<string> {
  const members = Object.entries(report).filter(([, value]) => value !== undefined && typeof value !== "function" && typeof value !== "symbol");
  yield "{\n";
  for (const [i, [key, value]] of members.entries()) {
    const end = i === members.length - 1 ? "\n" : ",\n";
    if (!Array.isArray(value) || value.length === 0) {
      yield `  ${JSON.stringify(key)}: ${JSON.stringify(value)}${end}`;
      continue;
    }
    yield `  ${JSON.stringify(key)}: [\n`;
    for (let j = 0; j < value.length; j++) {
      // JSON.stringify turns holes and undefined array elements into null; so does this.
      yield `    ${JSON.stringify(value[j]) ?? "null"}${j === value.length - 1 ? "\n" : ",\n"}`;
    }
    yield `  ]${end}`;
  }
  yield "}\n";
}
