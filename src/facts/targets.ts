import type { Model, Resource, Value } from "../model/types";
import { isUnknown } from "../model/unknown";
import { parseReference } from "../model/expressions";

/**
 * A Google resource that a value names (a subnetwork, a KMS key, a key ring): by the Terraform
 * resource that creates or reads it, by its canonical path (`projects/p/regions/r/subnetworks/s`),
 * or both. When neither can be told, `reason` says why.
 */
export interface Target {
  resource?: Resource;
  path?: string;
  reason?: string;
}

const API_PREFIX = /^(?:https:\/\/(?:www\.)?(?:compute|cloudkms)\.googleapis\.com\/(?:compute\/)?(?:v1|beta)\/|\/\/(?:compute|cloudkms)\.googleapis\.com\/)/;

/** `https://www.googleapis.com/compute/v1/projects/p/…` and `//cloudkms.googleapis.com/projects/…` → `projects/p/…`. */
export function canonicalPath(text: string): string {
  return text.trim().replace(/^https:\/\/www\.googleapis\.com\/compute\/(?:v1|beta)\//, "").replace(API_PREFIX, "");
}

/**
 * Whether the configuration sets the value: a plan marks an attribute it does not set but the
 * provider computes as unknown, with no expression behind it; that is no choice to check.
 */
export function isSet(value: Value | undefined): value is Value {
  if (value === undefined || value === null || value === "") return false;
  return !(isUnknown(value) && value.references.length === 0 && !value.template);
}

/**
 * What a value names, among resources of the given types: a literal becomes a path (through
 * `pathOfLiteral`, which may complete a bare name), a reference becomes the resource it refers to
 * (with its path when the resource's own values tell it).
 */
export function targetOf(
  value: Value | undefined,
  types: readonly string[],
  model: Model,
  pathOfResource: (resource: Resource) => string | undefined,
  pathOfLiteral: (text: string) => string | undefined = canonicalPath,
): Target | undefined {
  if (!isSet(value)) return undefined;
  if (typeof value === "string") {
    const path = pathOfLiteral(value);
    return path ? { path } : { reason: `\`${value}\` does not name a ${types.join(" or ")}` };
  }
  if (!isUnknown(value)) return { reason: "the value is not a string" };
  for (const reference of value.references) {
    const resource = referencedResource(reference, model);
    if (resource && types.includes(resource.type)) return { resource, path: pathOfResource(resource) };
  }
  return { reason: `it is ${value.template ? `\`${value.template}\`` : "computed"}, only known after apply` };
}

/** The resource a reference such as `google_kms_crypto_key.k.id` or `data.google_compute_subnetwork.s.self_link` points at. */
export function referencedResource(reference: string, model: Model): Resource | undefined {
  const parsed = parseReference(reference);
  if (parsed.kind !== "resource" && parsed.kind !== "data") return undefined;
  const index = parsed.index === undefined ? "" : /^\d+$/.test(parsed.index) ? `[${parsed.index}]` : `["${parsed.index}"]`;
  return model.byAddress.get(parsed.target + index) ?? model.byAddress.get(parsed.target);
}

/** Whether two targets are the same Google resource: "maybe" when one is only known by a resource whose path is computed. */
export function sameTarget(a: Target, b: Target): "yes" | "no" | "maybe" {
  if (a.resource && b.resource && a.resource === b.resource) return "yes";
  if (a.path && b.path) return a.path === b.path ? "yes" : "no";
  if (a.reason || b.reason) return "maybe";
  // Both by resource, different resources: two Terraform resources may still name one key (a data source and a resource).
  if (a.resource && b.resource) return a.resource.type === b.resource.type && a.resource.mode === b.resource.mode ? "no" : "maybe";
  return "maybe";
}

/** A target the configuration creates in this apply, so no grant made outside it can exist on it yet. */
export function createdByThisApply(target: Target): boolean {
  const r = target.resource;
  return !!r && r.mode === "managed" && (r.change === "create" || r.change === "replace" || r.change === "planned");
}
