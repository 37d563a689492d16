import type { Model, Resource } from "../model/types";

/**
 * Which of a fixed set of "target" resources each resource waits for, through `depends_on` and
 * references, transitively. Terraform creates a resource only after everything it depends on, so
 * "reaches" means "is ordered after". Reach sets are memoised and shared between resources with
 * the same set, so a plan with many node pools that all go through one cluster stays linear.
 */
export class DependencyReach {
  private readonly reach = new Map<string, ReadonlySet<string>>();
  private readonly instancesByBase = new Map<string, Resource[]>();
  private readonly resourcesByModule = new Map<string, Resource[]>();

  constructor(
    private readonly model: Model,
    private readonly isTarget: (resource: Resource) => boolean,
  ) {
    for (const r of model.resources) {
      push(this.instancesByBase, r.address.replace(/\[[^\]]*\]$/, ""), r);
      if (r.module) {
        // depends_on = [module.x] waits for every resource of that module (and of its children).
        const parts = r.module.split(".module.");
        for (let i = 1; i <= parts.length; i++) push(this.resourcesByModule, parts.slice(0, i).join(".module."), r);
      }
    }
  }

  /** Target addresses the resource is ordered after. */
  targetsReachedFrom(resource: Resource): ReadonlySet<string> {
    const known = this.reach.get(resource.address);
    if (known) return known;
    // Iterative post-order walk: deep chains must not overflow the stack. A frame joins the
    // path when it is expanded; a pending frame already finished through another path is dropped.
    const stack: Array<{ resource: Resource; children?: Resource[] }> = [{ resource }];
    const path = new Set<string>();
    while (stack.length) {
      const frame = stack[stack.length - 1];
      const address = frame.resource.address;
      if (!frame.children) {
        if (this.reach.has(address)) {
          stack.pop();
          continue;
        }
        frame.children = this.dependencies(frame.resource);
        path.add(address);
        let pushed = false;
        for (const child of frame.children) {
          // A child on the path is a cycle, which Terraform rejects: ignore that edge.
          if (this.reach.has(child.address) || path.has(child.address)) continue;
          stack.push({ resource: child });
          pushed = true;
        }
        if (pushed) continue;
      }
      stack.pop();
      path.delete(address);
      this.reach.set(address, this.union(frame.children));
    }
    return this.reach.get(resource.address)!;
  }

  private union(children: Resource[]): ReadonlySet<string> {
    let result: ReadonlySet<string> = EMPTY;
    let owned: Set<string> | undefined;
    for (const child of children) {
      const childReach = this.reach.get(child.address) ?? EMPTY;
      const adds = this.isTarget(child) && !result.has(child.address);
      if (!adds && (childReach.size === 0 || childReach === result)) continue;
      if (!owned && result.size === 0 && !adds) {
        result = childReach; // share the child's set until something differs
        continue;
      }
      if (!owned) {
        owned = new Set(result);
        result = owned;
      }
      for (const t of childReach) owned.add(t);
      if (adds) owned.add(child.address);
    }
    return result;
  }

  private dependencies(resource: Resource): Resource[] {
    const out: Resource[] = [];
    const seen = new Set<string>();
    const add = (r: Resource) => {
      if (r.address !== resource.address && !seen.has(r.address)) {
        seen.add(r.address);
        out.push(r);
      }
    };
    for (const address of [...resource.dependsOn, ...resource.references]) {
      const exact = this.model.byAddress.get(address);
      if (exact) add(exact);
      else if (this.instancesByBase.has(address)) this.instancesByBase.get(address)!.forEach(add);
      else if (address.startsWith("module.")) (this.resourcesByModule.get(address) ?? []).forEach(add);
    }
    return out;
  }
}

const EMPTY: ReadonlySet<string> = new Set();

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Resources the apply creates (a configuration says what will exist: on a first apply, all of it). */
export function isCreated(resource: Resource): boolean {
  return resource.change === "create" || resource.change === "replace" || resource.change === "planned";
}
