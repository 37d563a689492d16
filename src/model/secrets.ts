import type { Value, Values } from "./types";
import { isUnknown, Unknown } from "./unknown";
import { isObject } from "./access";
import { setOwn } from "./own-property";
import { looksLikeCredential } from "../credential-patterns";

/**
 * Credentials never enter the model, so no report can print them. The readers already replace
 * what the plan marks sensitive (before_sensitive / after_sensitive); this catches what is not
 * marked: old plan formats without the markers, hand-written cdk.tf.json, provider blocks,
 * variables. No rule reads any of these attributes or values.
 */

/** Attributes that hold credentials in the Google provider and the providers set up beside it. */
const SECRET_ATTRIBUTES = new Set([
  "access_token", "refresh_token", "id_token", "client_secret", "client_key", "credentials",
  "private_key", "private_key_data", "private_key_pem", "password", "secret", "secret_data",
  "plaintext", "key_string", "token", "sensitive_params", "sensitive_labels",
]);

export function isSecretAttribute(name: string): boolean {
  return SECRET_ATTRIBUTES.has(name);
}

// The credential patterns are shared with --live (src/live/redact.ts): one list for both.
export { looksLikeCredential, redactCredentials } from "../credential-patterns";

export function hiddenCredential(): Unknown {
  return new Unknown("looks like a credential; preflight does not read credentials");
}

/**
 * `value` with credentials hidden (for values that are not resolved, e.g. a plan's `before`).
 * Copy on write: what holds no credential is shared, not copied (a plan's `before` is about as
 * large as its values). A key named `__proto__` stays a data key of the copy.
 */
export function withoutCredentials<T extends Value>(value: T): T {
  if (typeof value === "string") return (looksLikeCredential(value) ? hiddenCredential() : value) as T;
  if (Array.isArray(value)) {
    let out: Value[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const hidden = withoutCredentials(value[i]);
      if (hidden !== value[i]) (out ??= value.slice())[i] = hidden;
    }
    return (out ?? value) as T;
  }
  if (isObject(value)) {
    let out: Values | undefined;
    for (const k of Object.keys(value)) {
      const v = value[k];
      const hidden = isSecretAttribute(k) && v !== null && !isUnknown(v) ? hiddenCredential() : withoutCredentials(v);
      if (hidden === v) continue;
      out ??= { ...value };
      setOwn(out, k, hidden);
    }
    return (out ?? value) as T;
  }
  return value;
}

/**
 * Input variables marked `sensitive` (a root module's `variable` with sensitive = true) whose value
 * the plan or configuration gives. Terraform hides them in its own output; so does preflight. A
 * value that can be recognised in a text (strings of at least {@link MIN_SENSITIVE_LENGTH}
 * characters, a project id is 6 to 30) stays in the model, so verdicts that depend on it (the
 * provider's project) are still decided, and every finding shows it as "(sensitive)". Any other
 * value (a number, a boolean, a short string) could not be told apart in a text: it never enters
 * the model, and what depends on it is unknown.
 */
export const MIN_SENSITIVE_LENGTH = 6;
export const SENSITIVE_SHOWN_AS = "(sensitive)";

export interface SensitiveVariable {
  /** What the model holds for the variable. */
  value: Value;
  /** Its texts, each replaced by SENSITIVE_SHOWN_AS in findings. */
  texts: string[];
}

export function sensitiveVariable(value: Value): SensitiveVariable {
  const texts: string[] = [];
  let recognisable = true;
  const visit = (v: Value, depth: number): void => {
    if (typeof v === "string") {
      if (v.length >= MIN_SENSITIVE_LENGTH) texts.push(v);
      else recognisable = false;
    } else if (Array.isArray(v) && depth < 64) v.forEach((item) => visit(item, depth + 1));
    else if (isObject(v) && depth < 64) for (const k of Object.keys(v)) visit(v[k]!, depth + 1);
    else if (v !== null) recognisable = false;
  };
  visit(value, 0);
  if (!recognisable) return { value: new Unknown("a sensitive input variable; preflight does not read it"), texts: [] };
  return { value, texts };
}

// One pattern per model's list of texts, however many findings it hides them in.
const patterns = new WeakMap<readonly string[], RegExp>();

function patternOf(texts: readonly string[]): RegExp {
  let pattern = patterns.get(texts);
  if (!pattern) {
    // Longest first, so that a text containing another is replaced whole.
    pattern = new RegExp([...texts].sort((a, b) => b.length - a.length).map(escapeRegExp).join("|"), "gi");
    patterns.set(texts, pattern);
  }
  return pattern;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * `value` (a finding, or any part of one) with every occurrence of the sensitive texts replaced,
 * ignoring case (emails built from a project id are lower-cased). Copy on write: what holds none
 * of them is returned as it is.
 */
export function hideSensitive<T>(value: T, texts: readonly string[]): T {
  if (texts.length === 0) return value;
  const pattern = patternOf(texts);
  const hide = (v: unknown, depth: number): unknown => {
    if (typeof v === "string") {
      pattern.lastIndex = 0;
      return pattern.test(v) ? v.replace(pattern, SENSITIVE_SHOWN_AS) : v;
    }
    if (depth > 64 || v === null || typeof v !== "object") return v;
    if (Array.isArray(v)) {
      let out: unknown[] | undefined;
      v.forEach((item, i) => {
        const hidden = hide(item, depth + 1);
        if (hidden !== item) (out ??= v.slice())[i] = hidden;
      });
      return out ?? v;
    }
    if (Object.getPrototypeOf(v) !== Object.prototype) {
      // An Unknown carries the template it was built from (`${var.project}` resolved in it).
      if (isUnknown(v)) {
        const reason = hide(v.reason, depth + 1) as string;
        const references = hide(v.references, depth + 1) as string[];
        const template = v.template === undefined ? undefined : (hide(v.template, depth + 1) as string);
        return reason === v.reason && references === v.references && template === v.template ? v : new Unknown(reason, references, template);
      }
      return v;
    }
    let out: Record<string, unknown> | undefined;
    const record = v as Record<string, unknown>;
    for (const k of Object.keys(record)) {
      const hidden = hide(record[k], depth + 1);
      if (hidden === record[k]) continue;
      out ??= { ...record };
      setOwn(out as Values, k, hidden as Value);
    }
    return out ?? v;
  };
  return hide(value, 0) as T;
}
