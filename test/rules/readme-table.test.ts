import { readFileSync } from "node:fs";
import { join } from "node:path";
import { allRules } from "../../src/rules/index";

// The README's rule table is written by hand; this keeps it to the registry, so a rule added
// without its row (or a row left for a rule that is gone, or a changed slug or severity) fails here.
// The SARIF rule list needs no such test: it is built from the same metadata (allRules).
describe("README rule table", () => {
  const readme = readFileSync(join(__dirname, "../../README.md"), "utf8");
  const rows = readme.split("\n").filter((line) => /^\| \[GKE\d{3}\]\(docs\/rules\/GKE\d{3}\.md\) /.test(line));

  it("has one row per registered rule, in the registry's order", () => {
    expect(rows.map((row) => /^\| \[(GKE\d{3})\]/.exec(row)![1])).toEqual(allRules.map((rule) => rule.meta.id));
  });

  it.each(allRules.map((rule) => [rule.meta.id, rule.meta] as const))("%s's row names its page, slug and severity", (id, meta) => {
    const row = rows.find((r) => r.startsWith(`| [${id}]`));
    expect(row?.startsWith(`| [${id}](docs/rules/${id}.md) \`${meta.slug}\` | ${meta.severity} |`)).toBe(true);
  });
});
