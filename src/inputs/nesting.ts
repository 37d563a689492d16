import { InputError } from "./input-error";

/**
 * Deepest nesting of objects and arrays a reader accepts. Real plans and cdk.tf.json stay
 * under 40 levels (module calls and nested blocks); the readers and the resolver recurse over
 * values, so a hostile file nested thousands of levels deep would overflow the call stack.
 */
export const MAX_NESTING = 1000;

/**
 * Longest object key, and longest string in a field that names something (addresses, types,
 * provider keys, depends_on and references entries). Real ones are under 300 characters. Names
 * are copied into many findings and matched with regular expressions, so a megabyte-long one
 * would multiply memory and time; values (a policy document, a startup script) are not limited.
 */
export const MAX_NAME_LENGTH = 4096;

/** Fields whose string value, or whose array of strings, names a resource, module or provider. */
const NAME_FIELDS = new Set(["address", "module_address", "previous_address", "provider_config_key", "provider_name", "type", "provider", "depends_on", "references"]);

/**
 * Throws an {@link InputError} when `json` nests deeper than {@link MAX_NESTING}, or holds a key
 * or a name longer than {@link MAX_NAME_LENGTH}. One iterative pass.
 */
export function assertNesting(json: unknown, file: string, limit = MAX_NESTING): void {
  assertTree(json, file, limit, 1);
}

/**
 * The checks of {@link assertNesting} for one value of a larger document, found under `key`
 * at `depth` (the document itself is at depth 1): for readers that parse a file piece by piece.
 */
export function assertNestingAt(value: unknown, file: string, key: string | number | undefined, depth: number): void {
  if (typeof key === "string") {
    if (key.length > MAX_NAME_LENGTH) throw tooLong(file, "a key", key.length);
    if (NAME_FIELDS.has(key)) assertNames(value, file, key);
  }
  assertTree(value, file, MAX_NESTING, depth);
}

const tooLong = (file: string, what: string, length: number) =>
  new InputError(file, `has ${what} ${length.toLocaleString("en-US")} characters long (at most ${MAX_NAME_LENGTH.toLocaleString("en-US")}); not a Terraform plan or configuration`);

function assertNames(item: unknown, file: string, key: string): void {
  const names = Array.isArray(item) ? item : [item];
  for (const name of names) if (typeof name === "string" && name.length > MAX_NAME_LENGTH) throw tooLong(file, `a name in "${key}"`, name.length);
}

function assertTree(json: unknown, file: string, limit: number, rootDepth: number): void {
  const stack: unknown[] = [json];
  const depths: number[] = [rootDepth];
  while (stack.length) {
    const value = stack.pop();
    const depth = depths.pop()!;
    if (depth > limit && value !== null && typeof value === "object") throw new InputError(file, `nests objects and arrays more than ${limit} levels deep; a Terraform plan or configuration never does`);
    if (Array.isArray(value)) {
      for (const item of value) {
        if (item !== null && typeof item === "object") {
          stack.push(item);
          depths.push(depth + 1);
        }
      }
    } else if (value !== null && typeof value === "object") {
      for (const key in value) {
        if (key.length > MAX_NAME_LENGTH) throw tooLong(file, "a key", key.length);
        const item = (value as Record<string, unknown>)[key];
        if (NAME_FIELDS.has(key)) assertNames(item, file, key);
        if (item !== null && typeof item === "object") {
          stack.push(item);
          depths.push(depth + 1);
        }
      }
    }
  }
}
