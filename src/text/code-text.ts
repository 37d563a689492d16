/**
 * Values from the input placed in generated TypeScript (CDKTF) and HCL: string literals escaped
 * for their language, comments that no value can end, references only when they are references.
 * A fix is pasted into a stack and applied with admin rights, so a resource name with a line break
 * must not end a `// in ADDRESS` comment and add code, and `${…}` in a value must stay text.
 */

/**
 * Characters that have no place in code, comments or command lines: C0 controls (line breaks
 * and tabs included), DEL, C1 controls, the line and paragraph separators (line terminators in
 * JavaScript), bidirectional marks and overrides (they reorder what a reviewer reads: "Trojan
 * Source"), and the byte order mark.
 */
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

export function withoutInvisible(text: string, replacement: string): string {
  return text.replace(INVISIBLE, replacement);
}

const SHORT_ESCAPES: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function escapeInvisible(text: string): string {
  return text.replace(INVISIBLE, (c) => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** A TypeScript string literal: JSON's escaping, plus the characters JSON leaves as they are. */
export function tsString(value: string): string {
  return escapeInvisible(JSON.stringify(value));
}

/**
 * An HCL quoted string (Terraform's native syntax): `\` and `"` escaped, invisible characters as
 * `\n`, `\r`, `\t` or `\uNNNN` (HCL has no `\b` or `\f`, so JSON's escaping is not HCL), and the
 * template sequences `${` and `%{` doubled (`$${`, `%%{`) so that they stay literal text.
 */
export function hclString(value: string): string {
  return `"${hclStringBody(value)}"`;
}

/** The inside of an HCL quoted string, for values placed in a string the fix writes itself. */
export function hclStringBody(value: string): string {
  return escapeInvisible(value.replace(/\\/g, "\\\\").replace(/"/g, '\\"'))
    .replace(/\$\{/g, () => "$${")
    .replace(/%\{/g, () => "%%{");
}

/**
 * Input text inside a `//` or `#` comment: on one line whatever it holds (line breaks and other
 * invisible characters written as escapes, `\n`), and no `*​/` that would end a block comment.
 */
export function commentText(text: string): string {
  return escapeInvisible(text).replace(/\*\//g, "*\\/");
}

/** Identifier of Terraform's native syntax. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;
/** An instance key as Terraform writes it in an address: `[0]` or `["key"]` (no escapes needed). */
const INSTANCE_KEY = /^\[(?:\d+|"[^"\\$%\u0000-\u001f\u007f-\u009f\u2028\u2029]*")\]/;

/**
 * A resource address (`google_service_account.nodes`, `module.gke.google_x.y["a"]`) as an HCL
 * reference, or undefined when it is not one (a crafted name); callers then write a placeholder.
 */
export function hclReference(address: string): string | undefined {
  let rest = address;
  let parts = 0;
  while (rest.length) {
    const dot = rest.search(/[.[]/);
    const name = dot === -1 ? rest : rest.slice(0, dot);
    if (!IDENTIFIER.test(name)) return undefined;
    parts++;
    rest = dot === -1 ? "" : rest.slice(dot);
    const key = INSTANCE_KEY.exec(rest);
    if (key) rest = rest.slice(key[0].length);
    if (rest.startsWith(".") && rest.length > 1) rest = rest.slice(1);
    else if (rest.length) return undefined;
  }
  return parts >= 2 ? address : undefined;
}

/**
 * A model value written into a fix: the string or number itself, else (unknown until apply,
 * sensitive, a list, absent) the placeholder the user fills in.
 */
export function literalOr(value: unknown, placeholder: string): string {
  if (typeof value === "string" && value !== "") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return placeholder;
}
