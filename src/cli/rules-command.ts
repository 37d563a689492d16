import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { allRules, findRule } from "../rules/index";

export function listRules(): string {
  const rows = allRules.map((r) => `${r.meta.id}  ${r.meta.slug.padEnd(28)} ${r.meta.severity.padEnd(8)} ${r.meta.title}`);
  return `${["ID      slug                         severity title", ...rows].join("\n")}\n`;
}

/** The rule's page from docs/rules (shipped with the package), or one built from its metadata. */
export function explainRule(idOrSlug: string): string | undefined {
  const rule = findRule(idOrSlug);
  if (!rule) return undefined;
  const page = join(__dirname, "..", "..", "docs", "rules", `${rule.meta.id}.md`);
  if (existsSync(page)) return readFileSync(page, "utf8");
  const m = rule.meta;
  return `# ${m.id} ${m.slug}: ${m.title}\n\nSeverity: ${m.severity}\n\n${m.rationale}\n\nGoogle documentation: ${m.googleDocUrl}\n`;
}
