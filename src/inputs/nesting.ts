import { InputError } from "./input-error";

/**
 * Deepest nesting of objects and arrays a reader accepts. Real plans and cdk.tf.json stay
 * under 40 levels (module calls and nested blocks); the readers and the resolver recurse over
 * values, so a hostile file nested thousands of levels deep would overflow the call stack.
 */
export const MAX_NESTING = 1000;

/** Throws an {@link InputError} when `json` nests deeper than {@link MAX_NESTING}. Iterative. */
export function assertNesting(json: unknown, file: string, limit = MAX_NESTING): void {
  const stack: unknown[] = [json];
  const depths: number[] = [1];
  while (stack.length) {
    const value = stack.pop();
    const depth = depths.pop()!;
    if (depth > limit) throw new InputError(file, `nests objects and arrays more than ${limit} levels deep; a Terraform plan or configuration never does`);
    if (Array.isArray(value)) {
      for (const item of value) {
        if (item !== null && typeof item === "object") {
          stack.push(item);
          depths.push(depth + 1);
        }
      }
    } else if (value !== null && typeof value === "object") {
      for (const key in value) {
        const item = (value as Record<string, unknown>)[key];
        if (item !== null && typeof item === "object") {
          stack.push(item);
          depths.push(depth + 1);
        }
      }
    }
  }
}
