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
  /**
   * Instances of blocks with `count`/`for_each`, in model order. A block without instance keys is
   * found by its address in the model instead: most are, and listing 100,000 one-resource blocks
   * was most of this class's cost. An input where that is not exact (an address twice, or a block
   * both with and without instance keys) lists every block here.
   */
  private readonly instancesByBlock = new Map<string, Resource[]>();
  private readonly listsEveryBlock: boolean;
  private readonly blocksByModule = new Map<string, Set<string>>();
  private readonly targetsOfBlock = new Map<string, string[]>();

  constructor(
    private readonly model: Model,
    isTarget: (resource: Resource) => boolean,
  ) {
    this.listsEveryBlock = !keysTellBlocksApart(model);
    const modulePrefixes = new Map<string, string[]>();
    for (const r of model.resources) {
      const block = withoutInstanceKey(r.address);
      if (this.listsEveryBlock || block !== r.address) addToList(this.instancesByBlock, block, r);
      if (isTarget(r)) addToList(this.targetsOfBlock, block, r.address);
      if (r.module) {
        // depends_on = [module.x] waits for every resource of that module (and of its children).
        let prefixes = modulePrefixes.get(r.module);
        if (!prefixes) modulePrefixes.set(r.module, (prefixes = moduleAndParents(r.module)));
        for (const key of prefixes) {
          const set = this.blocksByModule.get(key) ?? new Set<string>();
          set.add(block);
          this.blocksByModule.set(key, set);
        }
      }
    }
  }

  /** The resources of a block: its listed instances, or the one resource at that address. */
  private instancesOf(block: string): readonly Resource[] {
    const listed = this.instancesByBlock.get(block);
    if (listed || this.listsEveryBlock) return listed ?? NO_RESOURCES;
    const single = this.model.byAddress.get(block);
    return single ? [single] : NO_RESOURCES;
  }

  private isBlock(address: string): boolean {
    return this.instancesByBlock.has(address) || (!this.listsEveryBlock && this.model.byAddress.has(address));
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
    for (const instance of this.instancesOf(block)) {
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
    else if (this.isBlock(address)) into.add(address);
    else if (address.startsWith("module.")) for (const b of this.blocksByModule.get(address) ?? []) into.add(b);
  }
}

const EMPTY: ReadonlySet<string> = new Set();
const NO_RESOURCES: readonly Resource[] = [];

/** `module.a.module.b` → `module.a`, `module.a.module.b`. */
function moduleAndParents(module: string): string[] {
  const parts = module.split(".module.");
  return parts.map((_, i) => parts.slice(0, i + 1).join(".module."));
}

/**
 * True when every address is unique and no block is written both with and without an instance
 * key: then a block without instance keys is exactly the one resource at its address.
 */
function keysTellBlocksApart(model: Model): boolean {
  if (model.byAddress.size !== model.resources.length) return false;
  for (const r of model.resources) {
    const block = withoutInstanceKey(r.address);
    if (block !== r.address && model.byAddress.has(block)) return false;
  }
  return true;
}

