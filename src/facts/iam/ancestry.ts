import type { Model, Resource, Value } from "../../model/types";
import { isUnknown, Unknown } from "../../model/unknown";
import { block, blocks, stringAttribute } from "../../model/access";
import type { ProjectCatalog } from "./projects";
import type { Identity, IdentityResolver } from "./identity";
import type { Grant } from "./grants";
import { addToList } from "../../model/multimap";
import type { LiveView } from "../live-view";

/**
 * Grants made on a folder or organisation reach every project below it
 * (https://cloud.google.com/iam/docs/resource-hierarchy-access-control). When the configuration
 * shows a project's place in the hierarchy (google_project.folder_id / org_id, google_folder.parent),
 * or --live read the project's ancestry, grants of google_folder_iam_* and google_organization_iam_*
 * count for that project too. Nodes are keyed `folders/<id>`, `organizations/<id>`, or
 * `folder-resource:<address>` for a folder created here whose id is not known yet.
 */
export class ProjectAncestry {
  /** Node key → parent node key. */
  private readonly parentOf = new Map<string, string>();
  /** Project key → the node directly above it. */
  private readonly projectParent = new Map<string, string>();
  /** Projects whose whole ancestry --live read. */
  private readonly readLive = new Set<string>();

  constructor(private readonly model: Model, catalog: ProjectCatalog, live?: LiveView) {
    for (const folder of model.byType.get("google_folder") ?? []) {
      const parent = this.node(folder.values.parent, "any");
      if (!parent) continue;
      for (const key of this.folderKeys(folder)) this.parentOf.set(key, parent);
    }
    for (const project of model.byType.get("google_project") ?? []) {
      const id = typeof project.values.project_id === "string" ? catalog.canonical(project.values.project_id) : undefined;
      if (!id || project.change === "delete") continue;
      const parent = this.node(project.values.folder_id, "folder") ?? this.node(project.values.org_id, "organization");
      if (parent) this.projectParent.set(id, parent);
    }
    // The live ancestry (`projects/p`, `folders/f`, …, `organizations/o`) is what Google says now.
    for (const [key, project] of live?.projectsRead() ?? []) {
      if (!project.ancestry) continue;
      const id = catalog.canonical(project.projectId ?? key);
      const above = project.ancestry.filter((n) => n.startsWith("folders/") || n.startsWith("organizations/"));
      this.readLive.add(id);
      if (above.length === 0) continue;
      this.projectParent.set(id, above[0]!);
      for (let i = 0; i + 1 < above.length; i++) this.parentOf.set(above[i]!, above[i + 1]!);
    }
  }

  /**
   * The folders and organisation above a project as far as the input (or --live) shows, and whether
   * that is all of them: read live, or a chain that reaches an organisation, which has no parent.
   */
  knownAncestry(project: string): { nodes: string[]; complete: boolean } {
    const nodes = this.ancestorsOf(project);
    const top = nodes[nodes.length - 1];
    return { nodes, complete: this.readLive.has(project) || (top !== undefined && top.startsWith("organizations/")) };
  }

  /** The folders and organisation above a project, nearest first, as far as the input shows. */
  ancestorsOf(project: string): string[] {
    const out: string[] = [];
    let node = this.projectParent.get(project);
    while (node && !out.includes(node)) {
      out.push(node);
      node = this.parentOf.get(node);
    }
    return out;
  }

  /** Projects (known to the configuration) below each node. */
  descendants(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const project of this.projectParent.keys()) {
      for (const node of this.ancestorsOf(project)) {
        addToList(out, node, project);
      }
    }
    return out;
  }

  /** A folder or organisation named by a literal (`folders/1`, `1`) or a reference to a google_folder / organisation data source. */
  node(value: Value | undefined, kind: "folder" | "organization" | "any"): string | undefined {
    if (typeof value === "number") value = String(value);
    if (typeof value === "string" && value) {
      if (value.startsWith("folders/") || value.startsWith("organizations/")) return value;
      if (!/^\d+$/.test(value)) return undefined;
      return kind === "organization" ? `organizations/${value}` : kind === "folder" ? `folders/${value}` : undefined;
    }
    if (isUnknown(value)) {
      for (const ref of value.references) {
        const base = ref.replace(/\.(name|id|folder_id|org_id)$/, "");
        const target = this.model.byAddress.get(base);
        if (target?.type === "google_folder") return this.folderKeys(target)[0];
        if (target?.type === "google_organization") {
          const org = stringAttribute(target.values, "org_id");
          if (typeof org === "string") return `organizations/${org.replace(/^organizations\//, "")}`;
        }
      }
    }
    return undefined;
  }

  private folderKeys(folder: Resource): string[] {
    const keys = [`folder-resource:${folder.address}`];
    const id = stringAttribute(folder.values, "folder_id") ?? stringAttribute(folder.values, "name");
    if (typeof id === "string" && id) keys.unshift(id.startsWith("folders/") ? id : `folders/${id}`);
    return keys;
  }
}

/** An IAM condition that is clearly always true (`true`) does not restrict the grant. */
export function isConditional(condition: Value | undefined): boolean {
  const c = block(condition);
  if (!c) return false;
  const expression = c.expression;
  return !(typeof expression === "string" && expression.trim() === "true");
}

const LEVELS = [
  { prefix: "google_folder_iam", scope: "folder" as const, argument: "folder" },
  { prefix: "google_organization_iam", scope: "organization" as const, argument: "org_id" },
];

/** A grant on a folder or organisation, before it is known which projects are below it. */
export interface AncestorGrant {
  /** `folders/<id>`, `organizations/<id>`, `folder-resource:<address>`; undefined when not known before apply. */
  node: string | undefined;
  role: string | Unknown;
  identity: Identity;
  conditional: boolean;
  resource: Resource;
  destroyed: boolean;
}

/**
 * Grants of folder and organisation IAM resources: one per project below them that the input
 * shows (`grants`, so the project-level questions see them), and every one as made (`ancestorGrants`),
 * so a project whose ancestry is not shown can say that such a grant may reach it.
 */
export function inheritedGrants(model: Model, catalog: ProjectCatalog, identities: IdentityResolver, live?: LiveView): { grants: Grant[]; ancestorGrants: AncestorGrant[]; ancestry: ProjectAncestry } {
  const ancestry = new ProjectAncestry(model, catalog, live);
  const below = ancestry.descendants();
  const grants: Grant[] = [];
  const ancestorGrants: AncestorGrant[] = [];
  for (const level of LEVELS) {
    for (const kind of ["member", "binding", "policy"] as const) {
      for (const r of model.byType.get(`${level.prefix}_${kind}`) ?? []) {
        if (r.mode !== "managed") continue;
        const node = ancestry.node(r.values[level.argument], level.scope);
        const projects = node ? below.get(node) : undefined;
        for (const { role, identity, conditional } of entries(r, kind, model, identities)) {
          ancestorGrants.push({ node, role, identity, conditional, resource: r, destroyed: r.change === "delete" });
          for (const project of projects ?? []) {
            grants.push({ role, identity, project: { key: project, createdHere: catalog.isCreatedHere(project) }, resource: r, kind: "inherited", conditional, destroyed: r.change === "delete" });
          }
        }
      }
    }
  }
  return { grants, ancestorGrants, ancestry };
}

type Entry = { role: string | Unknown; identity: Identity; conditional: boolean };

function entries(r: Resource, kind: "member" | "binding" | "policy", model: Model, identities: IdentityResolver): Entry[] {
  const role = (value: Value | undefined): string | Unknown => (typeof value === "string" ? value : isUnknown(value) ? value : new Unknown("the role is not set"));
  const members = (value: Value | undefined): Identity[] => {
    if (isUnknown(value)) return [{ kind: "unknown", display: "(members known after apply)", reason: value.reason }];
    return (Array.isArray(value) ? value : []).map((m) => identities.member(m));
  };
  if (kind === "member") return [{ role: role(r.values.role), identity: identities.member(r.values.member), conditional: isConditional(r.values.condition) }];
  if (kind === "binding") return members(r.values.members).map((identity) => ({ role: role(r.values.role), identity, conditional: isConditional(r.values.condition) }));
  const data = r.values.policy_data;
  if (typeof data === "string") {
    try {
      const parsed = JSON.parse(data) as { bindings?: Array<{ role?: unknown; members?: unknown; condition?: { expression?: unknown } }> };
      return (parsed.bindings ?? []).flatMap((b) =>
        (Array.isArray(b.members) ? b.members : []).map((m) => ({
          role: typeof b.role === "string" ? b.role : new Unknown("binding without role"),
          identity: identities.member(typeof m === "string" ? m : undefined),
          conditional: b.condition !== undefined && b.condition !== null && !(typeof b.condition.expression === "string" && b.condition.expression.trim() === "true"),
        })),
      );
    } catch {
      return [];
    }
  }
  if (isUnknown(data)) {
    const source = data.references.map((ref) => model.byAddress.get(ref.replace(/\.policy_data$/, ""))).find((d) => d?.type === "google_iam_policy");
    if (source) return blocks(source.values.binding).flatMap((b) => members(b.members).map((identity) => ({ role: role(b.role), identity, conditional: isConditional(b.condition) })));
    // A policy only known after apply may grant anything to anyone.
    return [{ role: new Unknown(`the policy of ${r.address} is only known after apply`), identity: { kind: "unknown", display: "(members known after apply)", reason: data.reason }, conditional: false }];
  }
  return [];
}
