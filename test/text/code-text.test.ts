import * as ts from "typescript";
import { commentText, hclReference, hclString, literalOr, tsString } from "../../src/text/code-text";
import { Unknown } from "../../src/model/unknown";

const evaluate = (literal: string) => {
  const out = ts.transpileModule(`module.exports = ${literal};`, { compilerOptions: { module: ts.ModuleKind.CommonJS } }).outputText;
  const m = { exports: undefined as unknown };
  new Function("module", out)(m);
  return m.exports;
};

const values = ["plain", 'q"uote', "back\\slash", "line\nbreak\r\n", "tab\t", "\u0000\u0007\u001b[2J", "\u007f\u0085\u009b", "sep\u2028\u2029", "bidi\u202e\u2066", "bom\ufeff", "${x}", "`tick`", "emoji 😀", "lone \ud800"];

describe("tsString", () => {
  test.each(values)("%j is a TypeScript string literal of exactly itself, with nothing invisible in it", (value) => {
    const literal = tsString(value);
    expect(evaluate(literal)).toBe(value);
    // eslint-disable-next-line no-control-regex
    expect(literal).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/);
  });
});

describe("hclString", () => {
  test.each([
    ["plain", '"plain"'],
    ['a"b\\c', '"a\\"b\\\\c"'],
    ["a\nb\tc\rd", '"a\\nb\\tc\\rd"'],
    ["\b\f", '"\\u0008\\u000c"'],
    ["${var.x}", '"$${var.x}"'],
    ["%{if x}y%{endif}", '"%%{if x}y%%{endif}"'],
    ["$$", '"$$"'],
    ["$x %x", '"$x %x"'],
    ["\u202e", '"\\u202e"'],
  ])("%j → %s", (value, hcl) => {
    expect(hclString(value)).toBe(hcl);
  });
});

describe("commentText", () => {
  test("stays on its line and cannot end a block comment", () => {
    expect(commentText("a\nb\r\u2028c")).toBe("a\\nb\\r\\u2028c");
    expect(commentText("x */ y")).toBe("x *\\/ y");
    expect(commentText("google_container_cluster.primary")).toBe("google_container_cluster.primary");
  });
});

describe("hclReference", () => {
  test.each([
    ["google_service_account.nodes", "google_service_account.nodes"],
    ["module.gke.google_service_account.nodes", "module.gke.google_service_account.nodes"],
    ['google_service_account.nodes["a"]', 'google_service_account.nodes["a"]'],
    ["google_service_account.nodes[0]", "google_service_account.nodes[0]"],
    ["google_service_account.nodes\nINJECTED", undefined],
    ['google_service_account.nodes["${x}"]', undefined],
    ["google_service_account.", undefined],
    ["nodes", undefined],
    ["google_service_account.9x", undefined],
    ["a.b c", undefined],
  ])("%j → %j", (address, reference) => {
    expect(hclReference(address)).toBe(reference);
  });
});

test("literalOr: a value that is not a string or number is the placeholder, not [object Object]", () => {
  expect(literalOr("primary", "CLUSTER_NAME")).toBe("primary");
  expect(literalOr(3, "X")).toBe("3");
  expect(literalOr(new Unknown("known after apply"), "CLUSTER_NAME")).toBe("CLUSTER_NAME");
  expect(literalOr(undefined, "LOCATION")).toBe("LOCATION");
  expect(literalOr(["a"], "LOCATION")).toBe("LOCATION");
  expect(literalOr("", "LOCATION")).toBe("LOCATION");
});
