import { allRules, findRule } from "./index";
import type { Rule } from "./types";

/** A rule name that is neither an id nor a slug; the message lists what is accepted. */
export class RuleSelectionError extends Error {}

/**
 * The rule ids a run checks, from `--rules` / `--skip-rules` (ids or slugs, comma-separated or
 * repeated). Undefined when neither narrows the set, so the engine runs every rule.
 */
export function selectRules(only: readonly string[] = [], skip: readonly string[] = []): string[] | undefined {
  const wanted = resolveNames(only, "--rules");
  const skipped = new Set(resolveNames(skip, "--skip-rules"));
  if (wanted.length === 0 && skipped.size === 0) return undefined;
  const base = wanted.length > 0 ? wanted : allRules.map((r) => r.meta.id);
  return allRules.map((r) => r.meta.id).filter((id) => base.includes(id) && !skipped.has(id));
}

function resolveNames(names: readonly string[], option: string): string[] {
  const ids: string[] = [];
  for (const name of names.flatMap((n) => n.split(",")).map((n) => n.trim()).filter(Boolean)) {
    const rule = findRule(name);
    if (!rule) throw new RuleSelectionError(`${option}: no rule "${name}"; give rule ids or slugs (preflight rules lists them)`);
    ids.push(rule.meta.id);
  }
  return ids;
}

/** The rules a run checks: those with these ids, in registry order; every rule when no ids are given. */
export function rulesWithIds(ids: readonly string[] | undefined): readonly Rule[] {
  return ids ? allRules.filter((rule) => ids.includes(rule.meta.id)) : allRules;
}
