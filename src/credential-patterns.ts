/**
 * The one list of credential patterns. Inputs use it to keep credentials out of the model
 * (src/model/secrets.ts); `--live` uses it on everything it prints or hands to the rules
 * (src/live/redact.ts). A credential is recognised by its own shape, by what precedes it, or by
 * being a value the caller knows is secret (the access token in use).
 */

// OAuth access and refresh tokens, JSON Web Tokens (a Kubernetes service account token, an OIDC
// ID token), PEM private keys, a service account key file's JSON.
const SHAPE_SOURCE = String.raw`\bya29\.[\w\-.~+/]{8,}|\b1\/\/0[\w\-.~+/]{20,}|(?<![\w-])eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}|-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)|"private_key"\s*:\s*"[^"]*"?`;
const SHAPE = new RegExp(SHAPE_SOURCE);
const SHAPES = new RegExp(SHAPE_SOURCE, "g");
/** Text that every shape above contains; most strings have none of it. */
const SHAPE_MARKER = /ya29\.|1\/\/0|eyJ|PRIVATE KEY|private_key/;

type Replacer = (replacement: string, match: string, ...groups: string[]) => string;

/** Credentials known by their context: an Authorization value, a token field in a query or JSON. */
const IN_CONTEXT: ReadonlyArray<[RegExp, Replacer]> = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/=]{8,}/gi, (replacement, _match, scheme) => `${scheme} ${replacement}`],
  [
    /\b(access_token|refresh_token|id_token|client_secret|private_key)(["']?\s*[:=]\s*["']?)[^"'&\s,}]+/gi,
    (replacement, _match, field, separator) => `${field}${separator}${replacement}`,
  ],
];
const CONTEXT_MARKER = /bearer|basic|access_token|refresh_token|id_token|client_secret|private_key/i;

/** Secret values shorter than this are not redacted by value: they would hit ordinary words. */
const MIN_SECRET_LENGTH = 8;

/** True for strings shaped like a credential, whatever attribute holds them. */
export function looksLikeCredential(text: string): boolean {
  // Cheap tests first: this runs on every string of a plan. One scan for the five markers costs
  // half of five `includes` scans (measured on the 100k-resource bench configuration).
  if (text.length < 11) return false;
  if (!SHAPE_MARKER.test(text)) return false;
  return SHAPE.test(text);
}

export interface RedactOptions {
  /** What a credential becomes (default `[credential not shown]`). */
  replacement?: string;
  /** Secret values to remove wherever they appear, whatever their shape (the token in use). */
  values?: Iterable<string | undefined>;
}

/** `text` with every given secret value, every credential shape and every credential in context replaced. */
export function redactCredentials(text: string, options: RedactOptions = {}): string {
  const replacement = options.replacement ?? "[credential not shown]";
  let result = text;
  for (const secret of options.values ?? []) {
    if (secret && secret.length >= MIN_SECRET_LENGTH && result.includes(secret)) result = result.split(secret).join(replacement);
  }
  if (looksLikeCredential(result)) result = result.replace(SHAPES, replacement);
  if (CONTEXT_MARKER.test(result)) {
    for (const [pattern, replacer] of IN_CONTEXT) result = result.replace(pattern, (match, ...groups: string[]) => replacer(replacement, match, ...groups));
  }
  return result;
}
