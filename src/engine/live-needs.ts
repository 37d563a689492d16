import type { Rule, RuleContext } from "../rules/types";
import type { LiveNeeds } from "../facts/live-request";
import { allRules } from "../rules/index";

/** What each rule that reads live facts asks `--live` to read for this model (see `Rule.liveNeeds`). */
export function rulesLiveNeeds(ctx: RuleContext, rules: readonly Rule[] = allRules): LiveNeeds[] {
  return rules.flatMap((rule) => (rule.liveNeeds ? [rule.liveNeeds(ctx)] : []));
}
