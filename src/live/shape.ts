/**
 * A small validator for API answers: each shape checks exactly the fields the reader uses, so an
 * answer that does not fit (an HTML page, a string where a list belongs, a control character in a
 * role name) is refused before any of it becomes a fact. Fields it does not name are ignored:
 * Google adds fields over time. Problems name the field, never its value (which is untrusted).
 */
export type Shape = (value: unknown, at: string) => string | undefined;

/** Longest identifier accepted (role, member, permission, resource name, page token). */
const MAX_ID_LENGTH = 4_096;
/** Longest free text accepted (a condition's expression or title). */
const MAX_TEXT_LENGTH = 65_536;

// C0 and C1 controls, DEL, bidirectional and zero-width format characters, line and paragraph separators.
const CONTROL_IN_ID = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/;
// The same, except tab and line breaks, which a condition expression may hold.
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/;

const where = (at: string) => at || "the answer";

/** An identifier: a string without control or format characters, at most 4 KiB. */
export const id: Shape = (value, at) => {
  if (typeof value !== "string") return `${where(at)}: expected a string`;
  if (value.length > MAX_ID_LENGTH) return `${where(at)}: longer than ${MAX_ID_LENGTH} characters`;
  if (CONTROL_IN_ID.test(value)) return `${where(at)}: holds a control character`;
  return undefined;
};

/** Free text: may span lines; no other control characters; at most 64 KiB. */
export const text: Shape = (value, at) => {
  if (typeof value !== "string") return `${where(at)}: expected a string`;
  if (value.length > MAX_TEXT_LENGTH) return `${where(at)}: longer than ${MAX_TEXT_LENGTH} characters`;
  if (CONTROL_IN_TEXT.test(value)) return `${where(at)}: holds a control character`;
  return undefined;
};

export const bool: Shape = (value, at) => (typeof value === "boolean" ? undefined : `${where(at)}: expected true or false`);

export const integer: Shape = (value, at) => (Number.isSafeInteger(value) ? undefined : `${where(at)}: expected an integer`);

/** A string matching `pattern` (anchored by the caller). */
export function matching(pattern: RegExp, what: string): Shape {
  return (value, at) => id(value, at) ?? (pattern.test(value as string) ? undefined : `${where(at)}: expected ${what}`);
}

export function oneOf(...values: readonly string[]): Shape {
  return (value, at) => (typeof value === "string" && values.includes(value) ? undefined : `${where(at)}: expected one of ${values.join(", ")}`);
}

export function list(item: Shape): Shape {
  return (value, at) => {
    if (!Array.isArray(value)) return `${where(at)}: expected a list`;
    for (let i = 0; i < value.length; i++) {
      const problem = item(value[i], `${at}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  };
}

/**
 * An object with `required` fields and `optional` ones (absent or null: the reader treats both as
 * absent). Other fields are not looked at.
 */
export function record(required: Record<string, Shape>, optional: Record<string, Shape> = {}): Shape {
  return (value, at) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return `${where(at)}: expected an object`;
    const fields = value as Record<string, unknown>;
    const path = (key: string) => (at ? `${at}.${key}` : key);
    for (const [key, shape] of Object.entries(required)) {
      if (!Object.hasOwn(fields, key)) return `${path(key)}: missing`;
      const problem = shape(fields[key], path(key));
      if (problem) return problem;
    }
    for (const [key, shape] of Object.entries(optional)) {
      if (!Object.hasOwn(fields, key) || fields[key] === null) continue;
      const problem = shape(fields[key], path(key));
      if (problem) return problem;
    }
    return undefined;
  };
}

/** An object used as a map: every value fits `item` (keys are checked as identifiers). */
export function dictionary(item: Shape): Shape {
  return (value, at) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return `${where(at)}: expected an object`;
    for (const [key, entry] of Object.entries(value)) {
      const problem = id(key, `${at}{key}`) ?? item(entry, `${at}.${key.length <= 64 && !CONTROL_IN_ID.test(key) ? key : "(key)"}`);
      if (problem) return problem;
    }
    return undefined;
  };
}

/** Fits `first` or `second`; the problem named is `first`'s. */
export function either(first: Shape, second: Shape): Shape {
  return (value, at) => {
    const problem = first(value, at);
    return problem && second(value, at) ? problem : undefined;
  };
}
