// The request's shape lives beside the facts it asks for (live.ts); this is what rules use to fill it.
export type { LiveNeeds, LiveRequest } from "./live";

/**
 * The project to ask Google about: one the input names and the apply does not create (a project
 * created here does not exist yet, and the configuration already says what it will be).
 */
export function existingProject(resolution: { key?: string; createdHere?: boolean }): string | undefined {
  return resolution.key && !resolution.createdHere ? resolution.key : undefined;
}
