import type { Resource } from "./types";

/** Resources the apply creates (a configuration says what will exist: on a first apply, all of it). */
export function isCreated(resource: Resource): boolean {
  return resource.change === "create" || resource.change === "replace" || resource.change === "planned";
}
