import { renderSarif, sarifChunks } from "../../src/report/sarif";
import { failGke001, hostile, passGke003, reportOf, unknownGke002, waivedGke003 } from "./fixtures/findings";

// The log is written result by result; it must be the text JSON.stringify(log, null, 2) gives.
const canonical = (text: string) => `${JSON.stringify(JSON.parse(text), null, 2)}\n`;

describe("SARIF written result by result", () => {
  it("is byte for byte the indented JSON of the whole log", () => {
    const report = reportOf([failGke001, unknownGke002, waivedGke003, passGke003, hostile]);
    const text = renderSarif(report);
    expect(text).toBe(canonical(text));
    expect(JSON.parse(text).runs[0].results).toHaveLength(5);
  });

  it("keeps an empty results array as []", () => {
    const text = renderSarif(reportOf([]));
    expect(text).toBe(canonical(text));
    expect(text).toContain('\n      "results": [],\n');
  });

  it("is not fooled by input text that looks like the results member", () => {
    const sneaky = { ...failGke001, address: 'x\n      "results": []', file: '\n      "results": [].json' };
    const text = renderSarif(reportOf([sneaky, unknownGke002], [{ file: sneaky.file, format: "plan", resources: 1 }]));
    expect(text).toBe(canonical(text));
    expect(JSON.parse(text).runs[0].results.map((r: { properties: { address: string } }) => r.properties.address)).toEqual([sneaky.address, unknownGke002.address]);
  });

  it("renders each result when it is taken, and keeps the cap on results", () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ ...failGke001, address: `google_container_node_pool.p${i}` }));
    const chunks = [...sarifChunks(reportOf(many), { maxResults: 20 })];
    expect(chunks.length).toBeGreaterThanOrEqual(20);
    const text = chunks.join("");
    expect(text).toBe(canonical(text));
    expect(JSON.parse(text).runs[0].results).toHaveLength(20);
    expect(text).toContain("10 of 30 results were left out");
  });
});
