import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from "node:path";
import type { Node as YamlNode } from "yaml";
import { InputError } from "../inputs/input-error";
import { syntaxErrorDetail } from "../inputs/read-json";
import { jsonLocator } from "../text/json-position";
import type { Waiver } from "./types";

export const WAIVER_FILE_NAMES = ["preflight.waivers.yaml", "preflight.waivers.yml", "preflight.waivers.json"];

const EXPECTED =
  "expected `waivers:` followed by a list of { ruleId, address or constructPath, reason, expires?, ticket? }";
const KNOWN_KEYS = new Set(["ruleId", "rule", "address", "constructPath", "reason", "expires", "ticket"]);

/**
 * The waivers file that belongs to an input: one of {@link WAIVER_FILE_NAMES} beside it
 * (for a folder such as cdktf.out: beside the folder, else inside it). Two candidates in
 * the same place are ambiguous and an input error.
 */
export function findWaiversFile(inputPath: string): string | undefined {
  const input = resolve(inputPath);
  let isDir = false;
  try {
    isDir = statSync(input).isDirectory();
  } catch {
    return undefined;
  }
  const places = isDir ? [dirname(input), input] : [dirname(input)];
  for (const dir of places) {
    const found = WAIVER_FILE_NAMES.map((n) => join(dir, n)).filter((f) => existsSync(f));
    if (found.length > 1) {
      throw new InputError(found[0]!, `is ambiguous: ${found.map((f) => basename(f)).join(" and ")} are both in ${dir}; keep one`);
    }
    if (found.length === 1) return confined(found[0]!, dir);
  }
  return undefined;
}

/**
 * A waivers file found (not named with --waivers) is read only when it really is in the folder it
 * was found in, as the stack files of a cdktf.out folder: a pull request may add a
 * `preflight.waivers.yaml` that is a symbolic link to a file elsewhere on the runner.
 */
function confined(file: string, dir: string): string {
  let real: string;
  try {
    // Not a regular file (a link to /dev/zero) is said by loadWaiversFile, as for a named file.
    if (!statSync(file).isFile()) return file;
    real = relative(realpathSync(dir), realpathSync(file));
  } catch {
    return file; // loadWaiversFile says why it cannot be read
  }
  if (real.startsWith("..") || isAbsolute(real)) {
    throw new InputError(file, "is a symbolic link that leads outside its folder; refusing to read it (name the file with --waivers to use it)");
  }
  return file;
}

/**
 * At most this many waivers in a file: each one is matched against every finding of its rule. A
 * file is cut at 1 MB anyway; a list longer than this is a mistake or an attack, not a backlog.
 */
export const MAX_WAIVERS = 1000;
/** Longest `address` or `constructPath` pattern: as long as the longest name the readers accept. */
export const MAX_WAIVER_PATTERN = 4096;

/**
 * The YAML parser needs some 300 bytes of memory per byte of text: a waivers file found beside the
 * input may come with a pull request, and a 2 MB one ran the CLI out of memory.
 */
const MAX_WAIVERS_TEXT = 1024 * 1024;

/** Reads and checks a waivers file; every problem is one {@link InputError} naming file and waiver. */
export function loadWaiversFile(file: string): Waiver[] {
  let text: string;
  try {
    // Found beside the input, it may be a link to a device that never ends (/dev/zero).
    const stat = statSync(file);
    if (!stat.isFile()) throw new InputError(file, "is not a regular file; expected a waivers file");
    if (stat.size > MAX_WAIVERS_TEXT) throw new InputError(file, `is larger than 1 MB; a waivers file lists a few waivers (${EXPECTED})`);
    text = readFileSync(file, "utf8");
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(file, code === "ENOENT" ? "waivers file not found" : `cannot read waivers file (${code ?? String(error)})`);
  }
  return parseWaivers(text, file);
}

/** Parses waivers from YAML or JSON text (JSON when the file name ends in .json). */
export function parseWaivers(text: string, file: string): Waiver[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const { data, lineOf } = extname(file).toLowerCase() === ".json" ? readJson(text, file) : readYaml(text, file);
  if (data === null || data === undefined) return [];
  const list = Array.isArray(data) ? data : isRecord(data) ? data["waivers"] : undefined;
  if (isRecord(data)) {
    const extra = Object.keys(data).filter((k) => k !== "waivers" && k !== "version");
    if (extra.length) throw new InputError(file, `unknown top-level key "${extra[0]}"; ${EXPECTED}`);
  }
  if (list === null || list === undefined) return [];
  if (!Array.isArray(list)) throw new InputError(file, `\`waivers\` is not a list; ${EXPECTED}`);
  if (list.length > MAX_WAIVERS) throw new InputError(file, `has ${list.length} waivers; at most ${MAX_WAIVERS} are read (waive a rule for many resources with one glob)`);
  return list.map((item, i) => checkWaiver(item, { file, index: i + 1, line: lineOf(i) }));
}

function checkWaiver(item: unknown, source: Waiver["source"]): Waiver {
  const where = `${source.line ? `line ${source.line}, ` : ""}waiver ${source.index}`;
  const fail = (detail: string): never => {
    throw new InputError(source.file, `${where}: ${detail}`);
  };
  if (!isRecord(item)) return fail(`is not a mapping; ${EXPECTED}`);
  const unknownKey = Object.keys(item).find((k) => !KNOWN_KEYS.has(k));
  if (unknownKey) return fail(`unknown key "${unknownKey}" (known: ruleId or rule, address, constructPath, reason, expires, ticket)`);
  if (item["rule"] !== undefined && item["ruleId"] !== undefined) return fail("has both rule and ruleId; keep ruleId");
  const ruleId = item["ruleId"] ?? item["rule"];
  if (typeof ruleId !== "string" || !/^[A-Za-z][A-Za-z0-9_-]*$/.test(ruleId)) {
    return fail("ruleId is missing or not a rule id such as GKE001");
  }
  const reason = item["reason"];
  if (typeof reason !== "string" || !reason.trim()) {
    return fail(`(${ruleId}) has no reason; every waiver must say why the risk is accepted`);
  }
  const address = optionalString(item, "address", fail);
  const constructPath = optionalString(item, "constructPath", fail);
  if (address === undefined && constructPath === undefined) {
    return fail(`(${ruleId}) names no resource: give address or constructPath (a glob; "*" for all resources)`);
  }
  const expires = optionalString(item, "expires", fail);
  if (expires !== undefined && !isIsoDate(expires)) return fail(`(${ruleId}) expires "${expires}" is not a date YYYY-MM-DD`);
  const ticketValue = item["ticket"];
  const ticket = typeof ticketValue === "number" ? String(ticketValue) : optionalString(item, "ticket", fail);
  const waiver: Waiver = { ruleId, reason: reason.trim(), source };
  if (address !== undefined) waiver.address = address;
  if (constructPath !== undefined) waiver.constructPath = constructPath;
  if (expires !== undefined) waiver.expires = expires;
  if (ticket !== undefined) waiver.ticket = ticket;
  return waiver;
}

function optionalString(item: Record<string, unknown>, key: string, fail: (d: string) => never): string | undefined {
  const value = item[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || value === "") return fail(`${key} must be a non-empty string`);
  if ((key === "address" || key === "constructPath") && value.length > MAX_WAIVER_PATTERN) {
    return fail(`${key} is ${value.length} characters long; a pattern has at most ${MAX_WAIVER_PATTERN}`);
  }
  return value;
}

export function isIsoDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return date.toISOString().slice(0, 10) === value;
}

interface Parsed {
  data: unknown;
  /** Line of the i-th waiver, when known. */
  lineOf: (index: number) => number | undefined;
}

function readYaml(text: string, file: string): Parsed {
  // Loaded only when a YAML waivers file is read: it costs ~30 ms of start-up otherwise.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { LineCounter, parseDocument, isMap, isSeq } = require("yaml") as typeof import("yaml");
  const lineCounter = new LineCounter();
  // YAML 1.2 core schema: `2027-01-31` stays a string, no implicit timestamps.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const pos = error.linePos?.[0] ?? lineCounter.linePos(error.pos[0]);
    throw new InputError(file, `is not valid YAML${pos ? ` (line ${pos.line}, column ${pos.col})` : ""}: ${error.message.split("\n")[0]}`);
  }
  const contents = doc.contents;
  const listNode: YamlNode | null | undefined = isSeq(contents)
    ? contents
    : isMap(contents)
      ? (contents.get("waivers", true) as YamlNode | undefined)
      : undefined;
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // An alias expanding into more than 100 nodes (a "billion laughs" file) is refused by the parser.
    throw new InputError(file, `is not valid YAML: ${(error as Error).message.split("\n")[0]}`);
  }
  return {
    data,
    lineOf: (i) => {
      if (!isSeq(listNode)) return undefined;
      const range = (listNode.items[i] as YamlNode | undefined)?.range;
      return range ? lineCounter.linePos(range[0]).line : undefined;
    },
  };
}

function readJson(text: string, file: string): Parsed {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputError(file, `is not valid JSON (${syntaxErrorDetail(error, text)})`);
  }
  const locate = jsonLocator(text);
  return {
    data,
    lineOf: (i) => (Array.isArray(data) ? locate(`/${i}`) : locate(`/waivers/${i}`))?.startLine,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
