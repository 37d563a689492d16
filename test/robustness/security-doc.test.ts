import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** SECURITY.md is a promise: every test it cites must exist, and its threat model must name every input an attacker controls. */
const ROOT = join(__dirname, "..", "..");
const text = readFileSync(join(ROOT, "SECURITY.md"), "utf8");

function section(heading: string): string {
  const start = text.indexOf(`\n${heading}\n`);
  if (start < 0) return "";
  const level = heading.split(" ")[0]!;
  const rest = text.slice(start + heading.length + 2);
  const next = rest.search(new RegExp(`^#{1,${level.length}} `, "m"));
  return next < 0 ? rest : rest.slice(0, next);
}

test("every test file SECURITY.md names exists", () => {
  const named = [...new Set(text.match(/test\/[\w./-]+\.test\.ts/g) ?? [])];
  expect(named.length).toBeGreaterThan(10);
  expect(named.filter((file) => !existsSync(join(ROOT, file)))).toEqual([]);
});

test("the threat model says who controls each input, what each output may contain, and how each promise is tested", () => {
  const inputs = section("### Who controls which input");
  for (const input of ["cdktf synth", "terraform plan", "manifest.json", "waivers", "report paths", "--live", "reviewer"]) {
    expect([input, inputs.includes(input)]).toEqual([input, true]);
  }
  const outputs = section("### What each output may contain");
  for (const output of ["Text report", "JSON", "SARIF", "JUnit", "Markdown", "Fixes", "Standard error", "Exit code", "Report files"]) {
    expect([output, outputs.includes(output)]).toEqual([output, true]);
  }
  // Each promise row names at least one test file.
  const rows = section("### What we promise, and the tests that hold us to it")
    .split("\n")
    .filter((line) => line.startsWith("| ") && !line.startsWith("| Promise") && !line.startsWith("| ---"));
  expect(rows.length).toBeGreaterThanOrEqual(8);
  for (const row of rows) expect([row, /`test\/[\w./-]+\.test\.ts`/.test(row)]).toEqual([row, true]);
});

test("the sections other work extends are there: generated text, live transport, report files", () => {
  for (const heading of ["## Generated text: fixes, code and reports", "## Live mode (`--live`)", "## Report files"]) {
    expect([heading, section(heading).trim().length > 0]).toEqual([heading, true]);
  }
});
