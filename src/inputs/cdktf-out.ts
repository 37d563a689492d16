import { existsSync, realpathSync, statSync } from "node:fs";
import { join, relative, resolve, isAbsolute } from "node:path";
import type { BuildOptions } from "../model/build";
import type { AppStack, Model } from "../model/types";
import { UNKNOWN_DEPENDENCIES } from "../model/app";
import { excerpt, InputError, quoted } from "./input-error";
import { readJsonFile } from "./read-json";
import { isTerraformJson, modelFromTerraformJson } from "./terraform-json";

/**
 * A `cdktf.out` folder: every stack listed in its manifest.json, checked as one app: each
 * model knows the other stacks and which of them it is deployed after.
 */
export function modelsFromCdktfOut(folder: string, options: BuildOptions = {}): Model[] {
  const manifestFile = join(folder, "manifest.json");
  // The manifest may be a link too, and is confined like the stack files it lists.
  if (leavesFolder(folder, manifestFile)) throw new InputError(manifestFile, "is a link outside the folder; refusing to read it");
  const manifest = readJsonFile(manifestFile) as { stacks?: Record<string, { synthesizedStackPath?: unknown; name?: unknown; dependencies?: unknown }> };
  if (typeof manifest !== "object" || manifest === null || typeof manifest.stacks !== "object" || manifest.stacks === null) {
    throw new InputError(manifestFile, "expected a CDKTF manifest with a \"stacks\" object");
  }
  const root = resolve(folder);
  const models: Model[] = [];
  const direct = new Map<string, string[] | undefined>();
  const outputs = new Map<string, Map<string, string>>();
  for (const [key, stack] of Object.entries(manifest.stacks)) {
    const name = typeof stack?.name === "string" ? stack.name : key;
    const path = stack?.synthesizedStackPath;
    if (typeof path !== "string") throw new InputError(manifestFile, `stack ${quoted(name)} has no synthesizedStackPath`);
    const file = resolve(root, path);
    const inside = relative(root, file);
    if (inside.startsWith("..") || isAbsolute(inside)) {
      throw new InputError(manifestFile, `stack ${quoted(name)} points outside the folder (${excerpt(path)}); refusing to read it`);
    }
    if (file.endsWith(".tf")) {
      throw new InputError(manifestFile, `stack ${quoted(name)} was synthesized as HCL (cdktf synth --hcl); run cdktf synth without --hcl so that cdk.tf.json is written`);
    }
    if (!existsSync(file)) throw new InputError(manifestFile, `stack ${quoted(name)} points to ${excerpt(path)}, which does not exist; run cdktf synth again`);
    // A symbolic link inside the folder may lead out of it: compare where things really are.
    if (leavesFolder(root, file)) {
      throw new InputError(manifestFile, `stack ${quoted(name)} points through a link outside the folder (${excerpt(path)}); refusing to read it`);
    }
    const shown = join(folder, path);
    const json = readJsonFile(shown);
    if (!isTerraformJson(json)) throw new InputError(shown, "expected a Terraform JSON configuration (cdk.tf.json)");
    models.push(modelFromTerraformJson(json, { file: shown, stack: name, root: folder }, options));
    outputs.set(name, referenceOutputs(json));
    const dependencies = stack?.dependencies;
    direct.set(name, Array.isArray(dependencies) ? dependencies.filter((d): d is string => typeof d === "string") : undefined);
  }
  if (models.length > 1) attachApp(models, direct, outputs);
  return models;
}

/** Whether a file that exists in `folder` really is somewhere else (a symbolic link on the way leads out). */
export function leavesFolder(folder: string, file: string): boolean {
  let inside: string;
  try {
    inside = relative(realpathSync(folder), realpathSync(file));
  } catch {
    return false; // missing or unreadable: reading it says so
  }
  return inside.startsWith("..") || isAbsolute(inside);
}

/**
 * Checks stacks of one CDKTF app together, as a cdktf.out is checked: for a door that has the
 * stacks' configurations in memory (the aspect at synth: `stack.toTerraform()` and the names
 * of `stack.dependencies`). `dependencies` undefined: not known.
 */
export function modelsOfApp(stacks: ReadonlyArray<{ name: string; json: unknown; file: string; dependencies?: readonly string[] }>, options: BuildOptions = {}): Model[] {
  const models = stacks.map((s) => modelFromTerraformJson(s.json, { file: s.file, stack: s.name }, options));
  if (models.length > 1) attachApp(models, new Map(stacks.map((s) => [s.name, s.dependencies ? [...s.dependencies] : undefined])), new Map(stacks.map((s) => [s.name, referenceOutputs(s.json)])));
  return models;
}

/** Gives every model the app's stacks, with what each is deployed after (transitively). */
function attachApp(models: Model[], direct: ReadonlyMap<string, string[] | undefined>, outputs: ReadonlyMap<string, ReadonlyMap<string, string>>): void {
  const closure = (name: string): ReadonlySet<string> => {
    if (direct.get(name) === undefined) return UNKNOWN_DEPENDENCIES;
    const seen = new Set<string>();
    const pending = [...direct.get(name)!];
    while (pending.length) {
      const next = pending.pop()!;
      if (seen.has(next)) continue;
      seen.add(next);
      pending.push(...(direct.get(next) ?? []));
    }
    return seen;
  };
  const app: AppStack[] = models.map((model) => ({ name: model.stack!, dependsOn: closure(model.stack!), model, outputs: outputs.get(model.stack!) ?? new Map() }));
  // Not enumerable: reports and tests that serialise or compare a model do not walk the app.
  for (const model of models) Object.defineProperty(model, "app", { value: app, enumerable: false });
}

/** The root outputs of a stack's cdk.tf.json whose value is a single reference, by name (the reference without `${}`). */
function referenceOutputs(json: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const block = (json as { output?: unknown } | null)?.output;
  if (typeof block !== "object" || block === null) return out;
  for (const [name, output] of Object.entries(block)) {
    const value = (output as { value?: unknown } | null)?.value;
    const reference = typeof value === "string" ? /^\$\{([^${}]+)\}$/.exec(value)?.[1] : undefined;
    if (reference) out.set(name, reference);
  }
  return out;
}

export function isCdktfOut(folder: string): boolean {
  return existsSync(join(folder, "manifest.json")) && statSync(folder).isDirectory();
}
