import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Model } from "../model/types";
import { InputError, EXPECTED_INPUT } from "./input-error";
import { readJsonFile } from "./read-json";
import { isPlanJson, modelFromPlan } from "./plan-json";
import { isTerraformJson, modelFromTerraformJson } from "./terraform-json";
import { isCdktfOut, modelsFromCdktfOut } from "./cdktf-out";
import { modelFromPlanFile, STREAMING_THRESHOLD_BYTES } from "./stream/plan-stream";

export { InputError } from "./input-error";
export { modelFromPlan } from "./plan-json";
export { modelFromTerraformJson } from "./terraform-json";

/** Reads a plan JSON, a Terraform JSON config or a cdktf.out folder, detected from content. */
export function loadInputs(path: string): Model[] {
  if (!existsSync(path)) throw new InputError(path, "no such file or folder");
  if (statSync(path).isDirectory()) {
    if (isCdktfOut(path)) return modelsFromCdktfOut(path);
    const single = join(path, "cdk.tf.json");
    if (existsSync(single)) return [modelFromJson(readJsonFile(single), single)];
    throw new InputError(path, `is a folder without manifest.json or cdk.tf.json; ${EXPECTED_INPUT}`);
  }
  const stat = statSync(path);
  // Large plans are streamed: half the memory of JSON.parse, and no limit at V8's 512 MB
  // string length. Terraform writes format_version first, which tells a plan from a config.
  if (stat.isFile() && stat.size > streamingThreshold() && startsLikePlan(path)) return [modelFromPlanFile(path)];
  return [modelFromJson(readJsonFile(path), path)];
}

/** PREFLIGHT_STREAMING_THRESHOLD_BYTES sets the size for tests and for machines with little memory. */
function streamingThreshold(): number {
  const override = Number(process.env.PREFLIGHT_STREAMING_THRESHOLD_BYTES);
  return Number.isFinite(override) && override > 0 ? override : STREAMING_THRESHOLD_BYTES;
}

function startsLikePlan(file: string): boolean {
  const head = Buffer.alloc(4096);
  const fd = openSync(file, "r");
  try {
    const read = readSync(fd, head, 0, head.length, 0);
    return head.subarray(0, read).toString("utf8").includes('"format_version"');
  } finally {
    closeSync(fd);
  }
}

export function modelFromJson(json: unknown, file: string): Model {
  if (isPlanJson(json)) return modelFromPlan(json, file);
  if (isTerraformJson(json)) return modelFromTerraformJson(json, { file });
  const shape = Array.isArray(json) ? "a JSON array" : json === null ? "null" : typeof json === "object" ? "a JSON object of another kind" : `a JSON ${typeof json}`;
  if (typeof json === "object" && json !== null && "values" in json && "format_version" in json) {
    throw new InputError(file, "is Terraform state (`terraform show -json` without a plan file); run `terraform plan -out plan.out && terraform show -json plan.out`");
  }
  throw new InputError(file, `is ${shape}; ${EXPECTED_INPUT}`);
}
