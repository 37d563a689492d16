import type { Model } from "../model/types";
import type { Finding } from "../rules/types";
import type { Waiver, WaiverOutcome } from "../waivers/types";
import { InputError } from "../inputs/input-error";
import { reportFor } from "../engine/run";
import { loadInputs, modelFromJson } from "../inputs/load";
import { parseJsonBytes, readStdinBytes } from "../inputs/read-json";
import { liveFactsFor, LiveUsageError } from "../live/cli";
import { gateFails, parseFailOn, parseUnknownPolicy, type GatePolicy } from "../report/policy";
import { needsPassFindings, OutputUsageError, parseOutputs, readTextOrUndefined, writeOutputs, type OutputSpec } from "../report/outputs";
import { summarise } from "../report/types";
import { allRules } from "../rules";
import { terminalSafe } from "../text/terminal-text";
import { applyWaivers, findWaiversFile, loadWaiversFile, waiverNotices } from "../waivers";
import { displayPath } from "../report/paths";
import { selectRules } from "../rules/select";
import { EXIT, STDIN, STDIN_LABEL, useColor, type CliIo } from "./io";

/**
 * The check itself (`preflight INPUTS…`): read the inputs, read --live, run the engine, apply
 * waivers, write the reports, and say the gate's exit code. Loaded only when a check runs, so
 * `--version`, `--help`, `rules` and `doctor` do not load the engine.
 */

export interface CheckFlags {
  format: string[];
  output?: string;
  waivers?: string;
  unknown: string;
  failOn: string;
  includePass?: boolean;
  verbose?: boolean;
  color?: boolean;
  live?: boolean;
  liveStrict?: boolean;
  project?: string;
  apiEndpoint?: string;
  softFail?: boolean;
  rules?: string[];
  skipRules?: string[];
}

/**
 * Waivers apply to the inputs they were found beside (to every input with --waivers). A waiver
 * of a rule this run does not check is neither applied nor stale: it is left out.
 */
function waiveByInput(findings: Finding[], loaded: Array<{ waiversFile: string | undefined; models: Model[] }>, waiverFiles: Map<string, Waiver[]>, rules: string[] | undefined) {
  const filesByWaivers = new Map<string, Set<string>>();
  for (const { waiversFile, models } of loaded) {
    if (!waiversFile) continue;
    const files = filesByWaivers.get(waiversFile) ?? new Set<string>();
    for (const m of models) files.add(m.file);
    filesByWaivers.set(waiversFile, files);
  }
  const replaced = new Map<Finding, Finding>();
  const outcomes: WaiverOutcome[] = [];
  for (const [waiversFile, files] of filesByWaivers) {
    const waivers = waiverFiles.get(waiversFile)!.filter((w) => !rules || rules.includes(w.ruleId));
    const own = findings.filter((f) => files.has(f.file));
    const result = applyWaivers(own, waivers, new Date());
    own.forEach((f, i) => replaced.set(f, result.findings[i]!));
    outcomes.push(...result.outcomes);
  }
  return { findings: findings.map((f) => replaced.get(f) ?? f), outcomes };
}

export async function runCheck(inputs: string[], flags: CheckFlags, io: CliIo): Promise<number> {
  let policy: GatePolicy;
  let rules: string[] | undefined;
  try {
    policy = { unknown: parseUnknownPolicy(flags.unknown), failOn: flags.softFail ? "never" : parseFailOn(flags.failOn) };
    rules = selectRules(flags.rules, flags.skipRules);
  } catch (error) {
    io.stderr(`preflight: ${(error as Error).message}\n`);
    return EXIT.usage;
  }
  let outputs: OutputSpec[];
  try {
    outputs = parseOutputs(flags.format, flags.output);
  } catch (error) {
    io.stderr(`preflight: ${(error as Error).message}\n`);
    return EXIT.usage;
  }
  try {
    // --project is the google provider's default project: given to model building, before references are resolved.
    const loadOptions = flags.project ? { defaultProject: flags.project } : {};
    let stdin: Buffer | undefined;
    const waiverFiles = new Map<string, Waiver[]>();
    const loaded = inputs.map((input) => {
      // Standard input has no folder: its waivers file is only the one --waivers names.
      const waiversFile = flags.waivers ?? (input === STDIN ? undefined : findWaiversFile(input));
      if (waiversFile && !waiverFiles.has(waiversFile)) waiverFiles.set(waiversFile, loadWaiversFile(waiversFile));
      if (input !== STDIN) return { waiversFile, models: loadInputs(input, loadOptions) };
      stdin = readStdinBytes(STDIN_LABEL);
      return { waiversFile, models: [modelFromJson(parseJsonBytes(stdin, STDIN_LABEL), STDIN_LABEL, loadOptions)] };
    });
    const models = loaded.flatMap((l) => l.models);
    const live = await liveFactsFor(models, { ...flags, ...(rules && { checkedRules: rules }) }, io);
    if (rules) io.stderr(`preflight: checking ${rules.length} of ${allRules.length} rules: ${rules.join(", ") || "none"}\n`);
    const checked = reportFor(models, { includePass: needsPassFindings(outputs, Boolean(flags.includePass)), ...(live ? { live } : {}), ...(rules ? { rules } : {}) });
    const waived = waiveByInput(checked.findings, loaded, waiverFiles, rules);
    const anyWaiversFile = loaded.some((l) => l.waiversFile);
    const report = { ...checked, findings: waived.findings, summary: summarise(waived.findings), ...(anyWaiversFile ? { waivers: waived.outcomes } : {}) };
    // Notices quote waivers (addresses, reasons) from a file that may come with a pull request.
    for (const notice of waiverNotices(waived.outcomes, (file) => displayPath(file, process.cwd()))) io.stderr(`preflight: ${terminalSafe(notice)}\n`);
    // The stdout report comes in pieces (a JSON report can be 100 MB), each written once the previous one is taken.
    const stdout = writeOutputs(outputs, report, {
      policy,
      includePass: Boolean(flags.includePass),
      color: useColor(flags.color, io.env, io.isTty),
      terminal: io.isTty,
      verbose: flags.verbose,
      waivers: waived.outcomes,
      rules: allRules.map((r) => r.meta),
      baseDir: process.cwd(),
      // SARIF positions come from the text read; standard input cannot be read twice.
      ...(stdin ? { readText: (file: string) => (file === STDIN_LABEL ? stdin!.toString("utf8") : readTextOrUndefined(file)) } : {}),
      inputFiles: [...inputs.filter((i) => i !== STDIN), ...waiverFiles.keys()],
    });
    for (const text of stdout ?? []) await io.stdout(text);
    return gateFails(report.findings, policy) ? EXIT.failing : EXIT.ok;
  } catch (error) {
    if (error instanceof InputError || error instanceof OutputUsageError || error instanceof LiveUsageError) {
      io.stderr(`preflight: ${terminalSafe(error.message)}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}
