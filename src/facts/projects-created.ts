import type { Model } from "../model/types";
import { isCreated } from "../model/change";

/**
 * Project ids a google_project of this configuration creates in this apply: nothing outside the
 * configuration can have granted anything in them, created a key in them or a cluster, yet.
 * (The catalog's isCreatedHere also counts a google_project the plan leaves unchanged.)
 */
export function projectsCreatedByThisApply(model: Model): ReadonlySet<string> {
  const created = new Set<string>();
  for (const p of model.byType.get("google_project") ?? []) {
    if (p.mode === "managed" && isCreated(p) && typeof p.values.project_id === "string") created.add(p.values.project_id);
  }
  return created;
}
