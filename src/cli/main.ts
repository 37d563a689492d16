#!/usr/bin/env node
import { Command, CommanderError, Option } from "commander";
import type { Model } from "../model/types";
import type { Finding } from "../rules/types";
import type { Waiver, WaiverOutcome } from "../waivers/types";
import { VERSION } from "../version";
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
import { listRules, explainRule } from "./rules-command";
import { addDoctorCommand } from "../doctor/command";
import { selectRules } from "../rules/select";

/** Exit codes: 0 nothing failing, 1 failing findings, 2 usage or input error. */
export const EXIT = { ok: 0, failing: 1, usage: 2 } as const;

export interface CliIo {
  /** May return a promise: the next piece of a report is written when it settles (a full pipe drained). */
  stdout: (text: string) => void | Promise<void>;
  stderr: (text: string) => void;
  isTty: boolean;
  /** Whether stderr is a terminal (the --live progress line is drawn only there). */
  stderrIsTty?: boolean;
  env: NodeJS.ProcessEnv;
}

interface CheckFlags {
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

/** The input name that means standard input, and the name reports give it. */
const STDIN = "-";
const STDIN_LABEL = "stdin";

/**
 * Whether text output is coloured: `--no-color` first, then FORCE_COLOR (`0` or `false` turns it
 * off, anything else on, as Node's own tty colours read it), then NO_COLOR (set and not empty), then
 * whether standard output is a terminal.
 */
export function useColor(flag: boolean | undefined, env: NodeJS.ProcessEnv, isTty: boolean): boolean {
  if (flag === false) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== "0" && force.toLowerCase() !== "false";
  if (env.NO_COLOR) return false;
  return isTty;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export async function main(argv: string[], io: CliIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command()
    .name("preflight")
    .description("Find GKE 4xx failures (node service account permissions, GKE service agent, required APIs) before terraform apply.")
    .version(VERSION, "-V, --version")
    .argument("[inputs...]", "plan JSON (terraform show -json or tofu show -json), Terraform JSON config (cdk.tf.json), a cdktf.out folder, or - for standard input; several are checked together")
    .addOption(
      new Option("-f, --format <format[=file]>", "report format: text, json, sarif, junit or markdown; FORMAT=FILE writes it to FILE (repeat for several reports)")
        .argParser((value: string, previous: string[]) => [...previous, value])
        .default([], "text"),
    )
    .option("-o, --output <file>", "write the report that has no =FILE to this file instead of standard output")
    .option("--waivers <file>", "waivers file (default: preflight.waivers.yaml, .yml or .json beside the input)")
    .option("--unknown <policy>", "how undecided findings count: pass, warn or fail", "warn")
    .option("--fail-on <severity>", "lowest severity of a failing finding that fails the gate: error, warning or never", "error")
    .addOption(new Option("--soft-fail", "report only: never fail the gate (the same as --fail-on never)").conflicts("failOn"))
    .addOption(new Option("--rules <ids>", "check only these rules (ids or slugs, comma-separated or repeated)").argParser(collect))
    .addOption(new Option("--skip-rules <ids>", "do not check these rules (ids or slugs, comma-separated or repeated)").argParser(collect))
    .option("--include-pass", "also report the checks that passed")
    .option("-v, --verbose", "print the CDKTF and Terraform fixes in text output")
    .option("--no-color", "never colour text output")
    .option("--live", "read the Google project (only reading) to decide what the input cannot tell; see docs/live.md")
    .option("--live-strict", "like --live, and exit 2 if any live fact could not be read (PREFLIGHT_LIVE_STRICT=1 makes --live strict)")
    .option("--project <id>", "default project of the google provider when the input sets none (with or without --live)")
    .option("--api-endpoint <url>", "root of every Google API endpoint for --live (Private Service Connect, an emulator); also PREFLIGHT_API_ENDPOINT")
    .helpCommand("help [command]", "show help for the CLI or a command")
    .exitOverride()
    // The main command's options before a subcommand, the subcommand's after it (doctor has its own --project).
    .enablePositionalOptions()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .action(async (inputs: string[], flags: CheckFlags) => {
      if (inputs.length === 0) {
        io.stderr("preflight: missing input: give a plan JSON, a cdk.tf.json or a cdktf.out folder (see preflight --help)\n");
        exitCode = EXIT.usage;
        return;
      }
      if (inputs.filter((i) => i === STDIN).length > 1) {
        io.stderr("preflight: - (standard input) can be given once\n");
        exitCode = EXIT.usage;
        return;
      }
      exitCode = await runCheck(inputs, flags, io);
    });
  program.command("rules").description("list the rules").action(() => io.stdout(listRules()));
  program
    .command("explain")
    .argument("<rule>", "rule id or slug, e.g. GKE001")
    .description("print a rule's documentation page")
    .action((rule: string) => {
      const page = explainRule(rule);
      if (page === undefined) {
        io.stderr(`preflight: no rule "${rule}"; run preflight rules to list them\n`);
        exitCode = EXIT.usage;
      } else io.stdout(page);
    });
  addDoctorCommand(program, io, (code) => (exitCode = code));
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    throw error;
  }
  return exitCode;
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

async function runCheck(inputs: string[], flags: CheckFlags, io: CliIo): Promise<number> {
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

if (require.main === module) {
  // `preflight plan.json | head`: the reader went away; that is not an error of ours. The rest of
  // the report is dropped and the exit code is still the gate's. Any other write error (a full
  // disk) means the report is lost: one line, and exit 2, which no pipeline reads as a verdict.
  let stdoutClosed = false;
  let stdoutFailed = false;
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    stdoutClosed = true;
    if (error.code === "EPIPE" || stdoutFailed) return;
    stdoutFailed = true;
    process.stderr.write(`preflight: cannot write the report to standard output (${error.code ?? "write error"})\n`);
    process.exitCode = EXIT.usage;
  });
  // Standard error that cannot be written (2> /dev/full): nowhere is left to say so; the exit code still tells.
  process.stderr.on("error", () => undefined);
  // A pipe takes what fits and Node queues the rest: the next piece waits until the queue drains.
  const drained = () =>
    new Promise<void>((done) => {
      const settle = () => {
        process.stdout.off("drain", settle).off("close", settle);
        done();
      };
      process.stdout.once("drain", settle).once("close", settle);
    });
  const io: CliIo = {
    stdout: (t) => (stdoutClosed || process.stdout.write(t) ? undefined : drained()),
    stderr: (t) => process.stderr.write(t),
    isTty: Boolean(process.stdout.isTTY),
    stderrIsTty: Boolean(process.stderr.isTTY),
    env: process.env,
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = stdoutFailed ? EXIT.usage : code;
    },
    (error: unknown) => {
      // A bug, not bad input: one line, and the stack only when asked for.
      io.stderr(`preflight: internal error: ${terminalSafe(error instanceof Error ? error.message : String(error)).slice(0, 500)} (please report it; PREFLIGHT_DEBUG=1 shows the stack)\n`);
      if (process.env.PREFLIGHT_DEBUG && error instanceof Error) io.stderr(`${error.stack}\n`);
      process.exitCode = EXIT.usage;
    },
  );
}
