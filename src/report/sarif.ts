import { createHash } from "node:crypto";
import { isAbsolute, relative } from "node:path";
import { pathToFileURL } from "node:url";
import type { Finding, RuleMeta, Severity } from "../rules/types";
import type { WaiverOutcome } from "../waivers/types";
import { waiverNotices } from "../waivers/apply";
import type { TextRegion } from "../text/json-position";
import { displayPath, toPosix } from "./paths";
import { defaultPolicy, outcomeOf, type GatePolicy } from "./policy";
import type { Report } from "./types";

export const SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json";

export interface SarifOptions {
  policy?: GatePolicy;
  /** Every rule that ran, so code scanning can tell "ran, found nothing" from "not run". */
  rules?: readonly RuleMeta[];
  /** Paths are written relative to this folder (the repository root in CI), with `/`. */
  baseDir?: string;
  /** Line and column of a JSON pointer in a file, when the caller can read the file. */
  locate?: (file: string, pointer: string) => TextRegion | undefined;
  waivers?: readonly WaiverOutcome[];
  informationUri?: string;
  /** The project's page for a rule, for rules that have no finding in this run to carry it. */
  ruleDocUrl?: (ruleId: string) => string;
  /** At most this many results (GitHub rejects runs over 25,000); the most important are kept. */
  maxResults?: number;
}

export const GITHUB_MAX_RESULTS = 25000;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json | undefined };
type JsonObject = { [key: string]: Json | undefined };

const levelOf: Record<Severity, "error" | "warning" | "note"> = { error: "error", warning: "warning", info: "note" };

/** SARIF 2.1.0 log with one run. */
export function renderSarif(report: Report, options: SarifOptions = {}): string {
  return [...sarifChunks(report, options)].join("");
}

/**
 * {@link renderSarif} in pieces: the log around the results, then each result rendered when it
 * is taken, so tens of thousands of results are never one object tree or one string.
 */
export function sarifChunks(report: Report, options: SarifOptions = {}): Iterable<string> {
  const policy = options.policy ?? defaultPolicy;
  const rules = ruleDescriptors(report.findings, options.rules ?? [], options.ruleDocUrl);
  const ruleIndex = new Map(rules.map((r, i) => [r["id"] as string, i]));
  const artifacts = artifactList(report, options.baseDir);
  const artifactIndex = new Map(artifacts.map((a, i) => [a.file, i]));

  const kept = mostImportant(report.findings, policy, options.maxResults ?? GITHUB_MAX_RESULTS);
  const results = (function* () {
    for (const f of kept) yield result(f, policy, ruleIndex.get(f.ruleId)!, artifactIndex.get(f.file), options);
  })();
  const leftOut = report.findings.length - kept.length;

  const notifications: JsonObject[] = (options.waivers ?? [])
    .filter((o) => o.state !== "applied")
    .map((o, i): JsonObject => ({
      level: "warning",
      descriptor: { id: o.state === "expired" ? "waiver-expired" : "waiver-stale" },
      message: { text: waiverNotices([o], (file) => displayPath(file, options.baseDir))[0] ?? `waiver ${i + 1}` },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: toUri(o.waiver.source.file, options.baseDir) },
            ...(o.waiver.source.line ? { region: { startLine: o.waiver.source.line } } : {}),
          },
        },
      ],
    }));
  if (leftOut > 0) {
    notifications.push({
      level: "warning",
      descriptor: { id: "results-left-out" },
      message: {
        text: `${leftOut} of ${report.findings.length} results were left out (at most ${kept.length} per run); failing ones were kept first. The JSON report has them all.`,
      },
    });
  }

  const log: JsonObject = {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            semanticVersion: report.tool.version,
            ...(options.informationUri ? { informationUri: options.informationUri } : {}),
            rules,
          },
        },
        invocations: [
          {
            executionSuccessful: true,
            ...(notifications.length ? { toolExecutionNotifications: notifications } : {}),
          },
        ],
        artifacts: artifacts.map((a) => a.json),
        columnKind: "utf16CodeUnits",
        results: [],
        properties: {
          summary: { ...report.summary },
          policy: { failOn: policy.failOn, unknown: policy.unknown },
        },
      },
    ],
  };
  return withArrayElements(`${JSON.stringify(log, null, 2)}\n`, RESULTS_AT, results);
}

// Where runs[0].results sits in the two-space indented log: the only member at depth 3 named so
// (text from the input is in JSON strings, where a line break is always escaped).
const RESULTS_AT = { line: '\n      "results": []', elementIndent: "        ", closeIndent: "      " };

/**
 * The indented JSON text with the empty array at `at` filled with `elements`, each rendered as
 * JSON.stringify(whole, null, 2) would render it there: byte for byte the same as stringifying the
 * whole log at once.
 */
function* withArrayElements(text: string, at: typeof RESULTS_AT, elements: Iterable<JsonObject>): Generator<string> {
  const i = text.indexOf(at.line);
  if (i < 0) throw new Error("SARIF log without its results array");
  const afterKey = i + at.line.length - 1; // at the closing ]
  yield text.slice(0, afterKey);
  let first = true;
  for (const element of elements) {
    yield `${first ? "" : ","}\n${at.elementIndent}${JSON.stringify(element, null, 2).replace(/\n/g, `\n${at.elementIndent}`)}`;
    first = false;
  }
  if (!first) yield `\n${at.closeIndent}`;
  yield text.slice(afterKey);
}

/** The first `max` findings by outcome (fail, warn, waived, pass), in their original order. */
function mostImportant(findings: readonly Finding[], policy: GatePolicy, max: number): readonly Finding[] {
  if (findings.length <= max) return findings;
  const order = ["fail", "warn", "suppressed", "pass"];
  const ranked = findings.map((f, i) => ({ i, rank: order.indexOf(outcomeOf(f, policy)) }));
  ranked.sort((a, b) => a.rank - b.rank || a.i - b.i);
  const keep = new Set(ranked.slice(0, max).map((r) => r.i));
  return findings.filter((_, i) => keep.has(i));
}

function ruleDescriptors(findings: readonly Finding[], metas: readonly RuleMeta[], ruleDocUrl?: (id: string) => string): JsonObject[] {
  const byId = new Map<string, JsonObject>();
  const firstFinding = new Map<string, Finding>();
  for (const f of findings) if (!firstFinding.has(f.ruleId)) firstFinding.set(f.ruleId, f);
  for (const meta of metas) byId.set(meta.id, descriptor(meta.id, meta.slug, meta.title, meta.severity, meta.rationale, meta.googleDocUrl, firstFinding.get(meta.id)?.docUrl ?? ruleDocUrl?.(meta.id)));
  for (const f of firstFinding.values()) {
    if (!byId.has(f.ruleId)) byId.set(f.ruleId, descriptor(f.ruleId, f.slug, f.title, f.severity, undefined, f.googleDocUrl, f.docUrl));
  }
  return [...byId.values()];
}

function descriptor(
  id: string,
  slug: string,
  title: string,
  severity: Severity,
  rationale: string | undefined,
  googleDocUrl: string,
  docUrl: string | undefined,
): JsonObject {
  const helpUri = [docUrl, googleDocUrl].find((u) => u !== undefined && isAbsoluteUri(u));
  const links = [docUrl && `Rule documentation: ${docUrl}`, googleDocUrl && `Google documentation: ${googleDocUrl}`].filter(Boolean);
  const text = [title, rationale, ...links].filter(Boolean).join("\n\n");
  const markdown = [
    `**${id} ${slug}**: ${title}`,
    rationale,
    docUrl ? `[Rule documentation](${docUrl})` : undefined,
    googleDocUrl ? `[Google documentation](${googleDocUrl})` : undefined,
  ]
    .filter(Boolean)
    .join("\n\n");
  return {
    id,
    name: pascalCase(slug),
    shortDescription: { text: title },
    ...(rationale ? { fullDescription: { text: rationale } } : {}),
    help: { text, markdown },
    ...(helpUri ? { helpUri } : {}),
    defaultConfiguration: { level: levelOf[severity] },
    properties: { tags: ["gke", "iam", "terraform", "cdktf"], slug, severity },
  };
}

function result(f: Finding, policy: GatePolicy, ruleIndex: number, artifactIndex: number | undefined, options: SarifOptions): JsonObject {
  const outcome = outcomeOf(f, policy);
  // kind/level: a decided failure is `fail` at its severity; an undecided one is shown as a warning
  // (or at its severity when --unknown fail); with --unknown pass it is left for review, level none.
  let kind: "fail" | "pass" | "review";
  let level: "error" | "warning" | "note" | "none";
  if (f.status === "pass") {
    kind = "pass";
    level = "none";
  } else if (f.status === "unknown" && policy.unknown === "pass") {
    kind = "review";
    level = "none";
  } else if (f.status === "unknown" && policy.unknown === "warn") {
    kind = "fail";
    level = "warning";
  } else {
    kind = "fail";
    level = levelOf[f.severity];
  }

  const region = f.pointer && options.locate ? options.locate(f.file, f.pointer) : undefined;
  const physicalLocation: JsonObject = {
    artifactLocation: { uri: toUri(f.file, options.baseDir), ...(artifactIndex !== undefined ? { index: artifactIndex } : {}) },
    ...(region ? { region: regionJson(region) } : {}),
  };
  const logicalLocations: JsonObject[] = [{ name: f.address, fullyQualifiedName: qualified(f), kind: "resource" }];
  if (f.constructPath) logicalLocations.push({ fullyQualifiedName: f.constructPath, kind: "module" });

  const res: JsonObject = {
    ruleId: f.ruleId,
    ruleIndex,
    kind,
    level,
    message: { text: messageText(f) },
    locations: [{ physicalLocation, logicalLocations }],
    partialFingerprints: { "preflightFinding/v1": fingerprint(f) },
  };
  if (f.suppressed) {
    res["suppressions"] = [
      {
        kind: f.suppressed.source === "waiver" ? "external" : "inSource",
        status: "accepted",
        justification: f.suppressed.reason,
        properties: {
          source: f.suppressed.source,
          ...(f.suppressed.expires ? { expires: f.suppressed.expires } : {}),
          ...(f.suppressed.ticket ? { ticket: f.suppressed.ticket } : {}),
        },
      },
    ];
  }
  res["properties"] = dropUndefined({
    status: f.status,
    outcome,
    severity: f.severity,
    address: f.address,
    resourceType: f.resourceType,
    constructPath: f.constructPath,
    stack: f.stack,
    pointer: f.pointer,
    reason: f.reason,
    decideWith: f.decideWith,
    remediation: { ...f.remediation, gcloud: [...f.remediation.gcloud] },
    details: f.details as Json | undefined,
    expiredSuppression: f.expiredSuppression ? { ...f.expiredSuppression } : undefined,
  });
  return res;
}

/** A member name is one line: keep its span. A value may span many lines: point at where it starts. */
function regionJson(r: TextRegion): JsonObject {
  return r.startLine === r.endLine
    ? { startLine: r.startLine, startColumn: r.startColumn, endLine: r.endLine, endColumn: r.endColumn }
    : { startLine: r.startLine, startColumn: r.startColumn };
}

function messageText(f: Finding): string {
  const parts: string[] = [];
  if (f.status === "unknown") {
    parts.push(`Undecided: ${sentence(f.message)}`);
    if (f.reason) parts.push(sentence(f.reason));
    if (f.decideWith) parts.push(`Decide with: ${sentence(f.decideWith)}`);
  } else {
    parts.push(sentence(f.message));
  }
  if (f.status !== "pass" && f.remediation.summary) parts.push(`Fix: ${sentence(f.remediation.summary)}`);
  if (f.expiredSuppression) {
    const what = f.expiredSuppression.source === "waiver" ? "A waiver" : "A suppression on the resource";
    parts.push(`${what} expired on ${f.expiredSuppression.expires} and no longer applies (${sentence(f.expiredSuppression.reason, "")}).`);
  }
  return parts.join(" ");
}

function sentence(text: string, end = "."): string {
  const t = text.trim();
  return /[.!?]$/.test(t) ? (end ? t : t.slice(0, -1)) : `${t}${end}`;
}

function qualified(f: Finding): string {
  return f.stack ? `${f.stack}:${f.address}` : f.address;
}

/** Stable across runs and line moves, so code scanning keeps one alert per rule × resource. */
function fingerprint(f: Finding): string {
  const key = [f.ruleId, toPosix(f.file), f.stack ?? "", f.address].join("\u0000");
  return createHash("sha256").update(key).digest("hex").slice(0, 32);
}

function artifactList(report: Report, baseDir: string | undefined): { file: string; json: JsonObject }[] {
  const files = new Map<string, JsonObject>();
  for (const input of report.inputs) {
    if (!files.has(input.file)) {
      files.set(input.file, {
        location: { uri: toUri(input.file, baseDir) },
        roles: ["analysisTarget"],
        mimeType: "application/json",
        properties: dropUndefined({ format: input.format, stack: input.stack, resources: input.resources }),
      });
    }
  }
  for (const f of report.findings) {
    if (!files.has(f.file)) files.set(f.file, { location: { uri: toUri(f.file, baseDir) }, roles: ["analysisTarget"] });
  }
  return [...files.entries()].map(([file, json]) => ({ file, json }));
}

/** A relative URI reference (`/`-separated, percent-encoded) when the file is under baseDir, else a file: URI. */
export function toUri(file: string, baseDir: string | undefined): string {
  let path = file;
  if (baseDir !== undefined && isAbsolute(file)) {
    const rel = relative(baseDir, file);
    if (rel.startsWith("..") || isAbsolute(rel)) return pathToFileURL(file).href;
    path = rel;
  } else if (isAbsolute(file)) {
    return pathToFileURL(file).href;
  }
  return toPosix(path)
    .split("/")
    .map((segment) => encodeURIComponent(segment))
    .join("/");
}

function isAbsoluteUri(value: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(value);
}

function pascalCase(slug: string): string {
  return slug
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("");
}

function dropUndefined(obj: Record<string, Json | undefined>): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = v;
  return out;
}
