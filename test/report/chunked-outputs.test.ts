import { junitChunks, renderJunit } from "../../src/report/junit";
import { defaultPolicy } from "../../src/report/policy";
import { renderText, textChunks } from "../../src/report/text";
import { failGke001, hostile, passGke003, reportOf, unknownGke002, waivedGke003 } from "./fixtures/findings";

// Text and JUnit are written a resource (a test case) at a time; the golden tests pin the bytes
// of the whole, these pin that the pieces are small and join to it.
const many = Array.from({ length: 40 }, (_, i) => ({ ...failGke001, address: `google_container_node_pool.p${i}` }));
const report = reportOf([...many, unknownGke002, waivedGke003, passGke003, hostile]);

describe("text and JUnit in pieces", () => {
  it("text comes a resource at a time and joins to renderText", () => {
    for (const options of [{ policy: defaultPolicy, color: false }, { policy: { ...defaultPolicy, unknown: "pass" as const }, color: true, verbose: true }]) {
      const chunks = [...textChunks(report, options)];
      expect(chunks.length).toBeGreaterThan(40);
      expect(chunks.every((c) => c.endsWith("\n"))).toBe(true);
      expect(chunks.join("")).toBe(renderText(report, options));
    }
  });

  it("JUnit opens with the totals and then comes a test case at a time", () => {
    const chunks = [...junitChunks(report, { policy: defaultPolicy })];
    expect(chunks.length).toBeGreaterThan(40);
    expect(chunks[1]).toMatch(/^<testsuites name="cdktf-gke-preflight" tests="44" failures="41" errors="0" skipped="2">\n$/);
    expect(chunks.join("")).toBe(renderJunit(report, { policy: defaultPolicy }));
  });
});
