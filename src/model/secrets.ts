import type { Value, Values } from "./types";
import { isUnknown, Unknown } from "./unknown";
import { isObject } from "./access";
import { setOwn } from "./own-property";

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

// OAuth access and refresh tokens, JSON Web Tokens (a Kubernetes service account token), PEM
// private keys, a service account key file's JSON.
const CREDENTIAL_SOURCE = String.raw`\bya29\.[\w\-.~+/]{8,}|\b1\/\/0[\w\-.~+/]{20,}|(?<![\w-])eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}|-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)|"private_key"\s*:\s*"[^"]*"?`;
const CREDENTIAL = new RegExp(CREDENTIAL_SOURCE);
const CREDENTIALS = new RegExp(CREDENTIAL_SOURCE, "g");
/** Text that every credential pattern above contains; most strings have none of it. */
const CREDENTIAL_MARKER = /ya29\.|1\/\/0|eyJ|PRIVATE KEY|private_key/;

/** True for strings that look like a credential, whatever attribute holds them. */
export function looksLikeCredential(text: string): boolean {
  // Cheap tests first: this runs on every string of a plan. One scan for the five markers costs
  // half of five `includes` scans (measured on the 100k-resource bench configuration).
  if (text.length < 11) return false;
  if (!CREDENTIAL_MARKER.test(text)) return false;
  return CREDENTIAL.test(text);
}

/** Free text from the input (a suppression reason, a construct path) with credentials cut out. */
export function redactCredentials(text: string): string {
  return looksLikeCredential(text) ? text.replace(CREDENTIALS, "[credential not shown]") : text;
}

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
