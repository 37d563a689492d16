import type { Command } from "commander";
import { parseFailOn, parseUnknownPolicy, type GatePolicy } from "../report/policy";
import { terminalSafe } from "../text/terminal-text";
import { doctorGateFails, doctorJson, doctorText } from "./report";

export interface DoctorIo {
  stdout: (text: string) => void | Promise<void>;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

interface DoctorFlags {
  cluster?: string;
  location?: string;
  project?: string;
  context?: string;
  kubeconfig?: string;
  format: string;
  unknown: string;
  failOn: string;
  apiEndpoint?: string;
  asKubectl?: boolean;
}

/** Adds `preflight doctor` to the CLI; `done` receives the exit code (0, 1 as the gate says, 2 for usage). */
export function addDoctorCommand(program: Command, io: DoctorIo, done: (exitCode: number) => void): void {
  program
    .command("doctor")
    .description("diagnose a running cluster's 401/403/404/400 from this machine (only reads); see docs/doctor.md")
    .option("--cluster <name>", "cluster name (default: from the current kubeconfig context)")
    .option("--location <location>", "the cluster's zone or region")
    .option("--project <id>", "the cluster's project (default: the context's, else gcloud's active project)")
    .option("--context <name>", "kubeconfig context to diagnose instead of the current one")
    .option("--kubeconfig <file>", "kubeconfig file (default: KUBECONFIG, else ~/.kube/config)")
    .option("-f, --format <format>", "text or json", "text")
    .option("--unknown <policy>", "how undecided steps count: pass, warn or fail", "warn")
    .option("--fail-on <severity>", "error, warning or never (every step weighs as an error)", "error")
    .option("--as-kubectl", "check with the token gke-gcloud-auth-plugin gives kubectl (gcloud's account), not GOOGLE_OAUTH_ACCESS_TOKEN/ADC; the plugin may refresh gcloud's token cache")
    .option("--api-endpoint <url>", "root of every Google API endpoint (an emulator, Private Service Connect); also PREFLIGHT_API_ENDPOINT")
    .action(async (flags: DoctorFlags) => done(await doctorCommand(flags, io)));
}

export async function doctorCommand(flags: DoctorFlags, io: DoctorIo): Promise<number> {
  let policy: GatePolicy;
  try {
    policy = { unknown: parseUnknownPolicy(flags.unknown), failOn: parseFailOn(flags.failOn) };
    if (flags.format !== "text" && flags.format !== "json") throw new Error(`doctor: --format must be text or json (got "${flags.format}")`);
  } catch (error) {
    io.stderr(`preflight: ${terminalSafe((error as Error).message)}\n`);
    return 2;
  }
  try {
    // Loaded on use: the Google auth library is not paid for by the main command.
    const { runDoctor } = require("./run") as typeof import("./run");
    const report = await runDoctor({ ...flags, env: io.env });
    await io.stdout(flags.format === "json" ? doctorJson(report) : doctorText(report));
    return doctorGateFails(report, policy) ? 1 : 0;
  } catch (error) {
    if (error instanceof Error && (error.name === "DoctorUsageError" || error.name === "EndpointError")) {
      io.stderr(`preflight: ${terminalSafe(error.message)}\n`);
      return 2;
    }
    throw error;
  }
}
