/**
 * Terraform version constraints, evaluated as Terraform does, to answer one question: which
 * major versions of the google provider can this configuration run with?
 *
 * Syntax (https://developer.hashicorp.com/terraform/language/expressions/version-constraints):
 * conditions joined by commas, every one must hold; each is an operator (`=` or none, `!=`,
 * `>`, `>=`, `<`, `<=`, `~>`) and a version of dot-separated numbers, missing parts being 0.
 * `~>` lets only the rightmost given part grow: `~> 6.10` is `>= 6.10.0, < 7.0.0`,
 * `~> 6.10.2` is `>= 6.10.2, < 6.11.0`.
 */

/** The majors a constraint admits, `min` to `max` (`max` may be Infinity). */
export interface MajorRange {
  min: number;
  max: number;
}

type Version = readonly [number, number, number];

/** A set of versions from `lo` to `hi` (no `hi`: unbounded), each end included or not. */
interface Interval {
  lo: Version;
  loIncluded: boolean;
  hi?: Version;
  hiIncluded: boolean;
}

const ZERO: Version = [0, 0, 0];
const EVERY: Interval = { lo: ZERO, loIncluded: true, hiIncluded: false };

/**
 * The range of majors the constraint admits; undefined when there is no constraint, it cannot be
 * read, or no version satisfies it (Terraform would refuse to init, so no default can be relied on).
 */
export function possibleMajors(constraint: string | undefined): MajorRange | undefined {
  if (constraint === undefined || constraint.trim() === "") return undefined;
  let admitted: Interval[] = [EVERY];
  for (const part of constraint.split(",")) {
    const condition = conditionOf(part.trim());
    if (!condition) return undefined;
    admitted = intersect(admitted, condition);
  }
  let min = Infinity;
  let max = -Infinity;
  for (const interval of admitted) {
    const majors = majorsOf(interval);
    if (!majors) continue;
    min = Math.min(min, majors.min);
    max = Math.max(max, majors.max);
  }
  return min <= max ? { min, max } : undefined;
}

/**
 * What `disable_on_destroy` left unset means under the admitted versions: true before
 * provider 7.0, false from 7.0 (https://registry.terraform.io/providers/hashicorp/google/latest/docs/guides/version_7_upgrade),
 * "unknown" when the constraint admits both or is not known.
 */
export function unsetDisableOnDestroy(majors: MajorRange | undefined): boolean | "unknown" {
  if (!majors) return "unknown";
  if (majors.max < 7) return true;
  if (majors.min >= 7) return false;
  return "unknown";
}

const CONDITION = /^(=|!=|>=|<=|>|<|~>)?\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** One condition as the versions it admits (one interval, or two for `!=`). */
function conditionOf(text: string): Interval[] | undefined {
  const m = CONDITION.exec(text);
  if (!m) return undefined;
  const [, op = "=", major, minor, patch] = m;
  const v: Version = [Number(major), Number(minor ?? 0), Number(patch ?? 0)];
  switch (op) {
    case "=":
      return [{ lo: v, loIncluded: true, hi: v, hiIncluded: true }];
    case "!=":
      return [
        { lo: ZERO, loIncluded: true, hi: v, hiIncluded: false },
        { lo: v, loIncluded: false, hiIncluded: false },
      ];
    case ">":
      return [{ lo: v, loIncluded: false, hiIncluded: false }];
    case ">=":
      return [{ lo: v, loIncluded: true, hiIncluded: false }];
    case "<":
      return [{ lo: ZERO, loIncluded: true, hi: v, hiIncluded: false }];
    case "<=":
      return [{ lo: ZERO, loIncluded: true, hi: v, hiIncluded: true }];
    default: {
      // `~> X.Y` → below (X+1).0.0; `~> X.Y.Z` → below X.(Y+1).0. `~> X` alone is read as `>= X`:
      // the documentation gives no upper bound for it, and the wider reading can only make a
      // verdict undecided, never wrong.
      if (minor === undefined) return [{ lo: v, loIncluded: true, hiIncluded: false }];
      const hi: Version = patch === undefined ? [v[0] + 1, 0, 0] : [v[0], v[1] + 1, 0];
      return [{ lo: v, loIncluded: true, hi, hiIncluded: false }];
    }
  }
}

function intersect(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const x of a) {
    for (const y of b) {
      const loCmp = compare(x.lo, y.lo);
      const lo = loCmp >= 0 ? x.lo : y.lo;
      const loIncluded = loCmp > 0 ? x.loIncluded : loCmp < 0 ? y.loIncluded : x.loIncluded && y.loIncluded;
      let hi: Version | undefined;
      let hiIncluded = false;
      if (!x.hi) ({ hi, hiIncluded } = y);
      else if (!y.hi) ({ hi, hiIncluded } = x);
      else {
        const hiCmp = compare(x.hi, y.hi);
        hi = hiCmp <= 0 ? x.hi : y.hi;
        hiIncluded = hiCmp < 0 ? x.hiIncluded : hiCmp > 0 ? y.hiIncluded : x.hiIncluded && y.hiIncluded;
      }
      const interval: Interval = hi ? { lo, loIncluded, hi, hiIncluded } : { lo, loIncluded, hiIncluded: false };
      if (!isEmpty(interval)) out.push(interval);
    }
  }
  return out;
}

function isEmpty(i: Interval): boolean {
  if (!i.hi) return false;
  const c = compare(i.lo, i.hi);
  return c > 0 || (c === 0 && !(i.loIncluded && i.hiIncluded));
}

/** The majors of the versions in a non-empty interval. */
function majorsOf(i: Interval): MajorRange | undefined {
  if (isEmpty(i)) return undefined;
  if (!i.hi) return { min: i.lo[0], max: Infinity };
  // Below X.0.0 (excluded) no version of major X is admitted.
  const max = !i.hiIncluded && i.hi[1] === 0 && i.hi[2] === 0 ? i.hi[0] - 1 : i.hi[0];
  // An excluded lower end X.y.z still admits X.y.(z+1), of the same major.
  const min = i.lo[0];
  return min <= max ? { min, max } : undefined;
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** Why the default of an unset disable_on_destroy is not known, in words (for `unknown` reasons). */
export function undecidedVersionReason(constraint: string | undefined, majors: MajorRange | undefined): string {
  if (constraint === undefined || constraint.trim() === "") return "no google provider version constraint in the input";
  if (!majors) return `the google provider version constraint "${constraint}" cannot be read or admits no version`;
  const span = majors.max === Infinity ? `${majors.min}.x and later` : `${majors.min}.x to ${majors.max}.x`;
  return `the google provider version constraint "${constraint}" admits ${span}, and an unset disable_on_destroy means true before 7.0, false from 7.0`;
}
