import fc from "fast-check";
import { jsonLocator, jsonSpanLocator, parsePointer } from "../../src/text/json-position";

const findPointerSpan = (text: string, pointer: string) => jsonSpanLocator(text)(pointer);

describe("json-position", () => {
  const text = '{\r\n  "a": {"b/c": [10, {"x~y": "v\\"q"}], "b/c2": 1},\n  "dup": 1, "dup": {"k": true}\n}';

  it("finds member names and array elements, with escaped pointer tokens and CRLF lines", () => {
    const at = jsonLocator(text);
    expect(at("/a")).toEqual({ startLine: 2, startColumn: 3, endLine: 2, endColumn: 6 });
    expect(at("/a/b~1c/1")).toEqual({ startLine: 2, startColumn: 21, endLine: 2, endColumn: 36 });
    expect(at("/a/b~1c/1/x~0y")).toEqual({ startLine: 2, startColumn: 22, endLine: 2, endColumn: 27 });
    expect(at("")).toEqual({ startLine: 1, startColumn: 1, endLine: 4, endColumn: 2 });
  });

  it("skips strings that end in escaped backslashes or hold escaped quotes, and counts LF-only lines", () => {
    const lf = '{\n  "a": ["x\\\\", "\\"]\\\\", {"q": "\\\\\\""}],\n  "b": {\n    "c": 1\n  }\n}';
    expect(JSON.parse(lf)).toEqual({ a: ["x\\", '"]\\', { q: '\\"' }], b: { c: 1 } });
    const at = jsonLocator(lf);
    expect(at("/b")).toEqual({ startLine: 3, startColumn: 3, endLine: 3, endColumn: 6 });
    expect(at("/b/c")).toEqual({ startLine: 4, startColumn: 5, endLine: 4, endColumn: 8 });
    expect(findPointerSpan(lf, "/a/2")).toEqual({ start: lf.indexOf('{"q"'), end: lf.indexOf("}]") + 1 });
    expect(at("/a")).toEqual({ startLine: 2, startColumn: 3, endLine: 2, endColumn: 6 });
  });

  it("takes the last of duplicate names, as JSON.parse does", () => {
    expect(jsonLocator(text)("/dup/k")?.startLine).toBe(3);
    expect(findPointerSpan(text, "/dup")).toEqual({ start: text.lastIndexOf('"dup"'), end: text.lastIndexOf('"dup"') + 5 });
  });

  it("answers undefined for what is not there or not a pointer", () => {
    const at = jsonLocator(text);
    expect(at("/a/b~1c/2")).toBeUndefined();
    expect(at("/a/zz")).toBeUndefined();
    expect(at("/a/b~1c/01")).toBeUndefined();
    expect(at("a")).toBeUndefined();
    expect(jsonLocator("{ broken")("/x")).toBeUndefined();
    expect(parsePointer("/~01")).toEqual(["~1"]);
  });

  it("agrees with JSON.parse on generated documents: the span holds the designated value", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.integer({ min: 0, max: 2 }), (value, indent) => {
        const json = JSON.stringify(value, null, indent);
        for (const [pointer, expected] of pointers(value)) {
          const span = findPointerSpan(json, pointer);
          expect(span).toBeDefined();
          const slice = json.slice(span!.start, span!.end);
          const last = pointer.split("/").pop()!;
          // A member name span holds the name; an element span holds the value.
          if (isMemberPointer(value, pointer)) expect(JSON.parse(slice)).toBe(last.replace(/~1/g, "/").replace(/~0/g, "~"));
          // Compared through JSON: -0 is written as 0.
          else expect(JSON.parse(slice)).toEqual(JSON.parse(JSON.stringify(expected)));
        }
      }),
      { numRuns: 200 },
    );
  });
});

function pointers(value: unknown, prefix = ""): [string, unknown][] {
  const out: [string, unknown][] = [[prefix, value]];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pointers(v, `${prefix}/${i}`)));
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) out.push(...pointers(v, `${prefix}/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`));
  }
  return out;
}

function isMemberPointer(root: unknown, pointer: string): boolean {
  if (pointer === "") return false;
  const parts = pointer.slice(1).split("/");
  let parent: unknown = root;
  for (const p of parts.slice(0, -1)) parent = (parent as Record<string, unknown>)[p.replace(/~1/g, "/").replace(/~0/g, "~")];
  return !Array.isArray(parent);
}
