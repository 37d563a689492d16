import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import type { BuildOptions } from "../model/build";
import type { Model } from "../model/types";
import { InputError, EXPECTED_INPUT } from "./input-error";
import { readJsonFile } from "./read-json";
import { isPlanJson, modelFromPlan } from "./plan-json";
import { isTerraformJson, modelFromTerraformJson } from "./terraform-json";
import { isCdktfOut, leavesFolder, modelsFromCdktfOut } from "./cdktf-out";
import { looksLikePlanFile, modelFromPlanFile, STREAMING_THRESHOLD_BYTES } from "./stream/plan-stream";

export { InputError } from "./input-error";
export { modelFromPlan } from "./plan-json";
export { modelFromTerraformJson } from "./terraform-json";

/** How models are built from what is read (e.g. a default provider project). */
export type LoadOptions = BuildOptions;

/** Reads a plan JSON, a Terraform JSON config or a cdktf.out folder, detected from content. */
export function loadInputs(path: string, options: LoadOptions = {}): Model[] {
  if (!existsSync(path)) throw new InputError(path, "no such file or folder");
  if (statSync(path).isDirectory()) {
    if (isCdktfOut(path)) return modelsFromCdktfOut(path, options);
    const single = join(path, "cdk.tf.json");
    if (existsSync(single)) {
      if (leavesFolder(path, single)) throw new InputError(single, "is a link outside the folder; refusing to read it");
      return [modelFromJson(readJsonFile(single), single, options)];
    }
    throw new InputError(path, `is a folder without manifest.json or cdk.tf.json; ${EXPECTED_INPUT}`);
  }
  const stat = statSync(path);
  // Plans are streamed: a fraction of the memory of JSON.parse, and no limit at V8's 512 MB
  // string length. Terraform writes format_version first, which tells a plan from a config.
  if (stat.isFile() && stat.size >= streamingThreshold() && looksLikePlanFile(path)) {
    try {
      return [modelFromPlanFile(path, undefined, options)];
    } catch (error) {
      // Bad input: the whole-file reader says what is wrong in the same words as for any other
      // file (and takes the rare file the streaming reader refuses but JSON.parse does not).
      // Not for large files: parsing one whole would take gigabytes just to word a message.
      if (!(error instanceof InputError) || stat.size > WHOLE_FILE_ANSWER_BYTES) throw error;
    }
  }
  return [modelFromJson(readJsonFile(path), path, options)];
}

/** Up to this size, bad plans are answered by the whole-file reader: parsing them whole costs at most a few times their size. */
const WHOLE_FILE_ANSWER_BYTES = 64 * 1024 * 1024;

/**
 * PREFLIGHT_STREAMING_THRESHOLD_BYTES sets the size from which plans are streamed, for tests
 * (`Infinity`: never) and comparisons.
 */
function streamingThreshold(): number {
  const setting = process.env.PREFLIGHT_STREAMING_THRESHOLD_BYTES;
  const override = setting ? Number(setting) : NaN;
  return override >= 0 ? override : STREAMING_THRESHOLD_BYTES;
}

export function modelFromJson(json: unknown, file: string, options: LoadOptions = {}): Model {
  if (isPlanJson(json)) return modelFromPlan(json, file, options);
  if (isTerraformJson(json)) return modelFromTerraformJson(json, { file, root: dirname(file) }, options);
  const shape = Array.isArray(json) ? "a JSON array" : json === null ? "null" : typeof json === "object" ? "a JSON object of another kind" : `a JSON ${typeof json}`;
  if (typeof json === "object" && json !== null && "values" in json && "format_version" in json) {
    throw new InputError(file, "is Terraform state (`terraform show -json` without a plan file); run `terraform plan -out plan.out && terraform show -json plan.out`");
  }
  throw new InputError(file, `is ${shape}; ${EXPECTED_INPUT}`);
}
