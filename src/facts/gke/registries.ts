import type { Resource } from "../../model/types";
import type { ProjectCatalog } from "../iam/projects";

/**
 * `projects/P/locations/L/repositories/R` of a repository the apply does not create (it is
 * unchanged, updated, or a configuration that does not say), so its own IAM policy may already
 * grant something: --live reads it. Undefined when created here or a part is only known after apply.
 */
export function existingRepositoryName(repo: Resource, catalog: ProjectCatalog): string | undefined {
  if (repo.mode !== "managed" || repo.change === "create" || repo.change === "replace" || repo.change === "delete") return undefined;
  const project = catalog.projectOf(repo).key;
  const location = repo.values.location;
  const id = repo.values.repository_id;
  if (!project || catalog.isCreatedHere(project) || typeof location !== "string" || typeof id !== "string" || !location || !id) return undefined;
  return `projects/${project}/locations/${location}/repositories/${id}`;
}
