#!/usr/bin/env node
import { Command, CommanderError, Option } from "commander";
import { VERSION } from "../version";
import { terminalSafe } from "../text/terminal-text";
import { addDoctorCommand } from "../doctor/command";
import { EXIT, STDIN, type CliIo } from "./io";
import type { CheckFlags } from "./check-command";

export { EXIT, useColor, type CliIo } from "./io";

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
      // Required here, not imported: the engine and its rules load only when a check runs.
      const { runCheck } = require("./check-command") as typeof import("./check-command");
      exitCode = await runCheck(inputs, flags, io);
    });
  program.command("rules").description("list the rules").action(() => io.stdout(rulesCommand().listRules()));
  program
    .command("explain")
    .argument("<rule>", "rule id or slug, e.g. GKE001")
    .description("print a rule's documentation page")
    .action((rule: string) => {
      const page = rulesCommand().explainRule(rule);
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

const rulesCommand = () => require("./rules-command") as typeof import("./rules-command");

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
