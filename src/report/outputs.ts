import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { DOCS_BASE } from "../engine/check";
import type { RuleMeta } from "../rules/types";
import type { WaiverOutcome } from "../waivers/types";
import { jsonLocator, type TextRegion } from "./json-position";
import { renderJson } from "./json";
import { renderJunit } from "./junit";
import { renderMarkdown } from "./markdown";
import type { GatePolicy } from "./policy";
import { renderSarif } from "./sarif";
import { renderText } from "./text";
import { summarise, type Report } from "./types";

export const FORMATS = ["text", "json", "sarif", "junit", "markdown"] as const;
export type FormatName = (typeof FORMATS)[number];

/** One report to write: a format, and a file (none: standard output). */
export interface OutputSpec {
  format: FormatName;
  file?: string;
}

/** A bad `--format`/`--output` combination: exit 2 with this one line. */
export class OutputUsageError extends Error {}

/**
 * Reads `--format` values (`text`, or `sarif=out.sarif` to send that format to a file)
 * and `--output FILE` (where the one format without a file goes instead of stdout).
 * Several formats may go to files; at most one goes to stdout or --output.
 */
export function parseOutputs(formats: readonly string[], output?: string): OutputSpec[] {
  const specs: OutputSpec[] = (formats.length ? formats : ["text"]).map((value) => {
    const eq = value.indexOf("=");
    const name = (eq < 0 ? value : value.slice(0, eq)).trim().toLowerCase();
    const file = eq < 0 ? undefined : value.slice(eq + 1);
    if (!(FORMATS as readonly string[]).includes(name)) {
      throw new OutputUsageError(`--format "${value}": the format must be one of ${FORMATS.join(", ")}, optionally with =FILE`);
    }
    if (file !== undefined && file.trim() === "") throw new OutputUsageError(`--format "${value}": give a file after =`);
    return file === undefined ? { format: name as FormatName } : { format: name as FormatName, file };
  });
  const toStdout = specs.filter((s) => s.file === undefined);
  if (toStdout.length > 1) {
    throw new OutputUsageError(
      `--format ${toStdout.map((s) => s.format).join(" and ")} would both go to standard output; send all but one to files (e.g. --format sarif=preflight.sarif)`,
    );
  }
  if (output !== undefined) {
    if (toStdout.length === 0) throw new OutputUsageError("--output names no format to write: every --format already has its own =FILE");
    toStdout[0]!.file = output;
  }
  const seen = new Set<string>();
  for (const s of specs) {
    if (s.file === undefined) continue;
    const key = resolve(s.file);
    if (seen.has(key)) throw new OutputUsageError(`two reports would be written to ${s.file}`);
    seen.add(key);
  }
  return specs;
}

export interface RenderContext {
  policy: GatePolicy;
  /** The user asked for passing checks (`--include-pass`); JUnit always gets them, as passing test cases. */
  includePass: boolean;
  color: boolean;
  verbose?: boolean;
  waivers?: readonly WaiverOutcome[];
  rules?: readonly RuleMeta[];
  /** SARIF paths are made relative to this folder (the current folder: the repository root in CI). */
  baseDir: string;
  /** Reads an input file's text to give SARIF results a line and column; undefined when unreadable. */
  readText?: (file: string) => string | undefined;
}

export function renderOutput(format: FormatName, report: Report, ctx: RenderContext): string {
  const shown = ctx.includePass || format === "junit" ? report : withoutPasses(report);
  switch (format) {
    case "text":
      return renderText(shown, { policy: ctx.policy, color: ctx.color, verbose: ctx.verbose });
    case "json":
      return renderJson(shown);
    case "sarif":
      return renderSarif(shown, { policy: ctx.policy, rules: ctx.rules, baseDir: ctx.baseDir, waivers: ctx.waivers, locate: locatorFor(ctx),
        ruleDocUrl: (id) => `${DOCS_BASE}/${id}.md`, informationUri: DOCS_BASE.replace(/\/blob\/main\/docs\/rules$/, "") });
    case "junit":
      return renderJunit(shown, { policy: ctx.policy, waivers: ctx.waivers, baseDir: ctx.baseDir });
    case "markdown":
      return renderMarkdown(shown, { policy: ctx.policy, waivers: ctx.waivers, baseDir: ctx.baseDir });
  }
}

/**
 * Renders every output; files are written (folders created), the stdout one is returned.
 * A file that cannot be written is an {@link OutputUsageError} naming it.
 */
export function writeOutputs(specs: readonly OutputSpec[], report: Report, ctx: RenderContext): string | undefined {
  let stdout: string | undefined;
  for (const spec of specs) {
    const text = renderOutput(spec.format, report, spec.file === undefined ? ctx : { ...ctx, color: false });
    if (spec.file === undefined) {
      stdout = text;
      continue;
    }
    try {
      mkdirSync(dirname(resolve(spec.file)), { recursive: true });
      writeFileSync(spec.file, text);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new OutputUsageError(`${spec.file}: cannot write the ${spec.format} report (${code ?? String(error)})`);
    }
  }
  return stdout;
}

/** True when some output needs passing findings (JUnit lists passing resources as passing cases). */
export function needsPassFindings(specs: readonly OutputSpec[], includePass: boolean): boolean {
  return includePass || specs.some((s) => s.format === "junit");
}

function withoutPasses(report: Report): Report {
  if (!report.findings.some((f) => f.status === "pass" && !f.suppressed)) return report;
  const findings = report.findings.filter((f) => f.status !== "pass" || f.suppressed);
  return { ...report, findings, summary: summarise(findings) };
}

function locatorFor(ctx: RenderContext): ((file: string, pointer: string) => TextRegion | undefined) | undefined {
  const read = ctx.readText ?? readTextOrUndefined;
  const cache = new Map<string, ((pointer: string) => TextRegion | undefined) | undefined>();
  return (file, pointer) => {
    if (!cache.has(file)) {
      const text = read(file);
      cache.set(file, text === undefined ? undefined : jsonLocator(text));
    }
    return cache.get(file)?.(pointer);
  };
}

function readTextOrUndefined(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}
