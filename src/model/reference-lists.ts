/** Lists of references up to this long are compared pair by pair (no string or Set built). */
export const SHORT_LIST = 16;

/**
 * Whether `longer` is `prefix` followed by an attribute (`.x`) or, with `indexes`, an index
 * (`[0]`): `a.b.email` continues `a.b`.
 */
export function continues(longer: string, prefix: string, indexes: boolean): boolean {
  if (longer.length <= prefix.length || !longer.startsWith(prefix)) return false;
  const next = longer.charCodeAt(prefix.length);
  return next === 46 || (indexes && next === 91); // "." or "["
}
