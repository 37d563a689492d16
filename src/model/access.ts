import type { Value, Values } from "./types";
import { isUnknown, Unknown } from "./unknown";

/**
 * Terraform JSON accepts a single nested block written as an object or as a one-element
 * array, and plans always write arrays. These helpers read both shapes the same way.
 */
export function blocks(value: Value | undefined): Values[] {
  if (value === undefined || value === null || isUnknown(value)) return [];
  if (Array.isArray(value)) return value.filter(isObject);
  return isObject(value) ? [value] : [];
}

export function block(value: Value | undefined): Values | undefined {
  return blocks(value)[0];
}

export function isObject(value: unknown): value is Values {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !isUnknown(value);
}

/** Follows a path of attribute / block names, taking the first element of block lists. */
export function attribute(values: Values | undefined, ...path: string[]): Value | undefined {
  let current: Value | undefined = values;
  for (const key of path) {
    if (isUnknown(current)) return current;
    const object: Values | undefined = Array.isArray(current) ? block(current) : isObject(current) ? current : undefined;
    if (!object) return undefined;
    current = object[key];
  }
  return current;
}

/** A string attribute: the string, an {@link Unknown}, or undefined when absent/null. */
export function stringAttribute(values: Values | undefined, ...path: string[]): string | Unknown | undefined {
  const value = attribute(values, ...path);
  if (typeof value === "string" || isUnknown(value)) return value;
  if (typeof value === "number") return String(value);
  return undefined;
}

/** A boolean attribute (Terraform JSON may write booleans as strings). */
export function booleanAttribute(values: Values | undefined, ...path: string[]): boolean | Unknown | undefined {
  const value = attribute(values, ...path);
  if (typeof value === "boolean" || isUnknown(value)) return value;
  if (value === "true") return true;
  if (value === "false") return false;
  return undefined;
}

/** A list of strings; unknown elements stay unknown. A whole unknown list is returned as is. */
export function stringList(values: Values | undefined, ...path: string[]): Array<string | Unknown> | Unknown | undefined {
  const value = attribute(values, ...path);
  if (isUnknown(value)) return value;
  if (!Array.isArray(value)) return undefined;
  return value.flatMap((item) => (typeof item === "string" || isUnknown(item) ? [item] : []));
}
