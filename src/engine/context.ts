import type { Model } from "../model/types";
import type { RuleContext } from "../rules/types";
import type { LiveFacts } from "../facts/live";
import { IamIndex } from "../facts/iam/index-grants";
import { gkeFacts } from "../facts/gke/node-identities";
import { factsOf } from "../facts/index";
import { liveView } from "../facts/live-view";

const offline = new WeakMap<Model, RuleContext>();
const withLive = new WeakMap<LiveFacts, WeakMap<Model, RuleContext>>();

/**
 * The fact base of one model, as every rule reads it: built once per model and set of live facts,
 * so planning the live reads and checking the model offline share one IAM index and one set of GKE
 * facts. (With --live the check needs the index built with what was read: project numbers link to
 * ids, live grants and ancestry join in, so that one is built again.)
 */
export function ruleContext(model: Model, live?: LiveFacts): RuleContext {
  const cache = live ? (withLive.get(live) ?? withLive.set(live, new WeakMap()).get(live)!) : offline;
  let ctx = cache.get(model);
  if (!ctx) cache.set(model, (ctx = buildContext(model, live)));
  return ctx;
}

function buildContext(model: Model, live: LiveFacts | undefined): RuleContext {
  const iam = new IamIndex(model, live);
  const gke = gkeFacts(model, iam);
  return { model, iam, gke, facts: factsOf({ model, iam, gke }), live: liveView(live) };
}
