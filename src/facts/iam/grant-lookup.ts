import { addToList } from "../../model/multimap";
import type { AuthoritativeSet, Grant, Removal } from "./grants";
import type { Identity } from "./identity";

const NO_SETS: readonly AuthoritativeSet[] = [];
const NO_REMOVALS: readonly Removal[] = [];

/**
 * Lookups by project and identity, so that a query costs the grants that can matter to it,
 * not every grant in the input (10,000 node pools against 10,000 members stay linear).
 */
export class GrantLookup {
  private readonly byProjectIdentity = new Map<string, Grant[]>();
  private readonly byProject = new Map<string, Grant[]>();
  /** Identity unknown on a known project, and project unknown: they may match any query. */
  private readonly unknownIdentityByProject = new Map<string, Grant[]>();
  private readonly unknownProject: Grant[] = [];
  private readonly relevantCache = new Map<string, Grant[]>();
  private readonly literalAccountsByProject = new Map<string, Grant[]>();
  private readonly accountResourcesByProject = new Map<string, Grant[]>();
  private readonly authoritativeByProject = new Map<string, AuthoritativeSet[]>();
  private readonly removalsByProject = new Map<string, Removal[]>();
  /** Identities are never changed, so what concerns one object stays true. */
  private readonly relevantByIdentity = new WeakMap<Identity, Map<string, Grant[]>>();

  constructor(grants: readonly Grant[], authoritative: readonly AuthoritativeSet[], removals: readonly Removal[]) {
    for (const g of grants) {
      const project = g.project.key;
      if (project === undefined || g.identity.key === undefined) {
        if (project === undefined) {
          this.unknownProject.push(g);
          continue;
        }
        addToList(this.unknownIdentityByProject, project, g);
      }
      addToList(this.byProject, project, g);
      if (g.identity.key !== undefined) addToList(this.byProjectIdentity, `${project}|${g.identity.key}`, g);
      if (g.identity.key?.startsWith("sa-resource:")) addToList(this.accountResourcesByProject, project, g);
      else if (g.identity.kind === "service-account" && !g.identity.createdBy) addToList(this.literalAccountsByProject, project, g);
    }
    for (const a of authoritative) if (a.project.key !== undefined && !a.destroyed) addToList(this.authoritativeByProject, a.project.key, a);
    for (const r of removals) if (r.project.key !== undefined) addToList(this.removalsByProject, r.project.key, r);
  }

  /** The authoritative bindings and policies on the project that the apply keeps. */
  authoritativeOn(project: string): readonly AuthoritativeSet[] {
    return this.authoritativeByProject.get(project) ?? NO_SETS;
  }

  removalsOn(project: string): readonly Removal[] {
    return this.removalsByProject.get(project) ?? NO_REMOVALS;
  }

  /** Every grant that may concern this identity on this project (a superset; callers still compare). */
  relevant(identity: Identity, project: string): Grant[] {
    // Asked many times for the same Identity object (every role, every permission): look it up by
    // the object first, without building the text key.
    let ofIdentity = this.relevantByIdentity.get(identity);
    if (!ofIdentity) this.relevantByIdentity.set(identity, (ofIdentity = new Map()));
    let grants = ofIdentity.get(project);
    if (!grants) ofIdentity.set(project, (grants = this.relevantByKey(identity, project)));
    return grants;
  }

  private relevantByKey(identity: Identity, project: string): Grant[] {
    const cacheKey = identity.key === undefined ? undefined : `${project}|${identity.key}|${identity.kind}|${identity.createdBy ? "c" : ""}`;
    const cached = cacheKey && this.relevantCache.get(cacheKey);
    if (cached) return cached;
    let out: Grant[];
    if (identity.key === undefined) out = [...(this.byProject.get(project) ?? []), ...this.unknownProject];
    else {
      out = [...(this.byProjectIdentity.get(`${project}|${identity.key}`) ?? []), ...(this.unknownIdentityByProject.get(project) ?? []), ...this.unknownProject];
      if (identity.key.startsWith("sa-resource:")) out.push(...(this.literalAccountsByProject.get(project) ?? []));
      else if (identity.kind === "service-account" && !identity.createdBy) out.push(...(this.accountResourcesByProject.get(project) ?? []));
      out = [...new Set(out)];
    }
    if (cacheKey) this.relevantCache.set(cacheKey, out);
    return out;
  }
}
