import type { Model } from "../model/types";
import type { Report } from "../report/types";
import { summarise } from "../report/types";
import { loadInputs } from "../inputs/load";
import { checkModel, type CheckOptions } from "./check";
import { VERSION } from "../version";

/** Loads an input path and checks every model in it. Throws InputError on bad input. */
export function runPreflight(path: string, options: CheckOptions = {}): Report {
  return reportFor(loadInputs(path), options);
}

export function reportFor(models: Model[], options: CheckOptions = {}): Report {
  const findings = models.flatMap((m) => checkModel(m, options));
  return {
    tool: { name: "cdktf-gke-preflight", version: VERSION },
    inputs: models.map((m) => ({ file: m.file, format: m.format, ...(m.stack ? { stack: m.stack } : {}), resources: m.resources.length })),
    findings,
    summary: summarise(findings),
  };
}
