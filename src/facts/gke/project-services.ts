import type { Resource } from "../../model/types";
import { booleanAttribute } from "../../model/access";
import type { IamIndex } from "../iam/index-grants";
import { addToList } from "../../model/multimap";
import { unsetDisableOnDestroy, type MajorRange } from "./provider-version";

export const PROJECT_SERVICE = "google_project_service";

/** The google_project_service resources of one project and API (indexed once per input). */
export function serviceResources(iam: IamIndex, project: string, api: string): Resource[] {
  let index = serviceIndexes.get(iam);
  if (!index) {
    index = new Map();
    for (const r of iam.model.byType.get(PROJECT_SERVICE) ?? []) {
      const key = `${iam.catalog.projectOf(r).key}|${String(r.values.service)}`;
      addToList(index, key, r);
    }
    serviceIndexes.set(iam, index);
  }
  return index.get(`${project}|${api}`) ?? [];
}

const serviceIndexes = new WeakMap<IamIndex, Map<string, Resource[]>>();

/**
 * Whether destroying this google_project_service disables the API. Unset means true before
 * provider 7.0 (and in the prebuilt CDKTF bindings, which pin 6.x), false from 7.0: decided only
 * when every provider version the constraint admits agrees ({@link GkeFacts.googleProviderMajors}).
 */
export function disablesOnDestroy(resource: Resource, providerMajors: MajorRange | undefined): boolean | "unknown" {
  const values = resource.change === "delete" ? resource.before ?? resource.values : resource.values;
  const set = booleanAttribute(values, "disable_on_destroy");
  if (set === true || set === false) return set;
  return unsetDisableOnDestroy(providerMajors);
}
