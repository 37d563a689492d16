import { randomBytes } from "node:crypto";
import { closeSync, lstatSync, mkdirSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync, type Stats } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { displayPath } from "./paths";

/**
 * Where a report may be written. The path comes from the pipeline, but what is already there may
 * come from a pull request (a symbolic link committed into the checkout), and an input may sit
 * at the same place (`-f sarif=plan.json`, a hard link to the plan).
 */
export type ReportTarget =
  /** A regular file (or nothing yet): written beside it and renamed into place. */
  | { kind: "file"; path: string }
  /** A path under /dev/ (`/dev/stdout`, `/dev/null`), or a named pipe already there: written as it is. */
  | { kind: "device"; path: string };

/** An input the run read, by what it really is: no report may replace it. */
export interface GuardedInput {
  shown: string;
  real: string;
  dev: number;
  ino: number;
}

/** Why a report path is refused: the caller words it as one line naming the path. */
export class ReportPathError extends Error {}

/**
 * The files this run read, as they really are: each path given, and inside a folder given, the
 * `manifest.json` and `cdk.tf.json` it would be read from. Paths that do not exist are skipped.
 */
export function guardedInputs(paths: readonly string[]): GuardedInput[] {
  const candidates = new Set<string>();
  for (const path of paths) {
    candidates.add(path);
    if (statOrUndefined(path)?.isDirectory()) {
      candidates.add(join(path, "manifest.json"));
      candidates.add(join(path, "cdk.tf.json"));
    }
  }
  const guarded: GuardedInput[] = [];
  for (const shown of candidates) {
    const stat = statOrUndefined(shown);
    if (!stat || stat.isDirectory()) continue;
    guarded.push({ shown, real: realPathOr(shown), dev: stat.dev, ino: stat.ino });
  }
  return guarded;
}

/**
 * Decides how `file` may be written, or throws a {@link ReportPathError}: a symbolic link at the
 * path or on the way to it from `baseDir` (the checkout), a folder, or an input of this run.
 */
export function reportTarget(file: string, inputs: readonly GuardedInput[], baseDir: string): ReportTarget {
  const path = resolve(baseDir, file);
  if (path.startsWith(`${sep}dev${sep}`)) {
    // `/dev/stdout` may lead to a file: with standard output opened on the plan itself (`1<> plan.json`) it is refused.
    const stat = statOrUndefined(path);
    if (stat?.isFile()) refuseInput(stat, realPathOr(path), inputs, path, baseDir);
    return { kind: "device", path };
  }
  const link = linkOnTheWay(path, baseDir);
  if (link !== undefined) {
    throw new ReportPathError(
      link === path ? "is a symbolic link; refusing to write the report through it (remove the link or choose another path)"
        : `is reached through the symbolic link ${relative(baseDir, link) || link}; refusing to write the report through it`,
    );
  }
  const existing = lstatOrUndefined(path);
  if (existing?.isDirectory()) throw new ReportPathError("is a folder; cannot write the report there");
  if (existing) refuseInput(existing, realPathOr(path), inputs, path, baseDir);
  // A named pipe or a terminal someone made there to read the report from: replacing it would lose the report.
  if (existing?.isFIFO() || existing?.isCharacterDevice()) return { kind: "device", path };
  return { kind: "file", path };
}

function refuseInput(stat: Stats, real: string, inputs: readonly GuardedInput[], path: string, baseDir: string): void {
  const input = inputs.find((i) => (i.dev === stat.dev && i.ino === stat.ino) || i.real === real);
  if (input === undefined) return;
  const shown = displayPath(resolve(baseDir, input.shown), baseDir);
  throw new ReportPathError(`is ${shown === displayPath(path, baseDir) ? "an input" : `the input ${shown}`} of this run; refusing to write the report over it`);
}

/**
 * The first symbolic link among the path's components below `baseDir` (the path itself
 * included). Components above `baseDir` belong to the machine (`/tmp` is a link on macOS).
 */
function linkOnTheWay(path: string, baseDir: string): string | undefined {
  const base = resolve(baseDir);
  const rel = relative(base, path);
  const inside = rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
  const parts = inside ? rel.split(sep) : [path];
  let at = inside ? base : "";
  for (const part of parts) {
    at = inside ? join(at, part) : part;
    const stat = lstatOrUndefined(at);
    if (stat === undefined) return undefined; // the rest is created by us
    if (stat.isSymbolicLink()) return at;
  }
  return undefined;
}

/**
 * Writes the pieces to the target. A file is written to a new file in the same folder (created
 * exclusively, so never through a link) and renamed over the path once complete: no reader sees
 * half a report, and a failed write leaves what was there. Errors are the file system's.
 */
export function writeReportFile(target: ReportTarget, pieces: Iterable<string>): void {
  if (target.kind === "device") {
    const fd = openSync(target.path, "w");
    try {
      for (const text of pieces) writeAll(fd, text);
    } finally {
      closeSync(fd);
    }
    return;
  }
  const folder = dirname(target.path);
  mkdirSync(folder, { recursive: true });
  // A short fixed-length name: a report name near the 255-byte limit must still get its temporary file.
  const temporary = join(folder, `.preflight-${randomBytes(8).toString("hex")}.tmp`);
  let fd: number | undefined = openSync(temporary, "wx", 0o666);
  try {
    for (const text of pieces) writeAll(fd, text);
    closeSync(fd);
    fd = undefined;
    renameSync(temporary, target.path);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(temporary);
    } catch {
      // already gone
    }
    throw error;
  }
}

function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, "utf8");
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
}

function realPathOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}
