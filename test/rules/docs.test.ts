import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { allRules } from "../../src/rules/index";
import { explainRule } from "../../src/cli/rules-command";

const docs = join(__dirname, "..", "..", "docs");

describe("every rule has its page in docs/rules", () => {
  test.each(allRules.map((r) => [r.meta.id, r] as const))("%s", (id, rule) => {
    const path = join(docs, "rules", `${id}.md`);
    expect(existsSync(path)).toBe(true);
    const text = readFileSync(path, "utf8");
    expect(text.split("\n")[0]).toBe(`# ${rule.meta.id} ${rule.meta.slug}: ${rule.meta.title}`);
    expect(text).toContain(`Severity: **${rule.meta.severity}**`);
    for (const section of ["## What it checks", "## Why", "## Statuses", "## Fix", "## Related scanner rules", "## Sources"]) expect(text).toContain(section);
    for (const status of ["**fail**", "**unknown**", "**pass**"]) expect(text).toContain(status);
    for (const dialect of ["```sh", "```ts", "```hcl"]) expect(text).toContain(dialect);
    expect(explainRule(id)).toBe(text);
  });

  test("no page for a rule that does not exist", () => {
    const ids = new Set(allRules.map((r) => r.meta.id));
    const pages = require("node:fs").readdirSync(join(docs, "rules")).filter((f: string) => f.endsWith(".md"));
    expect(pages.filter((f: string) => !ids.has(f.replace(/\.md$/, "")))).toEqual([]);
  });

  test("the Google-page coverage table names only existing rules and covers the six rows", () => {
    const text = readFileSync(join(docs, "google-page-coverage.md"), "utf8");
    const named = new Set(text.match(/GKE\d{3}/g) ?? []);
    const ids = new Set(allRules.map((r) => r.meta.id));
    expect([...named].filter((id) => !ids.has(id))).toEqual([]);
    for (const row of [1, 2, 3, 4, 5, 6]) expect(text).toMatch(new RegExp(`^\\| ${row} \\|`, "m"));
  });
});
