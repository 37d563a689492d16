import * as fs from "fs";
import * as path from "path";
import type { IConstruct } from "constructs";
import { Testing, type TerraformStack } from "cdktf";

/** Annotations of a given level under a scope, as `[path] message`. */
export function annotations(scope: IConstruct, level: "error" | "warn" | "info"): string[] {
  return scope.node
    .findAll()
    .flatMap((c) =>
      c.node.metadata.filter((m) => m.type === `@cdktf/${level}`).map((m) => `[${c.node.path}] ${String(m.data)}`),
    );
}

/** The cdk.tf.json a full synth wrote for a stack. */
export function readStackJson(outdir: string, stack: string): any {
  return JSON.parse(fs.readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8"));
}

export function readManifest(outdir: string): any {
  return JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
}

/** The message a full synth fails with (the aspect's errors); throws when the synth succeeds. */
export function synthError(stack: TerraformStack): string {
  try {
    Testing.fullSynth(stack);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("synth did not fail");
}

export const REPO = path.resolve(__dirname, "../..");
