import type { Finding, Status } from "../rules/types";
import type { InputFormat } from "../model/types";
import type { WaiverOutcome } from "../waivers/types";

export interface CheckedInput {
  file: string;
  format: InputFormat;
  stack?: string;
  resources: number;
}

export interface Summary {
  fail: number;
  unknown: number;
  pass: number;
  suppressed: number;
}

/** The result of one run: the stable JSON output of `preflight --format json`. */
export interface Report {
  tool: { name: "cdktf-gke-preflight"; version: string };
  inputs: CheckedInput[];
  /** fail and unknown findings (and pass ones when asked), suppressed ones included and marked. */
  findings: Finding[];
  summary: Summary;
  /** What became of each waiver from the waivers file, when one was used (applied, expired, stale). */
  waivers?: WaiverOutcome[];
}

export function summarise(findings: readonly Finding[]): Summary {
  const summary: Summary = { fail: 0, unknown: 0, pass: 0, suppressed: 0 };
  for (const f of findings) {
    if (f.suppressed) summary.suppressed++;
    else summary[f.status satisfies Status]++;
  }
  return summary;
}
