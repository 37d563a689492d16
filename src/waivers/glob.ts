/**
 * Globs over addresses and construct paths. `*` matches any run of characters but `/`, `**` any
 * run at all, `?` one character but `/`; everything else is literal (`[` in `google_x.y[0]` is not
 * a character class).
 *
 * A waivers file may come with a pull request, so matching must not backtrack: a regular
 * expression built from `*?*?…Z` took 32 s at 12 pairs. This runs the pattern as a
 * non-deterministic automaton over all its states at once, one bit per state, so a match costs
 * at most (text length + 1) × ⌈(pattern tokens + 1) / 32⌉ word steps, whatever the pattern.
 */

type Token = { kind: "char"; char: string } | { kind: "any" } | { kind: "star" } | { kind: "globstar" };

export interface GlobMatcher {
  readonly glob: string;
  test(text: string): boolean;
  /** Word steps taken by every `test` so far: the bound above, made visible to tests. */
  readonly steps: number;
}

function tokenize(glob: string): Token[] {
  const tokens: Token[] = [];
  // By code point, as the text is read: `?` is one character, also outside the BMP.
  const chars = Array.from(glob);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    let token: Token;
    if (c === "*" && chars[i + 1] === "*") {
      token = { kind: "globstar" };
      i++;
    } else if (c === "*") token = { kind: "star" };
    else if (c === "?") token = { kind: "any" };
    else token = { kind: "char", char: c };
    // Stars next to each other match what the widest of them matches: keep one, so that
    // following a star (the automaton's only empty move) takes one step.
    const last = tokens[tokens.length - 1];
    const isStar = token.kind === "star" || token.kind === "globstar";
    if (isStar && last && (last.kind === "star" || last.kind === "globstar")) {
      if (token.kind === "globstar") tokens[tokens.length - 1] = token;
      continue;
    }
    tokens.push(token);
  }
  return tokens;
}

/** Compiles a glob once; `test` may then run on many texts. */
export function globMatcher(glob: string): GlobMatcher {
  const tokens = tokenize(glob);
  // State j: the first j tokens have matched the text read so far. State tokens.length accepts.
  const states = tokens.length + 1;
  const words = Math.ceil(states / 32);
  const mask = () => new Uint32Array(words);
  const set = (m: Uint32Array, j: number) => (m[j >>> 5]! |= 1 << (j & 31));
  // Which states move on to the next on a given character, and which stay (stars).
  const advanceOn = new Map<string, Uint32Array>();
  const advanceAny = mask(); // `?`: any character but `/`
  const stayStar = mask(); // `*`: any character but `/`
  const stayGlobstar = mask(); // `**`: any character
  tokens.forEach((t, j) => {
    if (t.kind === "char") {
      let m = advanceOn.get(t.char);
      if (!m) advanceOn.set(t.char, (m = mask()));
      set(m, j);
    } else if (t.kind === "any") set(advanceAny, j);
    else if (t.kind === "star") set(stayStar, j);
    else set(stayGlobstar, j);
  });
  const stars = mask();
  for (let w = 0; w < words; w++) stars[w] = stayStar[w]! | stayGlobstar[w]!;
  const acceptWord = (states - 1) >>> 5;
  const acceptBit = 1 << ((states - 1) & 31);
  let steps = 0;

  // A star may match nothing: every state at a star also stands one state further.
  const closeOverStars = (m: Uint32Array) => {
    let carry = 0;
    for (let w = 0; w < words; w++) {
      const moved = m[w]! & stars[w]!;
      const next = (moved << 1) | carry;
      carry = moved >>> 31;
      m[w] = m[w]! | next;
    }
  };

  return {
    glob,
    get steps() {
      return steps;
    },
    test(text: string): boolean {
      let current = mask();
      let next = mask();
      current[0] = 1;
      closeOverStars(current);
      steps += words;
      for (const c of text) {
        const literal = advanceOn.get(c);
        const slash = c === "/";
        let carry = 0;
        let alive = 0;
        for (let w = 0; w < words; w++) {
          const here = current[w]!;
          const advancing = here & ((literal ? literal[w]! : 0) | (slash ? 0 : advanceAny[w]!));
          const staying = here & (slash ? stayGlobstar[w]! : stars[w]!);
          next[w] = ((advancing << 1) | carry | staying) >>> 0;
          carry = advancing >>> 31;
          alive |= next[w]!;
        }
        steps += words;
        if (alive === 0) return false;
        closeOverStars(next);
        [current, next] = [next, current];
      }
      return (current[acceptWord]! & acceptBit) !== 0;
    },
  };
}

/** One-off match; compile with {@link globMatcher} to match many texts. */
export function globMatches(glob: string, text: string): boolean {
  return globMatcher(glob).test(text);
}
