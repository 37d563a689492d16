import { renderOutputChunks, type FormatName, type RenderContext } from "../../src/report/outputs";
import type { Report } from "../../src/report/types";

/** A report as one string, made of the chunks the CLI writes one after the other. */
export function renderOutput(format: FormatName, report: Report, ctx: RenderContext): string {
  return [...renderOutputChunks(format, report, ctx)].join("");
}
