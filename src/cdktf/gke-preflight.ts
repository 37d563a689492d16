/**
 * The CDKTF door onto the preflight engine.
 *
 * `GkePreflight.of(app)` (or `Aspects.of(stack).add(new GkePreflight())`) makes synth check each
 * stack's configuration exactly as it will be written to cdk.tf.json and fail on findings.
 *
 * Why a custom-synthesis hook and not the aspect visit itself: cdktf visits a stack before its
 * children and before other aspects reach them, so a check there would miss their changes.
 * The stack synthesizer calls the `cdktf/customSynthesis` hook after every aspect and after
 * validations, whether or not `skipValidation` is set, and just before it collects annotations.
 * Both cdktf 0.21 and cdktn 0.24 do so under the same global symbol.
 */
import type { IConstruct } from "constructs";
import { checkModel } from "../engine/check";
import { checkTerraformJson } from "../library";
import { modelsOfApp } from "../inputs/cdktf-out";
import { allRules, findRule } from "../rules/index";
import type { Finding } from "../rules/types";
import { gateVerdict, policyFromOptions, type FailOn, type GatePolicy, type GateVerdict } from "../report/policy";
import { annotate, annotationFor, type UnknownHandling } from "./annotate";
import { CUSTOM_SYNTHESIS, cdkFrameworkOf, isApp, isStack, stackOf, stacksUnder, type StackLike, type TerraformJson } from "./brands";
import { applyFixes, type FixResult } from "./fix";
import { suppress as recordSuppression, writeSuppressionsUnder, type SuppressOptions } from "./suppress";

export interface GkePreflightOptions {
  /**
   * The lowest severity of a failing finding that fails synth, as the CLI's `--fail-on`:
   * `error` (default), `warning`, or `never` (report-only: every finding is a warning).
   */
  failOn?: FailOn;
  /**
   * How findings that cannot be decided before apply count, as the CLI's `--unknown`: `pass`
   * (an info line), `warn` (default, a warning) or `fail` (fails synth when their severity
   * reaches `failOn`, as in the CLI).
   * `"ignore"` and `"error"` are deprecated names of `pass` and `fail`.
   */
  unknown?: UnknownHandling;
  /** Add the missing minimal grants and API enablements instead of failing on them; default false. */
  fix?: boolean;
  /** Only these rule ids or slugs (default: all rules). */
  rules?: string[];
  /** Rule ids or slugs not to check, as the CLI's `--skip-rules` (applied after `rules`). */
  skipRules?: string[];
  /** Date used to decide whether suppressions have expired (default: now). */
  now?: Date;
}

/** What one check of one stack found. */
export interface StackCheckResult {
  stack: string;
  findings: Finding[];
  fixes: FixResult;
  /** The gate's verdict on this stack: `fail` exactly when one of its findings is annotated as an ERROR. */
  gate: GateVerdict;
}

interface SynthesisHook {
  onSynthesize(session: unknown): void;
}

/** Per stack: the preflights attached to it (one hook runs them all). */
const attached = new WeakMap<StackLike, Set<GkePreflight>>();
/** Preflights created but not yet attached to any stack, reported at exit (see below). */
const neverAttached = new Set<GkePreflight>();
let exitCheckInstalled = false;

export class GkePreflight {
  /**
   * Attaches the preflight to every stack under `scope` (an App, a stack, or a construct in a
   * stack). On an App, stacks created after this call are attached when `app.synth()` runs.
   */
  static of(scope: IConstruct, options: GkePreflightOptions = {}): GkePreflight {
    const preflight = new GkePreflight(options);
    preflight.attachUnder(scope);
    if (isApp(scope)) preflight.attachBeforeAppSynth(scope);
    return preflight;
  }

  /**
   * Suppresses a rule on a construct (and the resources under it), with a mandatory reason.
   * The suppression is written into cdk.tf.json so the CLI honours it too; the finding is
   * still reported, as suppressed, with the reason. After `expires` it fails again.
   */
  static suppress(construct: IConstruct, ruleId: string, reason: string, options?: SuppressOptions): void {
    recordSuppression(construct, ruleId, reason, options);
  }

  /**
   * Checks one stack now, without synthesizing, and returns the findings (no annotations,
   * no fixes). For unit tests that use `Testing.synth`, which never runs synthesis hooks.
   */
  static check(stack: IConstruct, options: Omit<GkePreflightOptions, "fix"> = {}): Finding[] {
    const s = isStack(stack) ? stack : stackOf(stack);
    if (!s) throw new Error(`GkePreflight.check: ${stack.node.path || "<root>"} is not in a TerraformStack`);
    writeSuppressionsUnder(s);
    return runEngine(s, s.toTerraform(), { ...options, rules: selectedRules(options) });
  }

  private readonly options: Required<Pick<GkePreflightOptions, "fix">> & GkePreflightOptions;
  /** The same policy, with the same defaults, as the CLI's `--fail-on` and `--unknown`. */
  readonly policy: GatePolicy;
  private readonly results = new Map<string, StackCheckResult>();

  constructor(options: GkePreflightOptions = {}) {
    this.policy = policyFromOptions(options, "GkePreflight");
    this.options = { ...options, fix: options.fix ?? false, rules: selectedRules(options) };
    neverAttached.add(this);
    installExitCheck();
  }

  /** IAspect: attaches to each stack it visits; cdktf visits the stack node first. */
  visit(node: IConstruct): void {
    if (isStack(node)) this.attachTo(node);
    else if (isApp(node)) this.attachUnder(node);
  }

  /** Results of the last synth of each stack this preflight ran on, keyed by stack name. */
  get lastResults(): ReadonlyMap<string, StackCheckResult> {
    return this.results;
  }

  private attachUnder(scope: IConstruct): void {
    const stacks = isStack(scope) ? [scope] : stacksUnder(scope);
    const own = stackOf(scope);
    if (stacks.length === 0 && own) stacks.push(own);
    for (const s of stacks) this.attachTo(s);
  }

  /** Stacks may be created after `GkePreflight.of(app)`: attach to them when the app synthesizes. */
  private attachBeforeAppSynth(app: IConstruct): void {
    const target = app as IConstruct & { synth?: () => void };
    const original = target.synth;
    if (typeof original !== "function") return;
    target.synth = () => {
      this.attachUnder(app);
      original.call(app);
    };
  }

  private attachTo(stack: StackLike): void {
    neverAttached.delete(this);
    let set = attached.get(stack);
    if (!set) {
      set = new Set();
      attached.set(stack, set);
      installHook(stack, set);
    }
    set.add(this);
  }

  /** @internal Runs at synth (from the stack hook), after all aspects: fix (if asked), check, annotate. */
  runOn(stack: StackLike): StackCheckResult {
    writeSuppressionsUnder(stack);
    let json = stack.toTerraform();
    let findings = runEngine(stack, json, this.options);
    const fixes: FixResult = { additions: [], skipped: [] };
    // A second pass catches what the first one's additions reveal (e.g. a pool that should
    // also wait for a grant added for its cluster); a third would find nothing new to add.
    for (let pass = 0; this.options.fix && pass < 2; pass++) {
      const round = applyFixes(stack, json, findings);
      fixes.skipped = round.skipped;
      if (round.additions.length === 0) break;
      fixes.additions.push(...round.additions);
      json = stack.toTerraform();
      findings = runEngine(stack, json, this.options);
    }
    // The map of construct paths costs a walk of the whole tree: only made when a finding needs it.
    let byPath: Map<string, IConstruct> | undefined;
    const constructAt = (path: string) => (byPath ??= new Map(stack.node.findAll().map((c) => [c.node.path, c] as const))).get(path);
    for (const f of findings) {
      const a = annotationFor(f, this.policy);
      if (a) annotate((f.constructPath && constructAt(f.constructPath)) || stack, a);
    }
    for (const add of fixes.additions) {
      const what = add.added ? `added ${add.added.terraformResourceType}.${add.added.friendlyUniqueId}, ` : "";
      annotate(add.added ?? add.forConstruct, {
        level: "@cdktf/info",
        message: `${add.ruleId} auto-fix for ${add.forConstruct.node.path}: ${what}${add.description}.`,
      });
    }
    for (const skip of fixes.skipped) {
      annotate(skip.construct, { level: "@cdktf/info", message: `${skip.ruleId} not auto-fixed: ${skip.why}.` });
    }
    const result = { stack: stack.node.id, findings, fixes, gate: gateVerdict(findings, this.policy) };
    this.results.set(stack.node.id, result);
    reuseRendering(stack, json);
    return result;
  }
}

/**
 * cdktf renders the stack again right after the synthesis hooks to write cdk.tf.json. Nothing
 * changes the tree in between (only annotations are collected), so the rendering just checked
 * is handed over instead: the file written is exactly what was checked, and the render, which
 * is most of the preflight's cost at synth, happens once. Once only, and only in this tick.
 */
function reuseRendering(stack: StackLike, json: TerraformJson): void {
  const holder = stack as unknown as { toTerraform: () => TerraformJson };
  if (Object.prototype.hasOwnProperty.call(holder, "toTerraform")) return;
  const forget = () => {
    delete (holder as { toTerraform?: unknown }).toTerraform;
  };
  Object.defineProperty(holder, "toTerraform", {
    configurable: true,
    writable: true,
    value: () => {
      forget();
      return json;
    },
  });
  process.nextTick(forget);
}

/**
 * Rule ids from ids or slugs. An empty list or an unknown name would quietly check less than
 * the user thinks (`rules: []` would check nothing), so both are refused.
 */
function ruleIds(rules: string[] | undefined, option = "rules"): string[] | undefined {
  if (rules === undefined) return undefined;
  if (!Array.isArray(rules) || rules.length === 0) {
    throw new Error(`GkePreflight: ${option} must name at least one rule; leave it out to ${option === "rules" ? "run every rule" : "skip none"}`);
  }
  return rules.map((name) => {
    const rule = findRule(String(name));
    if (!rule) throw new Error(`GkePreflight: unknown rule ${JSON.stringify(name)} in ${option} (see \`preflight rules\`)`);
    return rule.meta.id;
  });
}

/** `rules` less `skipRules`, as the CLI's --rules and --skip-rules; undefined runs every rule. */
function selectedRules(options: GkePreflightOptions): string[] | undefined {
  const only = ruleIds(options.rules);
  const skipped = ruleIds(options.skipRules, "skipRules");
  if (!skipped) return only;
  return (only ?? allRules.map((r) => r.meta.id)).filter((id) => !skipped.includes(id));
}

function runEngine(stack: StackLike, json: TerraformJson, options: GkePreflightOptions): Finding[] {
  const name = stack.node.id;
  const checkOptions = { now: options.now, rules: options.rules, cdkFramework: cdkFrameworkOf(stack) };
  const appStacks = isApp(stack.node.root) ? stacksUnder(stack.node.root) : [];
  if (appStacks.length < 2) return checkTerraformJson(inWrittenOrder(json), { file: stackFile(name), stack: name }, checkOptions);
  // The app, not the stack, as the CLI checks a cdktf.out: what this stack needs from another is
  // ordered only by a stack dependency (cdktf deploys stacks in the order their dependencies give).
  const models = modelsOfApp(
    appStacks.map((s) => ({
      name: s.node.id,
      file: stackFile(s.node.id),
      json: inWrittenOrder(s === stack ? json : s.toTerraform()),
      dependencies: stackDependencies(s),
    })),
  );
  return checkModel(models.find((m) => m.stack === name)!, checkOptions);
}

const stackFile = (name: string) => `stacks/${name}/cdk.tf.json`;

/** Names of the stacks `stack` is deployed after (`addDependency`, cross-stack references), as manifest.json lists them. */
function stackDependencies(stack: StackLike): string[] | undefined {
  const dependencies = (stack as { dependencies?: unknown }).dependencies;
  if (!Array.isArray(dependencies)) return undefined;
  return dependencies.filter(isStack).map((d) => d.node.id);
}

/**
 * cdktf and cdktn write cdk.tf.json with every object's keys sorted (json-stable-stringify,
 * safe-stable-stringify), so the CLI reads blocks, types and names in that order. The engine
 * reads them in the same order here: a finding anchored on the first of several resources
 * (a project's GKE002, GKE009) then lands on the same resource at both doors. Only the levels
 * that order resources are sorted (block, type, name); attributes keep their order.
 */
function inWrittenOrder(json: TerraformJson, depth = 3): TerraformJson {
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(json).sort()) {
    const value = (json as Record<string, unknown>)[key];
    // defineProperty: a key named "__proto__" stays a key, as JSON.parse makes it in the CLI
    Object.defineProperty(sorted, key, {
      value: depth > 1 && isPlainObject(value) ? inWrittenOrder(value as TerraformJson, depth - 1) : value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return sorted as TerraformJson;
}

function isPlainObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Installs one synthesis hook per stack. The property is left configurable and chains to a
 * hook something else may have installed, so neither silently replaces the other.
 */
function installHook(stack: StackLike, preflights: Set<GkePreflight>): void {
  const holder = stack as unknown as Record<symbol, SynthesisHook | undefined>;
  const previous = holder[CUSTOM_SYNTHESIS];
  const hook: SynthesisHook = {
    onSynthesize(session: unknown) {
      previous?.onSynthesize(session);
      for (const p of preflights) p.runOn(stack);
    },
  };
  const descriptor = Object.getOwnPropertyDescriptor(stack, CUSTOM_SYNTHESIS);
  if (descriptor && !descriptor.configurable) {
    throw new Error(`GkePreflight: stack ${stack.node.path} already has a fixed synthesis hook; cannot attach the preflight`);
  }
  Object.defineProperty(stack, CUSTOM_SYNTHESIS, { value: hook, enumerable: false, configurable: true });
}

/**
 * cdktf ignores aspects added to the App (`Aspects.of(app).add(...)`): such a preflight is never
 * visited. Rather than let the gate silently vanish, a process that created a preflight which
 * never reached a stack says so on exit and fails.
 */
function installExitCheck(): void {
  // Under jest the test runner's own process must not be failed by a test's side effect.
  if (exitCheckInstalled || process.env.JEST_WORKER_ID !== undefined) return;
  exitCheckInstalled = true;
  process.once("exit", () => {
    if (neverAttached.size === 0) return;
    process.stderr.write(
      "ERROR: GkePreflight was created but never attached to a stack, so nothing was checked. " +
        "cdktf ignores aspects added to the App: use GkePreflight.of(app) or Aspects.of(stack).add(new GkePreflight()).\n",
    );
    if (!process.exitCode) process.exitCode = 1;
  });
}
