/**
 * Parsing of Terraform template strings as they appear in Terraform JSON
 * (`"serviceAccount:${google_service_account.nodes.email}"`). Only what the engine needs:
 * find the interpolations, and tell a plain reference from any other expression.
 */
export type TemplatePart = { literal: string } | { expression: string };

/** Splits a string into literal text and `${…}` interpolations; `$${` is an escaped `${`. */
export function parseTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = "";
  let i = 0;
  // Jumps from `${` to `${` and copies the text between as one slice: this runs on every
  // string of a configuration, and building literals a character at a time is what cost.
  while (i < text.length) {
    const open = text.indexOf("${", i);
    if (open < 0) {
      literal += text.slice(i);
      break;
    }
    if (open > i && text[open - 1] === "$") {
      // `$${` is an escaped `${`; the `$` before it belongs to the escape, not to the literal.
      literal += `${text.slice(i, open - 1)}\${`;
      i = open + 2;
      continue;
    }
    literal += text.slice(i, open);
    const end = findClosingBrace(text, open + 2);
    if (end < 0) {
      literal += text.slice(open);
      break;
    }
    if (literal) parts.push({ literal });
    literal = "";
    parts.push({ expression: text.slice(open + 2, end).trim() });
    i = end + 1;
  }
  if (literal || parts.length === 0) parts.push({ literal });
  return parts;
}

export function hasInterpolation(text: string): boolean {
  return text.includes("${") && parseTemplate(text).some((p) => "expression" in p);
}

function findClosingBrace(text: string, from: number): number {
  let depth = 0;
  let quote = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === '"') quote = false;
    } else if (c === '"') quote = true;
    else if (c === "{") depth++;
    else if (c === "}") {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

// A reference starts where a word starts: without the look-behind, a long word that is not a
// reference is retried from each of its characters, which is quadratic (minutes for 1 MB).
const REFERENCE = /(?<![\w.-])(?:data\.)?[A-Za-z_][\w-]*\.[A-Za-z_][\w-]*(?:\[(?:\d+|"[^"]*")\])?(?:\.[A-Za-z_][\w-]*|\[\d+\])*/g;
const PLAIN_REFERENCE = new RegExp(`^${REFERENCE.source}$`);

/** True when the expression is only a reference such as `google_service_account.sa.email`. */
export function isPlainReference(expression: string): boolean {
  return PLAIN_REFERENCE.test(expression) && !/^\d/.test(expression);
}

/** Every reference-looking token in an expression (function calls included). */
export function referencesIn(expression: string): string[] {
  const found: string[] = [];
  const text = withoutStrings(expression);
  // exec in a loop rather than matchAll: no iterator, no copy of the regex, no arrays to map and filter.
  // Safe to share the global regex: nothing runs between the calls, and the last one resets lastIndex.
  REFERENCE.lastIndex = 0;
  for (let m = REFERENCE.exec(text); m; m = REFERENCE.exec(text)) if (!isDigit(m[0].charCodeAt(0))) found.push(m[0]);
  return found;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** The expression with every string literal emptied (`"a.b"` → `""`). One pass, no regex backtracking. */
function withoutStrings(expression: string): string {
  if (!expression.includes('"')) return expression;
  let out = "";
  let i = 0;
  while (i < expression.length) {
    const quote = expression.indexOf('"', i);
    if (quote < 0) return out + expression.slice(i);
    out += `${expression.slice(i, quote)}""`;
    let j = quote + 1;
    while (j < expression.length && expression[j] !== '"') j += expression[j] === "\\" ? 2 : 1;
    i = j + 1;
  }
  return out;
}

export interface ParsedReference {
  /** `resource`, `data`, `var`, `local`, `module`, or another Terraform namespace. */
  kind: "resource" | "data" | "var" | "local" | "module" | "other";
  /**
   * For resources and data sources: `type.name` (with `data.` for data sources), behind the
   * module path when the reference is qualified by one (plans qualify references inside modules).
   */
  target: string;
  /** For resources and data sources: the resource type, e.g. `google_service_account`. */
  type?: string;
  /** Instance key written in the reference, e.g. `0` or `"a"`. */
  index?: string;
  /** Attribute path after the target, e.g. `["node_config", "0", "service_account"]`. */
  attributePath: string[];
}

const NON_RESOURCE_NAMESPACES = new Set(["each", "count", "path", "terraform", "self"]);

// Large configurations repeat the same references thousands of times.
const parsedReferences = new Map<string, ParsedReference>();

export function parseReference(reference: string): ParsedReference {
  let parsed = parsedReferences.get(reference);
  if (!parsed) {
    if (parsedReferences.size > 100_000) parsedReferences.clear();
    parsed = parseReferenceUncached(reference);
    parsedReferences.set(reference, parsed);
  }
  return parsed;
}

/** `module.a["k"].module.b.` in front of a resource reference written by a plan reader. */
const MODULE_PREFIX = /^((?:module\.[A-Za-z_][\w-]*(?:\[(?:\d+|"[^"]*")\])?\.)+)(.*)$/;

function parseReferenceUncached(reference: string): ParsedReference {
  const qualified = MODULE_PREFIX.exec(reference);
  if (qualified) {
    const inner = parseLocalReference(qualified[2]);
    // `module.x.output` names a module output; `module.x.type.name…` a resource inside it.
    if ((inner.kind === "resource" || inner.kind === "data") && inner.target.split(".").every((part) => part !== "")) {
      return { ...inner, target: qualified[1] + inner.target };
    }
  }
  return parseLocalReference(reference);
}

/** A name, or an index in brackets (`[0]`, `["a"]`), in a reference. */
const TOKEN = /([A-Za-z_][\w-]*)|\[(\d+|"[^"]*")\]/g;

function parseLocalReference(reference: string): ParsedReference {
  // Each token's text (an index without its quotes), and whether it was an index. One pass, no
  // intermediate objects: every distinct reference of a configuration goes through here.
  const words: string[] = [];
  const isIndex: boolean[] = [];
  TOKEN.lastIndex = 0; // shared: nothing else runs during the loop, and its last exec resets it
  for (let m = TOKEN.exec(reference); m; m = TOKEN.exec(reference)) {
    words.push(m[1] !== undefined ? m[1] : m[2].replace(/^"|"$/g, ""));
    isIndex.push(m[1] === undefined);
  }
  // Plans carry reference strings as written by whoever made the file: some have no name at all.
  const first = words.length > 0 && !isIndex[0] ? words[0] : "";
  if (first === "var" || first === "local" || first === "module") {
    return { kind: first, target: `${first}.${words[1] ?? ""}`, attributePath: words.slice(2) };
  }
  if (NON_RESOURCE_NAMESPACES.has(first)) return { kind: "other", target: first, attributePath: words.slice(1) };
  const isData = first === "data";
  const offset = isData ? 1 : 0;
  const type = words[offset] ?? "";
  const name = words[offset + 1] ?? "";
  let rest = offset + 2;
  let index: string | undefined;
  if (rest < words.length && isIndex[rest]) {
    index = words[rest];
    rest++;
  }
  return {
    kind: isData ? "data" : "resource",
    target: `${isData ? "data." : ""}${type}.${name}`,
    type,
    index,
    attributePath: words.slice(rest),
  };
}
