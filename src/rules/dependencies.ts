import type { Model, Resource } from "../model/types";
import { addToList } from "../model/multimap";
import { withoutInstanceKey } from "../model/addresses";

/**
 * Which of a fixed set of "target" resources each resource waits for, through `depends_on` and
 * references, transitively. Terraform creates a resource only after everything it depends on, so
 * "reaches" means "is ordered after".
 *
 * Terraform orders by configuration block, not by instance: every instance of
 * `google_container_node_pool.pools[*]` waits for every instance of what the block refers to. The
 * walk is therefore over blocks (addresses without their instance key), each computed once and
 * memoised, so 10,000 pool instances that refer to 10,000 grant instances stay linear.
 */
export class DependencyReach {
  private readonly reach = new Map<string, ReadonlySet<string>>();
  private readonly instancesByBlock = new Map<string, Resource[]>();
  private readonly blocksByModule = new Map<string, Set<string>>();
  private readonly targetsOfBlock = new Map<string, string[]>();

  constructor(
    private readonly model: Model,
    isTarget: (resource: Resource) => boolean,
  ) {
    for (const r of model.resources) {
      const block = withoutInstanceKey(r.address);
      addToList(this.instancesByBlock, block, r);
      if (isTarget(r)) addToList(this.targetsOfBlock, block, r.address);
      if (r.module) {
        // depends_on = [module.x] waits for every resource of that module (and of its children).
        const parts = r.module.split(".module.");
        for (let i = 1; i <= parts.length; i++) {
          const key = parts.slice(0, i).join(".module.");
          const set = this.blocksByModule.get(key) ?? new Set<string>();
          set.add(block);
          this.blocksByModule.set(key, set);
        }
      }
    }
  }

  /** Target addresses the resource is ordered after. */
  targetsReachedFrom(resource: Resource): ReadonlySet<string> {
    const start = withoutInstanceKey(resource.address);
    const known = this.reach.get(start);
    if (known) return known;
    // Iterative post-order walk: deep chains must not overflow the stack. A frame joins the
    // path when it is expanded; a pending frame already finished through another path is dropped.
    const stack: Array<{ block: string; children?: string[] }> = [{ block: start }];
    const path = new Set<string>();
    while (stack.length) {
      const frame = stack[stack.length - 1];
      if (!frame.children) {
        if (this.reach.has(frame.block)) {
          stack.pop();
          continue;
        }
        frame.children = this.dependencies(frame.block);
        path.add(frame.block);
        let pushed = false;
        for (const child of frame.children) {
          // A child on the path is a cycle, which Terraform rejects: ignore that edge.
          if (this.reach.has(child) || path.has(child)) continue;
          stack.push({ block: child });
          pushed = true;
        }
        if (pushed) continue;
      }
      stack.pop();
      path.delete(frame.block);
      this.reach.set(frame.block, this.union(frame.children));
    }
    return this.reach.get(start)!;
  }

  /** What a block reaches: its children's targets and everything they reach, sharing sets where possible. */
  private union(children: string[]): ReadonlySet<string> {
    let result: ReadonlySet<string> = EMPTY;
    let owned: Set<string> | undefined;
    for (const child of children) {
      const childReach = this.reach.get(child) ?? EMPTY;
      const targets = this.targetsOfBlock.get(child) ?? [];
      if (targets.length === 0 && (childReach.size === 0 || childReach === result)) continue;
      if (!owned && result.size === 0 && targets.length === 0) {
        result = childReach; // share the child's set until something differs
        continue;
      }
      if (!owned) {
        owned = new Set(result);
        result = owned;
      }
      for (const t of childReach) owned.add(t);
      for (const t of targets) owned.add(t);
    }
    return result;
  }

  /** The blocks one block refers to or depends on (its instances share one configuration). */
  private dependencies(block: string): string[] {
    const out = new Set<string>();
    for (const instance of this.instancesByBlock.get(block) ?? []) {
      for (const address of instance.dependsOn) this.addBlocksOf(address, out);
      for (const address of instance.references) this.addBlocksOf(address, out);
      if (instance.dependsOn.length === 0 && instance.references.length === 0) continue;
      // Instances of one block share their configuration: the first one says it all.
      break;
    }
    out.delete(block);
    return [...out];
  }

  /** The block(s) an address in `depends_on` or a reference stands for: a resource, a block, or a whole module. */
  private addBlocksOf(address: string, into: Set<string>): void {
    const exact = this.model.byAddress.get(address);
    if (exact) into.add(withoutInstanceKey(exact.address));
    else if (this.instancesByBlock.has(address)) into.add(address);
    else if (address.startsWith("module.")) for (const b of this.blocksByModule.get(address) ?? []) into.add(b);
  }
}

const EMPTY: ReadonlySet<string> = new Set();

/** Resources the apply creates (a configuration says what will exist: on a first apply, all of it). */
export function isCreated(resource: Resource): boolean {
  return resource.change === "create" || resource.change === "replace" || resource.change === "planned";
}
