import { closeSync, openSync, readSync, statSync } from "node:fs";
import type { Model } from "../../model/types";
import { InputError, EXPECTED_INPUT } from "../input-error";
import { isPlanJson, modelFromPlan } from "../plan-json";
import { getOwn, setOwn } from "../../model/own-property";
import { JsonSplitError, splitJsonFile, type PathPart, type Selection, type ValueKind } from "./json-splitter";

/**
 * Reads a plan JSON file of any size without ever holding it as one string: the parts the plan
 * reader uses are parsed piece by piece (each resource change on its own), the rest is skipped.
 *
 * Kept: format_version, terraform_version, variables, configuration, every resource_changes
 * element, and the data sources of prior_state (at their original positions, so JSON pointers
 * stay right). Skipped: planned_values (resource_changes already says the same), managed
 * resources of prior_state, resource_drift, output_changes, relevant_attributes, checks.
 * A plan without resource_changes (very old formats) is read a second time for planned_values.
 */
export function readPlanSkeleton(file: string, chunkSize?: number): Record<string, unknown> {
  rejectNonUtf8(file, head(file, 4));
  const skeleton: Record<string, unknown> = {};
  const split = (select: (path: readonly PathPart[], kind: ValueKind) => Selection) =>
    splitJsonFile(file, {
      select: (path, kind) => {
        const selection = select(path, kind);
        // containers walked into exist in the skeleton even when empty (`"resource_changes": []`)
        if (selection === "descend" && path.length > 0 && lookup(skeleton, path) === undefined) place(skeleton, path, kind === "array" ? [] : {});
        return selection;
      },
      value: (path, value) => place(skeleton, path, value),
    }, chunkSize);
  try {
    split(selectPlanParts);
    if (!("resource_changes" in skeleton) && skeleton.format_version !== undefined) split(selectPlannedValues);
  } catch (error) {
    if (error instanceof JsonSplitError) throw new InputError(file, `is not valid JSON (${error.message}); ${EXPECTED_INPUT}`);
    throw error;
  }
  return skeleton;
}

/** The model of a plan file of any size (see {@link readPlanSkeleton}). */
export function modelFromPlanFile(file: string, chunkSize?: number): Model {
  const skeleton = readPlanSkeleton(file, chunkSize);
  if (!isPlanJson(skeleton)) throw new InputError(file, `is not a Terraform plan in JSON; files this large are read only as plans; ${EXPECTED_INPUT}`);
  return modelFromPlan(skeleton, file);
}

/**
 * Whether a file starts like `terraform show -json` output, which always writes
 * `format_version` first: lets a caller stream plans without reading the file twice.
 */
export function looksLikePlanFile(file: string): boolean {
  const text = head(file, 256).toString("utf8").replace(/^\uFEFF/, "");
  return /^\s*\{\s*"format_version"\s*:/.test(text);
}

/** The first `length` bytes of a file (fewer if it is shorter). */
function head(file: string, length: number): Buffer {
  const fd = openSync(file, "r");
  try {
    const buffer = Buffer.alloc(length);
    return buffer.subarray(0, readSync(fd, buffer, 0, length, 0));
  } finally {
    closeSync(fd);
  }
}

/** The same one-line answers as the whole-file reader for files that are not UTF-8 text. */
function rejectNonUtf8(file: string, first: Buffer): void {
  if (first.length === 0) throw new InputError(file, `is empty; ${EXPECTED_INPUT}`);
  if ((first[0] === 0xff && first[1] === 0xfe) || (first[0] === 0xfe && first[1] === 0xff)) {
    throw new InputError(file, "is UTF-16 encoded; expected UTF-8 JSON (on Windows PowerShell, write it with `Out-File -Encoding utf8`)");
  }
  if (first.includes(0)) throw new InputError(file, `is a binary file (a saved plan?); run \`terraform show -json\` on it first; ${EXPECTED_INPUT}`);
}

/**
 * Above this size a plan is read by streaming: V8 strings stop at 2^29 - 24 characters, and
 * JSON.parse of the whole text holds about twice the memory (measured at 100k resources:
 * 1.40 GB against 709 MB, docs/performance.md).
 */
export const STREAMING_THRESHOLD_BYTES = 64 * 1024 * 1024;

export function needsStreaming(file: string): boolean {
  return statSync(file).size > STREAMING_THRESHOLD_BYTES;
}

const TOP_LEVEL_PARSED = new Set(["format_version", "terraform_version", "variables", "configuration"]);

function selectPlanParts(path: readonly PathPart[], kind: ValueKind): Selection {
  const depth = path.length;
  if (depth === 0) return kind === "object" ? "descend" : "parse";
  const top = path[0];
  if (depth === 1) {
    if (TOP_LEVEL_PARSED.has(top as string)) return "parse";
    if (top === "resource_changes" || top === "prior_state") return kind === "scalar" ? "parse" : "descend";
    // seen as present (isPlanJson looks for it) without being read
    if (top === "planned_values") return "skip";
    return "skip";
  }
  if (top === "resource_changes") return depth === 2 ? "parse" : "skip";
  // prior_state.values.root_module(.child_modules[i])*.resources[j]
  if (top === "prior_state") return selectModuleTree(path, kind);
  return "skip";
}

function selectPlannedValues(path: readonly PathPart[], kind: ValueKind): Selection {
  if (path.length === 0) return "descend";
  if (path[0] !== "planned_values") return "skip";
  return selectModuleTree(path, kind);
}

/**
 * Inside `prior_state.values.root_module` or `planned_values.root_module`: descend through the
 * module and its child_modules, parse each resource on its own and each module's address.
 */
function selectModuleTree(path: readonly PathPart[], kind: ValueKind): Selection {
  const prefix = path[0] === "prior_state" ? ["prior_state", "values", "root_module"] : ["planned_values", "root_module"];
  for (let i = 0; i < prefix.length; i++) {
    if (path.length === i) return "descend";
    if (path[i] !== prefix[i]) return path.length === i + 1 && kind === "scalar" ? "parse" : "skip";
  }
  let at = prefix.length; // path[at] is a key of a module object
  for (;;) {
    if (path.length === at) return "descend";
    const key = path[at];
    if (key === "address") return "parse";
    if (key === "resources") {
      if (path.length === at + 1) return "descend";
      return path.length === at + 2 ? "parse" : "skip";
    }
    if (key === "child_modules") {
      if (path.length <= at + 2) return "descend";
      at += 2; // child_modules[n] is a module object
      continue;
    }
    return "skip";
  }
}

/** Places a parsed value at its path, creating objects and (sparse) arrays on the way. */
function place(root: Record<string, unknown>, path: readonly PathPart[], value: unknown): void {
  if (path.length === 0) return;
  if (isPriorStateResource(path) && !isDataSource(value)) return;
  let node: Record<string | number, unknown> = root;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i];
    let next = getOwn(node, key) as Record<string | number, unknown> | undefined;
    if (next === undefined) {
      next = (typeof path[i + 1] === "number" ? [] : {}) as Record<string | number, unknown>;
      setOwn(node, key, next);
    }
    node = next;
  }
  setOwn(node, path[path.length - 1], value);
}

function lookup(root: Record<string, unknown>, path: readonly PathPart[]): unknown {
  let node: unknown = root;
  for (const key of path) {
    if (typeof node !== "object" || node === null) return undefined;
    node = getOwn(node as Record<string | number, unknown>, key);
  }
  return node;
}

function isPriorStateResource(path: readonly PathPart[]): boolean {
  return path[0] === "prior_state" && path[path.length - 2] === "resources";
}

function isDataSource(value: unknown): boolean {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>).mode === "data";
}
