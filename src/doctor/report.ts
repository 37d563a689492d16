import { terminalSafe } from "../text/terminal-text";
import { outcomeOf, type GatePolicy } from "../report/policy";
import { PAGE_URL, type DoctorReport, type DoctorStep } from "./types";

const LABEL: Record<DoctorStep["status"], string> = { pass: "PASS", fail: "FAIL", unknown: "UNKNOWN" };

/** Every step is weighed like an error-severity finding, so `--unknown` and `--fail-on` mean what they mean for the main command. */
export function doctorGateFails(report: DoctorReport, policy: GatePolicy): boolean {
  return report.steps.some((step) => outcomeOf({ status: step.status, severity: "error" }, policy) === "fail");
}

export function doctorText(report: DoctorReport): string {
  const { target } = report;
  const lines = [
    `preflight doctor: cluster ${target.cluster} in ${target.location}, project ${target.project} (${target.context ? `kubeconfig context ${target.context}` : "from the flags"})`,
    "",
  ];
  const width = Math.max(...report.steps.map((step) => step.id.length));
  for (const step of report.steps) {
    lines.push(`${LABEL[step.status].padEnd(8)} ${step.id.padEnd(width)}  ${step.message}`);
    const indent = " ".repeat(9 + width + 2);
    if (step.reason) lines.push(`${indent}why: ${step.reason}`);
    if (step.remediation && step.status !== "pass") {
      lines.push(`${indent}fix: ${step.remediation.summary}`);
      for (const command of step.remediation.commands) lines.push(`${indent}  ${command}`);
    }
  }
  const { pass, fail, unknown } = report.summary;
  lines.push("", `${report.steps.length} steps: ${pass} pass, ${fail} fail, ${unknown} unknown. ${report.calls.length} reads made. See ${PAGE_URL}`);
  // Names and messages come from kubeconfigs and API answers: one line each, no control characters.
  return lines.map((line) => terminalSafe(line)).join("\n") + "\n";
}

export function doctorJson(report: DoctorReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
