/** One accepted risk from a waivers file (`preflight.waivers.yaml` / `.json`). */
export interface Waiver {
  /** Rule the waiver accepts, e.g. `GKE001`. */
  ruleId: string;
  /** Glob over Terraform resource addresses (`*` stops at `/`, `**` does not, `?` one character). */
  address?: string;
  /** Glob over CDKTF construct paths, same syntax. */
  constructPath?: string;
  /** Why the risk is accepted. Mandatory. */
  reason: string;
  /** Last day (YYYY-MM-DD, UTC) the waiver applies; from the next day on it no longer waives. */
  expires?: string;
  /** Issue or ticket tracking the accepted risk. */
  ticket?: string;
  /** Where it was written, for messages: file and 1-based position in the list and line. */
  source: { file: string; index: number; line?: number };
}

/**
 * What became of a waiver in a run:
 * `applied` waived at least one failing or undecided finding,
 * `expired` is past its date (it waived nothing; the findings it matches count again),
 * `stale` matched no failing or undecided finding (the risk it accepted is gone, or the pattern is wrong).
 */
export type WaiverState = "applied" | "expired" | "stale";

export interface WaiverOutcome {
  waiver: Waiver;
  state: WaiverState;
  /** Failing or undecided findings the waiver's rule and pattern match. */
  matched: number;
}

/** How a waiver is named in messages: `preflight.waivers.yaml:12 waiver 2 (GKE001 google_x.y)`. */
export function describeWaiver(w: Waiver, showPath: (file: string) => string = (f) => f): string {
  const file = showPath(w.source.file);
  const where = w.source.line ? `${file}:${w.source.line}` : file;
  const target = [w.address, w.constructPath].filter(Boolean).join(" / ");
  return `${where} waiver ${w.source.index} (${w.ruleId}${target ? ` ${target}` : ""})`;
}
