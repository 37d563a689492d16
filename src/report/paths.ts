import { isAbsolute, relative, sep } from "node:path";

/**
 * A path as reports show it: relative to `baseDir` (the repository root in CI) with `/`, when the
 * file is inside it; else as given. Keeps runner-specific absolute paths out of PR comments.
 */
export function displayPath(file: string, baseDir: string | undefined): string {
  if (baseDir === undefined || !isAbsolute(file)) return toPosix(file);
  const rel = relative(baseDir, file);
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) return toPosix(file);
  return toPosix(rel);
}

export function toPosix(path: string): string {
  return sep === "\\" ? path.split(sep).join("/") : path;
}
