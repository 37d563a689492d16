/**
 * The `dependsOn` of a stack whose manifest entry has no `dependencies` list: whether it is
 * deployed after the others is not known.
 */
export const UNKNOWN_DEPENDENCIES: ReadonlySet<string> = new Set();
