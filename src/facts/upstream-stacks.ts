import type { Model, Resource } from "../model/types";
import { isUnknown } from "../model/unknown";
import { booleanAttribute } from "../model/access";
import { UNKNOWN_DEPENDENCIES } from "../model/app";
import { IamIndex } from "./iam/index-grants";
import type { ProjectCatalog } from "./iam/projects";
import type { UpstreamStack } from "./iam/upstream-grants";

export type { UpstreamStack } from "./iam/upstream-grants";

const ownIndexes = new WeakMap<Model, IamIndex>();

/** The offline IAM index of a stack's own configuration, shared by every stack that reads it. */
export function ownIamIndex(model: Model): IamIndex {
  let iam = ownIndexes.get(model);
  if (!iam) ownIndexes.set(model, (iam = new IamIndex(model)));
  return iam;
}

export function upstreamStacks(model: Model): UpstreamStack[] {
  const self = model.app?.find((s) => s.model === model);
  if (!model.app || !self || self.dependsOn === UNKNOWN_DEPENDENCIES) return [];
  return model.app.filter((s) => s !== self && self.dependsOn.has(s.name)).map((s) => ({ name: s.name, model: s.model, outputs: s.outputs, get iam() { return ownIamIndex(s.model); } }));
}

/** A node account an upstream stack creates (and keeps), by email. */
export interface UpstreamAccount {
  resource: Resource;
  stack: string;
  /** `disabled` as written: true, false (or unset), or only known after apply. */
  disabled: boolean | "unknown";
}

const accountsCache = new WeakMap<Model, Map<string, Resource>>();

/** The accounts the upstream stacks create whose email is known before apply. */
export function upstreamAccount(upstream: readonly UpstreamStack[], email: string): UpstreamAccount | undefined {
  const wanted = email.toLowerCase();
  for (const stack of upstream) {
    let accounts = accountsCache.get(stack.model);
    if (!accounts) {
      accounts = new Map();
      for (const r of stack.model.byType.get("google_service_account") ?? []) {
        if (r.mode !== "managed" || r.change === "delete") continue;
        const found = stack.iam.identities.account(r).email;
        if (found && !accounts.has(found)) accounts.set(found, r);
      }
      accountsCache.set(stack.model, accounts);
    }
    const resource = accounts.get(wanted);
    if (!resource) continue;
    const disabled = booleanAttribute(resource.values, "disabled");
    return { resource, stack: stack.name, disabled: isUnknown(disabled) ? "unknown" : disabled === true };
  }
  return undefined;
}

const servicesCache = new WeakMap<Model, Map<string, Resource>>();

/** The google_project_service of an upstream stack that enables (and keeps) the API on the project. */
export function upstreamService(upstream: readonly UpstreamStack[], catalog: ProjectCatalog, project: string, api: string): { resource: Resource; stack: string } | undefined {
  for (const stack of upstream) {
    let services = servicesCache.get(stack.model);
    if (!services) {
      services = new Map();
      for (const r of stack.model.byType.get("google_project_service") ?? []) {
        const key = stack.iam.catalog.projectOf(r).key;
        if (r.mode !== "managed" || r.change === "delete" || key === undefined || typeof r.values.service !== "string") continue;
        services.set(`${key}|${r.values.service}`, r);
      }
      servicesCache.set(stack.model, services);
    }
    // The other stack names the project as it knows it; both ids and numbers it links are tried.
    for (const key of new Set([project, catalog.numberOf(project) ?? project])) {
      const resource = services.get(`${key}|${api}`);
      if (resource) return { resource, stack: stack.name };
    }
  }
  return undefined;
}
