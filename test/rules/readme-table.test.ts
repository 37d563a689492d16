import { readFileSync } from "node:fs";
import { join } from "node:path";
import { allRules } from "../../src/rules/index";
import { pageSummary, rulesTable, withTable } from "../../scripts/rules-table";

// The README's rule table is generated (npm run docs:rules) from the registry and the rule pages;
// this keeps the committed README to it, so a rule added without regenerating (or a row left for a
// rule that is gone, or a changed slug, severity or summary) fails here.
// The SARIF rule list needs no such test: the renderer builds it from the same registry (allRules).
describe("README rule table", () => {
  const readme = readFileSync(join(__dirname, "../../README.md"), "utf8");

  it("is the table npm run docs:rules writes", () => {
    const upToDate = withTable(readme, rulesTable()) === readme;
    expect(upToDate ? "up to date" : "README.md's rule table is out of date: run npm run docs:rules").toBe("up to date");
  });

  it("is rebuilt from the pages, and a page without its summary lines is named", () => {
    const changed = rulesTable(allRules.slice(0, 1), () => "# x\n\n- **Checks:** new words\n- **Fails when:** never\n");
    expect(changed.split("\n")[2]).toBe("| [GKE001](docs/rules/GKE001.md) `node-sa-permissions` | error | new words | never |");
    expect(() => pageSummary("GKE001", "# GKE001\n")).toThrow('docs/rules/GKE001.md: expected a line starting with "- **Checks:** " under the severity line');
  });
  const rows = readme.split("\n").filter((line) => /^\| \[GKE\d{3}\]\(docs\/rules\/GKE\d{3}\.md\) /.test(line));

  it("has one row per registered rule, in the registry's order", () => {
    expect(rows.map((row) => /^\| \[(GKE\d{3})\]/.exec(row)![1])).toEqual(allRules.map((rule) => rule.meta.id));
  });

  it.each(allRules.map((rule) => [rule.meta.id, rule.meta] as const))("%s's row names its page, slug and severity", (id, meta) => {
    const row = rows.find((r) => r.startsWith(`| [${id}]`));
    expect(row?.startsWith(`| [${id}](docs/rules/${id}.md) \`${meta.slug}\` | ${meta.severity} |`)).toBe(true);
  });
});
