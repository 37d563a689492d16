import { InputError, quoted } from "../../src/inputs/input-error";
import { modelFromPlan } from "../../src/inputs/plan-json";
import { modelFromTerraformJson } from "../../src/inputs/terraform-json";
import { parseJsonBytes, syntaxErrorDetail } from "../../src/inputs/read-json";
import { MAX_NAME_LENGTH, MAX_NESTING } from "../../src/inputs/nesting";
import { parseReference, referencesIn } from "../../src/model/expressions";
import { isUnknown, type Unknown } from "../../src/model/unknown";
import { boundFindingText, MAX_FINDING_TEXT } from "../../src/engine/bounded-text";
import type { Finding } from "../../src/rules/types";
import { MEGABYTE_STRINGS } from "./large-inputs";

/** One test per crash or hang the robustness work found, in-process, so each stays fixed. */

const deep = (levels: number, leaf: unknown): unknown => {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
};

function inputError(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
  throw new Error("no InputError");
}

test("parseReference on a reference string without any name (was: TypeError)", () => {
  for (const text of ["", "[", "[0]", ".", "..", '["x"]', "-"]) expect(() => parseReference(text)).not.toThrow();
});

test("a plan that is not an object, or whose format_version is not a string (was: TypeError)", () => {
  expect(inputError(() => modelFromPlan(null, "p.json"))).toBe("p.json: expected a JSON object at the top of a Terraform plan");
  expect(inputError(() => modelFromPlan({ format_version: { toString: "x" } }, "p.json"))).toMatch(/^p\.json: has plan format_version \(a JSON object\)/);
});

test(`values nested ${MAX_NESTING.toLocaleString("en-US")} levels are read; deeper is one InputError (was: stack overflow)`, () => {
  const plan = (levels: number) => ({ format_version: "1.2", resource_changes: [{ address: "google_x.a", type: "google_x", name: "a", change: { actions: ["create"], after: deep(levels, 1), after_unknown: deep(levels, true) } }] });
  expect(() => modelFromPlan(plan(MAX_NESTING - 5), "p.json")).not.toThrow();
  expect(inputError(() => modelFromPlan(plan(10_000), "p.json"))).toMatch(/nests objects and arrays more than 1000 levels deep/);
  expect(inputError(() => modelFromTerraformJson({ resource: { google_x: { a: { v: deep(10_000, "x") } } } }, { file: "c.json" }))).toMatch(/more than 1000 levels/);
});

test(`names up to ${MAX_NAME_LENGTH.toLocaleString("en-US")} characters are read; longer is one InputError (was: minutes in address regexes)`, () => {
  const plan = (address: string) => ({ format_version: "1.2", resource_changes: [{ address, type: "google_x", name: "a", change: { actions: ["create"], after: {} } }] });
  expect(modelFromPlan(plan(`google_x.${"a".repeat(MAX_NAME_LENGTH - 9)}`), "p.json").resources).toHaveLength(1);
  expect(inputError(() => modelFromPlan(plan("[".repeat(1 << 20)), "p.json"))).toMatch(/has a name in "address" 1,048,576 characters long/);
  expect(inputError(() => modelFromTerraformJson({ resource: { google_x: { ["[".repeat(1 << 20)]: {} } } }, { file: "c.json" }))).toMatch(/has a key 1,048,576 characters long/);
});

test("a chain of 20,000 references resolves, ending in an Unknown that says why (was: stack overflow)", () => {
  const accounts: Record<string, unknown> = {};
  for (let i = 0; i < 20_000; i++) accounts[`a${i}`] = { account_id: i === 19_999 ? "end" : `\${google_service_account.a${i + 1}.account_id}`, project: "p" };
  const model = modelFromTerraformJson({ resource: { google_service_account: accounts } }, { file: "c.json" });
  const first = model.byAddress.get("google_service_account.a0")!.values.account_id;
  expect(isUnknown(first) && (first as Unknown).reason).toMatch(/chain of references too long to follow/);
  expect(model.byAddress.get("google_service_account.a19998")!.values.account_id).toBe("end");
});

test("local and variable cycles end in an Unknown naming the cycle (was: stack overflow)", () => {
  const model = modelFromTerraformJson(
    { locals: { a: "${local.b}", b: "${local.a}", self: "${local.self}" }, variable: { v: { default: "${var.v}" } }, resource: { google_x: { r: { a: "${local.a}", s: "${local.self}", v: "${var.v}" } } } },
    { file: "c.json" },
  );
  for (const value of Object.values(model.byAddress.get("google_x.r")!.values)) expect(isUnknown(value) && (value as Unknown).reason).toMatch(/reference cycle/);
});

test("names of Object.prototype members in references read nothing from it", () => {
  const model = modelFromTerraformJson(
    { locals: { x: "1" }, resource: { google_service_account: { a: { account_id: "a", project: "p" } }, google_x: { r: { c: "${var.constructor}", p: "${local.__proto__}", t: "${local.toString}", a: "${google_service_account.a.constructor}", h: "${google_service_account.a.hasOwnProperty}" } } } },
    { file: "c.json" },
  );
  for (const value of Object.values(model.byAddress.get("google_x.r")!.values)) {
    expect(typeof value).not.toBe("function");
    expect(isUnknown(value)).toBe(true);
  }
});

test("reference scanning is linear on megabyte strings of every adversarial shape (was: quadratic, minutes)", () => {
  for (const text of Object.values(MEGABYTE_STRINGS)) expect(Array.isArray(referencesIn(text))).toBe(true);
  // 100,000 references in one expression (was: quadratic most-specific filter).
  const refs = Array.from({ length: 100_000 }, (_, i) => `google_service_account.a${i}.email`);
  const plan = {
    format_version: "1.2",
    resource_changes: [{ address: "google_container_cluster.c", type: "google_container_cluster", name: "c", change: { actions: ["create"], after: { node_config: [{}] }, after_unknown: { node_config: [{ service_account: true }] } } }],
    configuration: { root_module: { resources: [{ address: "google_container_cluster.c", type: "google_container_cluster", name: "c", expressions: { node_config: [{ service_account: { references: refs } }] } }] } },
  };
  expect(modelFromPlan(plan, "p.json").resources).toHaveLength(1);
});

test("a JSON syntax error says where, never what (V8 quotes the text, which may be a token)", () => {
  const text = '{"k": ya29.a0AfH6SMBx-secret}';
  let message = "";
  try {
    JSON.parse(text);
  } catch (error) {
    message = syntaxErrorDetail(error, text);
  }
  expect(message).toBe("Unexpected token 'y'");
  expect(inputError(() => parseJsonBytes(Buffer.from(text), "t.json"))).not.toContain("ya29");
  expect(inputError(() => parseJsonBytes(Buffer.from('{\n  "a": 1,\n  "b": x\n}'), "t.json"))).toMatch(/Unexpected token 'x'|line 3/);
  expect(inputError(() => parseJsonBytes(Buffer.from('{"a":\n"b\u0001"}'), "t.json"))).toMatch(/Bad control character in string literal at line 2, column 3/);
});

test("an InputError is one safe line of bounded length, whatever the input put in it", () => {
  const error = new InputError("f\u001b[31m.json", `has \u001b]0;x\u0007 a\nforged line ${"x".repeat(10_000)}`);
  expect(error.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  expect(error.message.length).toBeLessThanOrEqual(2_000);
  expect(error.message.startsWith("f.json: has ]0;x a forged line")).toBe(true);
  expect(quoted("a\nb".repeat(100))).toHaveLength(82);
});

test("a finding's strings are cut at 4,096 characters, saying so (was: 150 MB reports, out of memory)", () => {
  const long = "x".repeat(MAX_FINDING_TEXT * 3);
  const finding = { ruleId: "GKE001", message: long, remediation: { summary: "s", gcloud: [long], cdktf: "", hcl: "" }, details: { identity: long, list: [long] } } as unknown as Finding;
  const cut = boundFindingText(finding) as unknown as { message: string; remediation: { gcloud: string[] }; details: { identity: string; list: string[] } };
  for (const text of [cut.message, cut.remediation.gcloud[0], cut.details.identity, cut.details.list[0]]) {
    expect(text.startsWith("x".repeat(MAX_FINDING_TEXT))).toBe(true);
    expect(text.endsWith("… [8,192 more characters not shown]")).toBe(true);
  }
  const short = { ruleId: "GKE001", message: "m", remediation: { summary: "", gcloud: [], cdktf: "", hcl: "" } } as unknown as Finding;
  expect(boundFindingText(short)).toBe(short);
});
