/**
 * Removes credentials from text before it can reach a report, a log or the terminal.
 * Belt and braces: error texts are built from API messages, which should never hold a token,
 * but an upstream library or a proxy could echo a header back.
 */
const REDACTED = "[redacted]";

type Replacer = (match: string, ...groups: string[]) => string;

const PATTERNS: ReadonlyArray<[RegExp, Replacer]> = [
  // Authorization header values, whatever the scheme.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/=]+/gi, (_match, scheme) => `${scheme} ${REDACTED}`],
  // Google OAuth access tokens and refresh tokens.
  [/\bya29\.[A-Za-z0-9\-._~+/]+/g, () => REDACTED],
  [/\b1\/\/[A-Za-z0-9\-._~+/]{20,}/g, () => REDACTED],
  // Token and secret fields written as query parameters or JSON.
  [
    /\b(access_token|refresh_token|id_token|client_secret|private_key)(["']?\s*[:=]\s*["']?)[^"'&\s,}]+/gi,
    (_match, field, separator) => `${field}${separator}${REDACTED}`,
  ],
  // PEM private keys (service account key files).
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, () => REDACTED],
];

/** `text` with every known credential shape and every given secret value replaced. */
export function redact(text: string, secrets: ReadonlyArray<string | undefined> = []): string {
  let result = text;
  for (const secret of secrets) {
    // Very short values would redact ordinary words; real tokens are long.
    if (secret && secret.length >= 8) result = result.split(secret).join(REDACTED);
  }
  for (const [pattern, replacer] of PATTERNS) result = result.replace(pattern, replacer);
  return result;
}
