import type { Model, Resource, Value } from "../../model/types";
import { isUnknown, Unknown } from "../../model/unknown";
import type { LiveView } from "../live-view";

/** A project as the engine can name it: a key (its id, or its number when no id is known). */
export type ProjectResolution = { key: string; createdHere: boolean } | { key?: undefined; reason: string };

/**
 * What the input (and live facts) say about projects: which ids and numbers belong
 * together, and which projects the configuration creates. A project number is needed to
 * recognise Google-managed identities such as the GKE service agent.
 */
export class ProjectCatalog {
  private readonly numberToId = new Map<string, string>();
  private readonly idToNumber = new Map<string, string>();
  private readonly created = new Set<string>();
  /** Addresses of `google_project` resources / data sources, to resolve `X.number` references. */
  private readonly projectOfAddress = new Map<string, ProjectResolution>();

  /** `upstream`: the stacks deployed before this one, whose projects' ids and numbers are linked too (not created here). */
  constructor(private readonly model: Model, live?: LiveView, upstream: readonly Model[] = []) {
    for (const m of [model, ...upstream]) {
      for (const r of m.byType.get("google_project") ?? []) {
        const id = typeof r.values.project_id === "string" ? r.values.project_id : undefined;
        const number = typeof r.values.number === "string" || typeof r.values.number === "number" ? String(r.values.number) : undefined;
        if (id && number) this.link(id, number);
        if (m === model && r.mode === "managed" && id && r.change !== "delete") this.created.add(id);
      }
    }
    for (const [, p] of live?.projectsRead() ?? []) this.link(p.projectId, p.projectNumber);
    for (const r of model.byType.get("google_project") ?? []) {
      const id = typeof r.values.project_id === "string" ? r.values.project_id : undefined;
      this.projectOfAddress.set(
        r.address,
        id ? { key: id, createdHere: this.created.has(id) } : r.mode === "data" ? this.projectOf(r) : { reason: `the project id of ${r.address} is not known before apply` },
      );
    }
  }

  private link(id: string, number: string): void {
    this.numberToId.set(number, id);
    this.idToNumber.set(id, number);
  }

  /** Canonical key for a project written as `my-project`, `projects/my-project` or `123456`. */
  canonical(raw: string): string {
    const text = raw.replace(/^projects\//, "").trim();
    return /^\d+$/.test(text) ? (this.numberToId.get(text) ?? text) : text;
  }

  numberOf(key: string): string | undefined {
    return /^\d+$/.test(key) ? key : this.idToNumber.get(key);
  }

  isCreatedHere(key: string): boolean {
    return this.created.has(key);
  }

  /** The project a resource acts on: its `project` argument, else its provider's default. */
  projectOf(resource: Resource): ProjectResolution {
    return this.resolve(resource.values.project, resource);
  }

  resolve(value: Value | undefined, resource: Resource): ProjectResolution {
    if (typeof value === "string" && value) return this.known(value);
    if (typeof value === "number") return this.known(String(value));
    if (isUnknown(value) && (value.references.length > 0 || value.template)) return this.fromUnknown(value);
    // Unset, or computed by the provider from its default: use the provider configuration.
    const provider = this.model.providers.get(resource.providerKey) ?? this.model.providers.get(resource.providerKey.split(":").pop() ?? "");
    const project = provider?.project;
    if (typeof project === "string" && project) return this.known(project);
    if (isUnknown(project)) return this.fromUnknown(project);
    return { reason: `${resource.address} sets no project and its provider configuration has no default project` };
  }

  /** The project of a reference such as `data.google_project.this.number`. */
  projectOfReference(reference: string): ProjectResolution | undefined {
    const base = reference.replace(/\.(number|project_id|id|name)$/, "");
    return this.projectOfAddress.get(base);
  }

  private fromUnknown(value: Unknown): ProjectResolution {
    for (const ref of value.references) {
      const found = this.projectOfReference(ref);
      if (found?.key) return found;
    }
    return { reason: `the project is ${value.template ? `\`${value.template}\`` : "computed"}, not known before apply (${value.reason})` };
  }

  private known(raw: string): ProjectResolution {
    // Every rule asks for the project of every resource: one answer per distinct text, shared.
    let resolution = this.knownProjects.get(raw);
    if (!resolution) {
      const key = this.canonical(raw);
      resolution = { key, createdHere: this.created.has(key) };
      this.knownProjects.set(raw, resolution);
    }
    return resolution;
  }

  /** By the text written in the input; first used once the constructor has read every id, number and created project. */
  private readonly knownProjects = new Map<string, ProjectResolution>();
}
