import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../src/cli/main";
import { jsonChunks, renderJson } from "../../src/report/json";
import { writeOutputs, type RenderContext } from "../../src/report/outputs";
import { renderOutput } from "../support/render-output";
import { defaultPolicy } from "../../src/report/policy";
import type { Report } from "../../src/report/types";
import { failGke001, hostile, passGke003, reportOf, unknownGke002, waivedGke003 } from "./fixtures/findings";

const all = reportOf([failGke001, unknownGke002, waivedGke003, passGke003, hostile]);
const ctx: RenderContext = { policy: defaultPolicy, includePass: true, color: false, baseDir: process.cwd() };

describe("JSON report layouts", () => {
  it("indented is JSON.stringify with two spaces, as before, also in pieces", () => {
    expect(renderJson(all, "indented")).toBe(`${JSON.stringify(all, null, 2)}\n`);
    const nested = { ...all, inputs: [], waivers: [{ state: "stale", waiver: { source: { file: "w.yaml", line: 3 }, tags: [[], {}, [1, [2]]] } }] } as unknown as Report;
    expect(renderJson(nested, "indented")).toBe(`${JSON.stringify(nested, null, 2)}\n`);
    expect([...jsonChunks(all, "indented")].length).toBeGreaterThan(all.findings.length);
  });

  it("lines holds the same content, one finding per line", () => {
    const text = renderJson(all, "lines");
    expect(JSON.parse(text)).toEqual(JSON.parse(renderJson(all, "indented")));
    const lines = text.split("\n");
    for (const f of all.findings) {
      expect(lines.filter((l) => l.includes(JSON.stringify(f.address)) && l.includes(JSON.stringify(f.ruleId)))).toHaveLength(1);
    }
    expect(text.endsWith("}\n")).toBe(true);
    expect(text.length).toBeLessThan(renderJson(all, "indented").length);
  });

  it("lines leaves out undefined members and keeps empty arrays and waivers as JSON.stringify does", () => {
    const report = { ...reportOf([]), waivers: undefined } as Report;
    expect(JSON.parse(renderJson(report, "lines"))).toEqual(JSON.parse(JSON.stringify(report)));
    const withWaivers = { ...all, waivers: [{ state: "stale" }, { state: "applied" }] } as unknown as Report;
    expect(JSON.parse(renderJson(withWaivers, "lines"))).toEqual(JSON.parse(JSON.stringify(withWaivers)));
  });

  it("lines renders values through their toJSON, as JSON.stringify does", () => {
    class Secret {
      toJSON(): string {
        return "(unknown until apply)";
      }
    }
    const report = reportOf([{ ...failGke001, details: { value: new Secret() } }]);
    expect(renderJson(report, "lines")).toContain('"value":"(unknown until apply)"');
  });

  it("comes in pieces, never the whole report as one string", () => {
    const many = reportOf(Array.from({ length: 50 }, (_, i) => ({ ...failGke001, address: `google_container_node_pool.p${i}` })));
    const chunks = [...jsonChunks(many, "lines")];
    expect(chunks.length).toBeGreaterThan(50);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(renderJson(many, "lines").length / 10);
    expect(chunks.join("")).toBe(renderJson(many, "lines"));
  });
});

describe("writeOutputs", () => {
  it("indents JSON for a terminal and writes one finding per line elsewhere", () => {
    expect(renderOutput("json", all, { ...ctx, terminal: true })).toBe(renderJson(all, "indented", ctx.policy));
    expect(renderOutput("json", all, ctx)).toBe(renderJson(all, "lines", ctx.policy));
  });

  it("writes files in the file layout, even when stdout is a terminal", () => {
    const dir = mkdtempSync(join(tmpdir(), "preflight-json-"));
    const file = join(dir, "sub", "report.json");
    const stdout = writeOutputs([{ format: "json", file }, { format: "text" }], all, { ...ctx, terminal: true, color: true });
    expect(readFileSync(file, "utf8")).toBe(renderJson(all, "lines", ctx.policy));
    expect([...(stdout ?? [])].join("")).toBe(renderOutput("text", all, { ...ctx, terminal: true, color: true }));
  });

  it("hands a large stdout report over in batches that join to the whole", () => {
    const big = reportOf(
      Array.from({ length: 600 }, (_, i) => ({ ...failGke001, address: `google_container_node_pool.p${i}`, message: `${failGke001.message} ${"x".repeat(2000)}` })),
    );
    const pieces = [...(writeOutputs([{ format: "json" }], big, ctx) ?? [])];
    expect(pieces.length).toBeGreaterThan(1);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(1.1 * 2 ** 20);
    expect(pieces.join("")).toBe(renderJson(big, "lines", ctx.policy));
  });

  it("a file that cannot be written stops the run before anything reaches stdout", async () => {
    const dir = mkdtempSync(join(tmpdir(), "preflight-json-"));
    let out = "";
    let err = "";
    const example = join(__dirname, "..", "..", "examples", "plans", "bad-minimal-roles.plan.json");
    const io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (err += t), isTty: false, env: {} };
    expect(await main([example, "--format", "text", "--format", `json=${dir}`], io)).toBe(2);
    expect(err).toBe(`preflight: ${dir}: is a folder; cannot write the json report there\n`);
    expect(out).toBe("");
  });

  it("renders the stdout report piece by piece as it is taken, not before", () => {
    const rendered: number[] = [];
    const probe = (i: number) => ({ toJSON: () => (rendered.push(i), i) });
    const big = reportOf(
      Array.from({ length: 600 }, (_, i) => ({ ...failGke001, address: `p${i}`, message: "x".repeat(2000), details: { probe: probe(i) } })),
    );
    const stdout = writeOutputs([{ format: "json" }], big, ctx)![Symbol.iterator]();
    expect(rendered).toEqual([]);
    stdout.next();
    expect(rendered.length).toBeGreaterThan(0);
    expect(rendered.length).toBeLessThan(600);
    while (!stdout.next().done);
    expect(rendered).toHaveLength(600);
  });
});

describe("preflight --format json", () => {
  const example = join(__dirname, "..", "..", "examples", "plans", "bad-minimal-roles.plan.json");
  async function run(isTty: boolean): Promise<string> {
    let out = "";
    await main([example, "--format", "json"], { stdout: (t) => void (out += t), stderr: () => undefined, isTty, env: {} });
    return out;
  }

  it("is indented on a terminal and one finding per line in a pipe, with the same content", async () => {
    const onTerminal = await run(true);
    const inPipe = await run(false);
    expect(onTerminal).toMatch(/^{\n  "tool": {\n    "name"/);
    expect(inPipe).toMatch(/^{\n  "tool": {"name"/);
    expect(JSON.parse(inPipe)).toEqual(JSON.parse(onTerminal));
    expect(inPipe.split("\n").filter((l) => l.startsWith('    {"ruleId"'))).toHaveLength(JSON.parse(inPipe).findings.length);
  });
});
