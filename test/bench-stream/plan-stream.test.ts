import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { modelFromPlan } from "../../src/inputs/plan-json";
import { InputError } from "../../src/inputs/input-error";
import { looksLikePlanFile, modelFromPlanFile } from "../../src/inputs/stream/plan-stream";
import { loadInputs, modelFromJson } from "../../src/inputs/load";
import { readJsonFile } from "../../src/inputs/read-json";
import type { Model } from "../../src/model/types";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { generate } = require("../../bench/generate.js") as { generate: (args: Record<string, unknown>) => { out: string } };

const CORPUS = join(__dirname, "..", "fixtures", "corpus");
const corpusPlans = readdirSync(CORPUS).filter((f) => f.endsWith(".tfplan.json"));

/** Everything a model says, as plain JSON (Unknown leaves render through their toJSON). */
function snapshot(model: Model): unknown {
  return JSON.parse(JSON.stringify({ ...model, byAddress: [...model.byAddress.keys()], byType: [...model.byType.keys()], providers: [...model.providers.values()] }));
}

describe("streaming plan reader", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "plan-stream-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(corpusPlans)("gives the same model as JSON.parse for corpus plan %s, in 7-byte chunks", (name) => {
    const file = join(CORPUS, name);
    const expected = modelFromPlan(JSON.parse(readFileSync(file, "utf8")), file);
    expect(snapshot(modelFromPlanFile(file, 7))).toEqual(snapshot(expected));
  });

  it.each([
    ["monorepo", { resources: 400, seed: 3 }],
    ["quadratic", { shape: "quadratic", pools: 200, members: 200 }],
  ])("gives the same model as JSON.parse for a generated %s plan, whatever the chunk size", (label, options) => {
    const file = join(dir, `${label}.plan.json`);
    generate({ resources: 1000, format: "plan", seed: 1, shape: "monorepo", pools: 0, members: 0, ...options, out: file });
    const expected = snapshot(modelFromPlan(JSON.parse(readFileSync(file, "utf8")), file));
    for (const chunk of [4096, 65536, 1 << 20]) expect(snapshot(modelFromPlanFile(file, chunk))).toEqual(expected);
  });

  it("keeps only data sources of prior_state, at their original positions, and reads the same model as JSON.parse", () => {
    const file = join(dir, "prior.plan.json");
    const plan = {
      format_version: "1.2",
      resource_changes: [],
      planned_values: { root_module: { resources: [{ address: "google_project.p", mode: "managed" }] } },
      prior_state: {
        values: {
          root_module: {
            resources: [{ address: "google_project.p", mode: "managed" }, { address: "data.google_project.d", mode: "data", type: "google_project", name: "d", values: { number: "1" } }],
            child_modules: [{ address: "module.m", resources: [{ address: "module.m.data.google_project.e", mode: "data", type: "google_project", name: "e", values: {} }] }],
          },
        },
      },
    };
    writeFileSync(file, JSON.stringify(plan));
    const model = modelFromPlanFile(file, 5);
    expect(snapshot(model)).toEqual(snapshot(modelFromPlan(plan, file)));
    expect(model.resources.map((r) => [r.address, r.location.pointer])).toEqual([
      ["data.google_project.d", "/prior_state/values/root_module/resources/1"],
      ["module.m.data.google_project.e", "/prior_state/values/root_module/child_modules/0/resources/0"],
      // in planned_values only: read back from where it lies, as JSON.parse of the file has it
      ["google_project.p", "/planned_values/root_module/resources/0"],
    ]);
  });

  it("keeps keys named __proto__ or constructor as data, exactly as JSON.parse does", () => {
    const file = join(dir, "proto.plan.json");
    const text = JSON.stringify({
      format_version: "1.2",
      planned_values: { root_module: { resources: [{ address: "google_project.p", mode: "managed", type: "google_project", name: "p", values: { labels: { constructor: "x" } } }] } },
      resource_changes: [{ address: "google_project.p", mode: "managed", type: "google_project", name: "p", change: { actions: ["create"], before: null, after: { project_id: "p", labels: { constructor: "x" } }, after_unknown: { number: true } } }],
    }).replace('"format_version"', '"__proto__":{"polluted":true},"format_version"');
    writeFileSync(file, text);
    const expected = snapshot(modelFromPlan(JSON.parse(text), file));
    expect(snapshot(modelFromPlanFile(file, 3))).toEqual(expected);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("reads planned_values when a plan has no resource_changes (oldest formats)", () => {
    const file = join(dir, "old.plan.json");
    const plan = {
      format_version: "0.1",
      planned_values: { root_module: { child_modules: [{ address: "module.g", resources: [{ address: "module.g.google_container_cluster.c", mode: "managed", type: "google_container_cluster", name: "c", values: { name: "c" } }] }] } },
    };
    writeFileSync(file, JSON.stringify(plan));
    const expected = snapshot(modelFromPlan(plan, file));
    expect(snapshot(modelFromPlanFile(file, 3))).toEqual(expected);
  });

  it("tells plan files from other JSON by their first bytes", () => {
    const write = (name: string, content: string | Buffer) => {
      const file = join(dir, name);
      writeFileSync(file, content);
      return file;
    };
    for (const name of corpusPlans) expect(looksLikePlanFile(join(CORPUS, name))).toBe(true);
    expect(looksLikePlanFile(write("pretty.json", '\uFEFF\n  {\n  "format_version" : "1.2"}'))).toBe(true);
    expect(looksLikePlanFile(write("tf.json", '{"//":{},"resource":{}}'))).toBe(false);
    expect(looksLikePlanFile(write("late.json", '{"terraform_version":"1.9.8","format_version":"1.2"}'))).toBe(false);
    expect(looksLikePlanFile(write("empty.json", ""))).toBe(false);
  });

  it.each([
    ["utf16.json", Buffer.from([0xff, 0xfe, 0x7b, 0x00]), "is UTF-16 encoded"],
    ["binary.json", Buffer.from([0x7b, 0x00, 0x01, 0x02]), "is a binary file"],
    ["empty.json", Buffer.alloc(0), "is empty"],
  ])("rejects %s with the whole-file reader's message", (name, bytes, message) => {
    const file = join(dir, name);
    writeFileSync(file, bytes);
    expect(() => modelFromPlanFile(file)).toThrow(InputError);
    expect(() => modelFromPlanFile(file)).toThrow(`${file}: ${message}`);
  });

  it.each([
    ['{"format_version":"1.2","resource_changes":[{"address":"a"', "is not valid JSON (unexpected end of JSON at byte"],
    ['{"format_version":"1.2","resource_changes":[{"address":a}]}', "is not valid JSON (invalid JSON value at .resource_changes[0]"],
    ['{"resource":{"google_project":{}}}', "is not a Terraform plan in JSON"],
  ])("rejects a bad file with one InputError line naming it", (text, message) => {
    const file = join(dir, "bad.json");
    writeFileSync(file, text);
    let error: unknown;
    try {
      modelFromPlanFile(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message.startsWith(`${file}: `)).toBe(true);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain("\n");
  });
});

describe("every plan is streamed, with the whole-file reader's checks", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "plan-stream-checks-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, content: string | Buffer) => {
    const file = join(dir, name);
    writeFileSync(file, content);
    return file;
  };
  const errorOf = (read: () => unknown): string => {
    try {
      read();
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      return (error as Error).message;
    }
    throw new Error("no error");
  };
  const rc = '"resource_changes":[{"address":"google_project.p","mode":"managed","type":"google_project","name":"p","change":{"actions":["create"],"before":null,"after":{"project_id":"p"},"after_unknown":{}}}]';

  // What JSON.parse of the whole file rejects in the parts the model never reads, the streaming
  // reader rejects too; loadInputs then says it in the whole-file reader's words.
  it.each<[string, string | Buffer]>([
    ["invalid JSON inside planned_values", `{"format_version":"1.2","planned_values":{"root_module":{"x":tru}},${rc}}`],
    ["a raw line break inside a string of planned_values", `{"format_version":"1.2","planned_values":{"root_module":{"resources":[{"x":"a\nb"}]}},${rc}}`],
    ["invalid UTF-8 inside planned_values", Buffer.concat([Buffer.from('{"format_version":"1.2","planned_values":{"x":"'), Buffer.from([0xc3, 0x28]), Buffer.from(`"},${rc}}`)])],
    ["a UTF-8 character cut off at the end", Buffer.concat([Buffer.from(`{"format_version":"1.2",${rc}} `), Buffer.from([0xe2, 0x82])])],
    ["a NUL byte inside a string no one reads", `{"format_version":"1.2","checks":["\u0000"],${rc}}`],
    ["nesting deeper than 1,000 levels in planned_values", `{"format_version":"1.2","planned_values":{"x":${"[".repeat(1001)}${"]".repeat(1001)}},${rc}}`],
    ["nesting deeper than 1,000 levels in a resource change", `{"format_version":"1.2","resource_changes":[{"x":${"[".repeat(1000)}${"]".repeat(1000)}}]}`],
    ["a key longer than 4,096 characters in a part no one reads", `{"format_version":"1.2","relevant_attributes":[{"${"k".repeat(5000)}":1}],${rc}}`],
    ["an address longer than 4,096 characters in planned_values", `{"format_version":"1.2","planned_values":{"root_module":{"resources":[{"address":"${"a".repeat(5000)}"}]}},${rc}}`],
    ["a top-level key longer than 4,096 characters", `{"format_version":"1.2","${"k".repeat(5000)}":1,${rc}}`],
    ["a raw tab in a top-level key", `{"format_version":"1.2","a\tb":1,${rc}}`],
    ["content after the plan", `{"format_version":"1.2",${rc}} x`],
    ["a format_version this reader does not know", `{"format_version":"9.0",${rc}}`],
    ["a truncated plan", `{"format_version":"1.2",${rc}`],
  ])("%s", (_label, content) => {
    const file = write("bad.json", content);
    const whole = errorOf(() => modelFromJson(readJsonFile(file), file));
    expect(errorOf(() => modelFromPlanFile(file, 7)).startsWith(`${file}: `)).toBe(true);
    expect(errorOf(() => loadInputs(file))).toBe(whole);
  });

  it.each<[string, string]>([
    ["a later resource_changes replaces an earlier one", `{"format_version":"1.2","resource_changes":[{"address":"google_project.q","type":"google_project","change":{"actions":["create"],"after":{}}}],${rc}}`],
    ["a later prior_state replaces an earlier one", `{"format_version":"1.2",${rc},"prior_state":{"values":{"root_module":{"resources":[{"address":"data.google_project.d","mode":"data","type":"google_project","name":"d","values":{}}]}}},"prior_state":null}`],
    ["child_modules written before resources", `{"format_version":"1.2","planned_values":{"root_module":{"child_modules":[{"resources":[{"address":"module.m.google_project.c","mode":"managed","type":"google_project","name":"c","values":{}}]}],"resources":[{"address":"google_project.r","mode":"managed","type":"google_project","name":"r","values":{}}]}}}`],
    ["text in several scripts and escapes, cut anywhere", `{"format_version":"1.2",${rc.replace('"project_id":"p"', '"project_id":"p","labels":{"k\\u00e9":"é€𝄞\\"\\\\\\\\","ü":"\\ud834\\udd1e"}')}}`],
  ])("%s: the same model as JSON.parse, whatever the chunk size", (_label, text) => {
    const file = write("odd.json", text);
    const expected = snapshot(modelFromPlan(JSON.parse(text), file));
    for (const chunk of [1, 2, 3, 5, 7, 4096]) expect(snapshot(modelFromPlanFile(file, chunk))).toEqual(expected);
    expect(snapshot(loadInputs(file)[0])).toEqual(expected);
  });
});
