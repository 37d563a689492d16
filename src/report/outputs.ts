import { closeSync, constants, fstatSync, openSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { PROJECT_URL, ruleDocUrl } from "../findings/doc-url";
import type { RuleMeta } from "../rules/types";
import type { WaiverOutcome } from "../waivers/types";
import { jsonLocator, type TextRegion } from "../text/json-position";
import { jsonChunks } from "./json";
import { junitChunks } from "./junit";
import { renderMarkdown } from "./markdown";
import type { GatePolicy } from "./policy";
import { guardedInputs, ReportPathError, reportTarget, writeReportFile, type ReportTarget } from "./report-files";
import { sarifChunks } from "./sarif";
import { textChunks } from "./text";
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
  /** The output goes to a terminal: JSON is indented for reading; elsewhere it has one finding per line. */
  terminal?: boolean;
  verbose?: boolean;
  waivers?: readonly WaiverOutcome[];
  rules?: readonly RuleMeta[];
  /** SARIF paths are made relative to this folder (the current folder: the repository root in CI). */
  baseDir: string;
  /** Reads an input file's text to give SARIF results a line and column; undefined when unreadable. */
  readText?: (file: string) => string | undefined;
  /** Paths the run read (the input, the waivers file): no report file may be written over one. */
  inputFiles?: readonly string[];
}

/** The output in pieces to write one after the other (the JSON report is never one string). */
export function renderOutputChunks(format: FormatName, report: Report, ctx: RenderContext): Iterable<string> {
  const shown = ctx.includePass || format === "junit" ? report : withoutPasses(report);
  switch (format) {
    case "text":
      return textChunks(shown, { policy: ctx.policy, color: ctx.color, verbose: ctx.verbose });
    case "json":
      return jsonChunks(shown, ctx.terminal ? "indented" : "lines", ctx.policy);
    case "sarif":
      return sarifChunks(shown, { policy: ctx.policy, rules: ctx.rules, baseDir: ctx.baseDir, waivers: ctx.waivers, locate: locatorFor(ctx),
        ruleDocUrl, informationUri: PROJECT_URL });
    case "junit":
      return junitChunks(shown, { policy: ctx.policy, waivers: ctx.waivers, baseDir: ctx.baseDir });
    case "markdown":
      return [renderMarkdown(shown, { policy: ctx.policy, waivers: ctx.waivers, baseDir: ctx.baseDir })];
  }
}

/**
 * Renders every output; files are written (folders created). The stdout one is returned as
 * pieces of about a megabyte, rendered as they are taken, for the caller to write one by one
 * (waiting for a full pipe to drain). A file that cannot be written, or must not be (a link, an
 * input), is an {@link OutputUsageError} naming it; every path is checked before any report is
 * written, and all of that before any stdout piece is rendered.
 */
export function writeOutputs(specs: readonly OutputSpec[], report: Report, ctx: RenderContext): Iterable<string> | undefined {
  const inputs = guardedInputs([...(ctx.inputFiles ?? []), ...report.inputs.map((i) => i.file), ...(ctx.waivers ?? []).map((o) => o.waiver.source.file)]);
  const targets = new Map<OutputSpec, ReportTarget>();
  for (const spec of specs) {
    if (spec.file === undefined) continue;
    try {
      targets.set(spec, reportTarget(spec.file, inputs, ctx.baseDir));
    } catch (error) {
      if (error instanceof ReportPathError) throw new OutputUsageError(`${spec.file}: ${error.message.replace("the report", `the ${spec.format} report`)}`);
      throw error;
    }
  }
  let stdout: Iterable<string> | undefined;
  for (const spec of specs) {
    const target = targets.get(spec);
    if (target === undefined) {
      stdout = batches(renderOutputChunks(spec.format, report, ctx));
      continue;
    }
    try {
      writeReportFile(target, batches(renderOutputChunks(spec.format, report, { ...ctx, color: false, terminal: false })));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === undefined) throw error; // a bug while rendering, not a file that cannot be written
      throw new OutputUsageError(`${spec.file}: cannot write the ${spec.format} report (${code})`);
    }
  }
  return stdout;
}

/** Small pieces joined into writes of about a megabyte: few system calls, no giant string. */
const BATCH_CHARS = 1 << 20;

function* batches(chunks: Iterable<string>): Generator<string> {
  let batch: string[] = [];
  let length = 0;
  for (const chunk of chunks) {
    batch.push(chunk);
    length += chunk.length;
    if (length >= BATCH_CHARS) {
      yield batch.join("");
      batch = [];
      length = 0;
    }
  }
  if (length > 0) yield batch.join("");
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

/**
 * The input's text, read a second time for SARIF positions: only a regular file. A pipe's writer
 * is gone after the first read (opening it again would wait forever) and a device may never end,
 * so those get no positions. Opened without blocking, then checked, so a file swapped for a pipe
 * in between cannot hang the run either.
 */
export function readTextOrUndefined(file: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    if (!fstatSync(fd).isFile()) return undefined;
    return readFileSync(fd, "utf8");
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
