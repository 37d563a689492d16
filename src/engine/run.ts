import type { Model } from "../model/types";
import type { Report } from "../report/types";
import { summarise } from "../report/types";
import { checkModel, type CheckOptions } from "./check";
import { VERSION } from "../version";

export function reportFor(models: Model[], options: CheckOptions = {}): Report {
  const findings = models.flatMap((m) => checkModel(m, options));
  return {
    tool: { name: "cdktf-gke-preflight", version: VERSION },
    inputs: models.map((m) => ({ file: m.file, format: m.format, ...(m.stack ? { stack: m.stack } : {}), resources: m.resources.length })),
    findings,
    summary: summarise(findings),
  };
}
