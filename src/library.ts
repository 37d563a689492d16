import type { Finding } from "./rules/types";
import type { Report } from "./report/types";
import { checkModel, type CheckOptions } from "./engine/check";
import { reportFor } from "./engine/run";
import { loadInputs } from "./inputs/load";
import { modelFromTerraformJson } from "./inputs/terraform-json";

/**
 * The library's door: read an input, then check it. The engine itself only ever takes models, so
 * every door (CLI, aspect, this) reads inputs the same way and checks what it read the same way.
 */

/** Loads an input path and checks every model in it. Throws InputError on bad input. */
export function runPreflight(path: string, options: CheckOptions = {}): Report {
  return reportFor(loadInputs(path), options);
}

/** Checks a stack's resolved configuration (what cdk.tf.json will hold), as the CDKTF aspect does. */
export function checkTerraformJson(json: unknown, source: { file: string; stack?: string }, options: CheckOptions = {}): Finding[] {
  return checkModel(modelFromTerraformJson(json, source), options);
}
