import { redactCredentials } from "../credential-patterns";

/**
 * Removes credentials from what `--live` prints or hands to the rules: error texts, notices and
 * every string read from an API. The patterns are the ones inputs use (src/credential-patterns.ts);
 * `secrets` adds the values in use (the access token), removed whatever their shape. Belt and
 * braces: Google never sends a token back, but a proxy or an emulator could echo one.
 */
export const REDACTED = "[redacted]";

/** `text` with every known credential shape and every given secret value replaced. */
export function redact(text: string, secrets: Iterable<string | undefined> = []): string {
  return redactCredentials(text, { replacement: REDACTED, values: secrets });
}

/** A copy of JSON-like `value` with every string redacted (keys included); what holds none is shared. */
export function redactDeep<T>(value: T, secrets: readonly string[] = []): T {
  if (typeof value === "string") return redact(value, secrets) as T;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    value.forEach((item, i) => {
      const clean = redactDeep(item, secrets);
      if (clean !== item) (out ??= value.slice())[i] = clean;
    });
    return (out ?? value) as T;
  }
  if (typeof value === "object" && value !== null) {
    let changed = false;
    const entries = Object.entries(value).map(([key, item]) => {
      const cleanKey = redact(key, secrets);
      const clean = redactDeep(item, secrets);
      if (cleanKey !== key || clean !== item) changed = true;
      return [cleanKey, clean] as const;
    });
    if (!changed) return value;
    const out = {};
    // defineProperty: a key named `__proto__` stays a data key.
    for (const [key, item] of entries) Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
    return out as T;
  }
  return value;
}
