import fc from "fast-check";

/**
 * Structure-aware mutation of JSON documents for the fuzz tests: pick a path that exists in a
 * real plan or cdk.tf.json, and replace, delete, retype or duplicate what is there. Random JSON
 * alone almost never looks like a plan; mutating real ones reaches deep into the readers.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Path = Array<string | number>;

/** Every path in the document, parents before children (bounded, so huge fixtures stay cheap). */
export function pathsOf(doc: Json, limit = 20_000): Path[] {
  const out: Path[] = [];
  const stack: Array<[Json, Path]> = [[doc, []]];
  while (stack.length && out.length < limit) {
    const [value, path] = stack.pop()!;
    out.push(path);
    if (Array.isArray(value)) value.forEach((v, i) => stack.push([v, [...path, i]]));
    else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) stack.push([v, [...path, k]]);
  }
  return out;
}

function getAt(doc: Json, path: Path): Json | undefined {
  let current: Json | undefined = doc;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, Json>)[key];
  }
  return current;
}

/** A copy of doc with the value at path replaced (undefined: removed). The root cannot be removed. */
export function setAt(doc: Json, path: Path, value: Json | undefined): Json {
  if (path.length === 0) return value === undefined ? null : value;
  const [head, ...rest] = path;
  if (Array.isArray(doc)) {
    const copy = doc.slice();
    const i = head as number;
    if (rest.length === 0 && value === undefined) copy.splice(i, 1);
    else copy[i] = setAt(copy[i] ?? null, rest, value);
    return copy;
  }
  if (doc !== null && typeof doc === "object") {
    const copy: Record<string, Json> = { ...doc };
    const k = String(head);
    if (rest.length === 0 && value === undefined) delete copy[k];
    else copy[k] = setAt(copy[k] ?? null, rest, value);
    return copy;
  }
  return doc;
}

/** Values that break assumptions: wrong types, references, broken templates, control characters. */
export const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(
    null, true, false, 0, -1, 1e308, "", " ", "null", "true", "[]", "{}", {}, [], [null], [[]], [{}], { "": null },
    "${google_service_account.a.email}",
    "${google_service_account.nodes.email}",
    "serviceAccount:${google_service_account.gke_nodes.email}",
    "${data.google_project.this.number}",
    "${var.missing}", "${local.missing}", "${module.m.out}", "${each.key}", "${count.index}", "${self.id}",
    "${", "${}", "${{}", "}", "$${x}", "$${", "${\"}\"}", "${a[\"x\"].b}", "${1.2}", "${a.b[0]}", "${a.b[\"k\"].c}", "${upper(var.x)}",
    "roles/container.defaultNodeServiceAccount", "roles/container.serviceAgent", "roles/owner", "roles/editor",
    "container.googleapis.com", "compute.googleapis.com",
    "projects/", "projects/acme-prod", "serviceAccount:", "serviceAccount:a@b", "deleted:serviceAccount:x@y?uid=1",
    "\u001b[2J\u001b[31mred", "\u0000", "\ud800", "\u202e", "<script>", "]]>", "`", "|", "@here",
    "__proto__", "constructor", "toString", "hasOwnProperty",
    "ya29.a0AfH6SMBx-fake-token", "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----",
    ["create"], ["delete", "create"], ["delete"], ["no-op"], ["read"], ["update"], ["forget"], ["nonsense"],
  ),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
);

export type Mutation =
  | { kind: "replace"; at: number; value: Json }
  | { kind: "delete"; at: number }
  | { kind: "wrap"; at: number }
  | { kind: "unwrap"; at: number }
  | { kind: "duplicate"; at: number; into: number };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("replace" as const), at: fc.nat(), value: hostileValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("delete" as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("wrap" as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("unwrap" as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("duplicate" as const), at: fc.nat(), into: fc.nat() }) },
);

/** Applies mutations one after another; `at` indexes the paths of the document as it is then. */
export function applyMutations(doc: Json, mutations: readonly Mutation[]): Json {
  let current = doc;
  for (const m of mutations) {
    const paths = pathsOf(current);
    const path = paths[m.at % paths.length];
    const here = getAt(current, path) ?? null;
    switch (m.kind) {
      case "replace":
        current = setAt(current, path, m.value);
        break;
      case "delete":
        if (path.length) current = setAt(current, path, undefined);
        break;
      case "wrap": // a single block written as a list, or a value where a list was expected
        current = setAt(current, path, [here]);
        break;
      case "unwrap":
        current = setAt(current, path, Array.isArray(here) ? (here[0] ?? null) : here);
        break;
      case "duplicate": {
        // Copy a subtree somewhere else: same resource twice, a value where another was.
        const target = paths[m.into % paths.length];
        if (!isPrefix(target, path) && !isPrefix(path, target)) current = setAt(current, target, here);
        break;
      }
    }
  }
  return current;
}

function isPrefix(prefix: Path, path: Path): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => path[i] === p);
}
