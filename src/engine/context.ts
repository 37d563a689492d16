import type { Model } from "../model/types";
import type { RuleContext } from "../rules/types";
import type { LiveFacts } from "../facts/live";
import { IamIndex } from "../facts/iam/index-grants";
import { gkeFacts } from "../facts/gke/node-identities";
import { factsOf } from "../facts/index";
import { liveView } from "../facts/live-view";
import { upstreamStacks } from "../facts/upstream-stacks";

const planned = new WeakMap<Model, RuleContext>();

/**
 * The offline fact base of one model, as every rule reads it: built once, so planning what --live
 * reads and the check that follows (offline, when there is nothing to read) share one IAM index and
 * one set of GKE facts. Kept until the model is checked ({@link checkingContext}).
 */
export function ruleContext(model: Model): RuleContext {
  let ctx = planned.get(model);
  if (!ctx) planned.set(model, (ctx = buildContext(model, undefined)));
  return ctx;
}

/**
 * The fact base the check of one model reads: the planned one offline; with live facts a new one,
 * because what was read changes it (project numbers link to ids, live and inherited grants join the
 * index, and every project resolution follows the links). Either way the planned one is let go:
 * a run over many models holds one fact base at a time.
 */
export function checkingContext(model: Model, live: LiveFacts | undefined): RuleContext {
  const ctx = live ? buildContext(model, live) : ruleContext(model);
  planned.delete(model);
  return ctx;
}

function buildContext(model: Model, live: LiveFacts | undefined): RuleContext {
  // The stacks deployed before this one count as applied (their own facts, each built once).
  const iam = new IamIndex(model, live, upstreamStacks(model));
  const gke = gkeFacts(model, iam);
  return { model, iam, gke, facts: factsOf({ model, iam, gke }), live: liveView(live) };
}
