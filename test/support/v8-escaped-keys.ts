/**
 * V8 12.8 and later (Node 24 and 26 at least) have a JSON.parse bug: once a key written `"\\"`
 * has been parsed, a later key written with another escape (`"\""`, `"\n"`…) can come back as a
 * backslash (https://github.com/nodejs/node/issues/63785, https://issues.chromium.org/issues/521080746).
 * Property tests that use JSON.parse as their oracle, or hand values to it, cannot hold there for
 * keys that need escaping; they skip those cases on such a runtime and say so.
 */
export function runtimeMisreadsEscapedKeys(): boolean {
  JSON.parse('{"h":[],"\\\\":0}'); // a key that is one backslash, as the trigger
  return Object.keys(JSON.parse('{"h":1,"\\"":2}'))[1] !== '"';
}

/** Whether JSON writes the key with an escape sequence. */
export function needsEscape(key: string): boolean {
  return JSON.stringify(key).length !== key.length + 2;
}

/** Every object key in a JSON-like value, at any depth. */
export function* keysOf(value: unknown): Generator<string> {
  if (Array.isArray(value)) for (const v of value) yield* keysOf(v);
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      yield k;
      yield* keysOf(v);
    }
  }
}
