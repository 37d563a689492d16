/**
 * Finds where a JSON pointer (RFC 6901) lands in the text of a JSON file, so reports can point
 * at a line and column. It scans the text once per pointer without building the document,
 * which keeps it cheap on large plans.
 */

/** 1-based line and column (UTF-16 code units, SARIF's default column kind). */
export interface TextRegion {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

export function parsePointer(pointer: string): string[] | undefined {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) return undefined;
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** Builds a locator for one file's text; line starts are computed once, on first use. */
export function jsonLocator(text: string): (pointer: string) => TextRegion | undefined {
  const spanOf = jsonSpanLocator(text);
  let lineStarts: number[] | undefined;
  const toLineColumn = (offset: number): { line: number; column: number } => {
    lineStarts ??= computeLineStarts(text);
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - lineStarts[lo]! + 1 };
  };
  return (pointer) => {
    const span = spanOf(pointer);
    if (!span) return undefined;
    const start = toLineColumn(span.start);
    const end = toLineColumn(span.end);
    return { startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column };
  };
}

type ContainerIndex =
  | { kind: "object"; members: Map<string, { keyStart: number; keyEnd: number; valueStart: number }> }
  | { kind: "array"; elements: number[] };

/**
 * Span locator for many pointers into one text. Each container on a pointer's way is indexed
 * once (its members or elements and where they start) and kept, so N pointers into one plan
 * cost one pass over the plan plus their own resources, not N passes. A span is the member name
 * when the target is an object member (the line a reader looks for), else the value; end exclusive.
 */
export function jsonSpanLocator(text: string): (pointer: string) => { start: number; end: number } | undefined {
  const scanner = new Scanner(text);
  const indexes = new Map<number, ContainerIndex | null>();
  const indexAt = (offset: number): ContainerIndex | null => {
    let index = indexes.get(offset);
    if (index === undefined) {
      try {
        scanner.pos = offset;
        index = scanner.indexContainer();
      } catch {
        index = null;
      }
      indexes.set(offset, index);
    }
    return index;
  };
  let rootStart: number | undefined;
  return (pointer) => {
    const path = parsePointer(pointer);
    if (!path) return undefined;
    try {
      if (rootStart === undefined) {
        scanner.pos = scanner.start;
        scanner.skipWs();
        rootStart = scanner.pos;
      }
      let pos = rootStart;
      let keySpan: { start: number; end: number } | undefined;
      for (const segment of path) {
        const index = indexAt(pos);
        if (!index) return undefined;
        if (index.kind === "object") {
          const member = index.members.get(segment);
          if (!member) return undefined;
          keySpan = { start: member.keyStart, end: member.keyEnd };
          pos = member.valueStart;
        } else {
          if (!/^(0|[1-9][0-9]*)$/.test(segment)) return undefined;
          const element = index.elements[Number(segment)];
          if (element === undefined) return undefined;
          keySpan = undefined;
          pos = element;
        }
      }
      if (keySpan) return keySpan;
      scanner.pos = pos;
      scanner.skipValue();
      return { start: pos, end: scanner.pos };
    } catch {
      return undefined;
    }
  };
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  if (text.indexOf("\r") < 0) {
    // The common case (no CR at all): jump from line feed to line feed.
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
    return starts;
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

class Scanner {
  pos = 0;
  /** A UTF-8 byte order mark is not part of the document. */
  readonly start: number;
  constructor(private readonly text: string) {
    this.start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    this.pos = this.start;
  }

  peek(): string {
    return this.text[this.pos] ?? "";
  }

  skipWs(): void {
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.pos++;
      else break;
    }
  }

  expect(char: string): void {
    if (this.text[this.pos] !== char) throw new Error(`expected ${char} at ${this.pos}`);
    this.pos++;
  }

  /** At `{` or `[`: where each member (name and value) or element starts; the last of duplicate names wins, as in JSON.parse. */
  indexContainer(): ContainerIndex | null {
    const open = this.peek();
    if (open === "{") {
      const members = new Map<string, { keyStart: number; keyEnd: number; valueStart: number }>();
      this.pos++;
      this.skipWs();
      if (this.peek() === "}") return { kind: "object", members };
      for (;;) {
        const keyStart = this.pos;
        const key = this.readString();
        const keyEnd = this.pos;
        this.skipWs();
        this.expect(":");
        this.skipWs();
        members.set(key, { keyStart, keyEnd, valueStart: this.pos });
        this.skipValue();
        this.skipWs();
        if (this.peek() === ",") {
          this.pos++;
          this.skipWs();
          continue;
        }
        this.expect("}");
        return { kind: "object", members };
      }
    }
    if (open === "[") {
      const elements: number[] = [];
      this.pos++;
      this.skipWs();
      if (this.peek() === "]") return { kind: "array", elements };
      for (;;) {
        elements.push(this.pos);
        this.skipValue();
        this.skipWs();
        if (this.peek() === ",") {
          this.pos++;
          this.skipWs();
          continue;
        }
        this.expect("]");
        return { kind: "array", elements };
      }
    }
    return null;
  }

  readString(): string {
    const start = this.pos;
    this.expect('"');
    let hasEscape = false;
    while (this.pos < this.text.length) {
      const c = this.text[this.pos];
      if (c === "\\") {
        hasEscape = true;
        this.pos += 2;
      } else if (c === '"') {
        this.pos++;
        const raw = this.text.slice(start, this.pos);
        return hasEscape ? (JSON.parse(raw) as string) : raw.slice(1, -1);
      } else {
        this.pos++;
      }
    }
    throw new Error("unterminated string");
  }

  /** Skips one value of any kind, strings aware of escapes, containers by depth. */
  skipValue(): void {
    const c = this.peek();
    if (c === '"') {
      this.skipString();
      return;
    }
    if (c === "{" || c === "[") {
      const text = this.text;
      let pos = this.pos;
      let depth = 0;
      while (pos < text.length) {
        const ch = text.charCodeAt(pos);
        if (ch === 34) {
          pos = this.afterString(pos);
          continue;
        }
        if (ch === 123 || ch === 91) depth++;
        else if (ch === 125 || ch === 93) {
          depth--;
          if (depth === 0) {
            this.pos = pos + 1;
            return;
          }
        }
        pos++;
      }
      this.pos = pos;
      throw new Error("unterminated container");
    }
    // number, true, false, null
    const start = this.pos;
    while (this.pos < this.text.length && !/[\s,\]}]/.test(this.text[this.pos]!)) this.pos++;
    if (this.pos === start) throw new Error(`unexpected ${c || "end"} at ${start}`);
  }

  private skipString(): void {
    this.pos = this.afterString(this.pos);
  }

  /** From the opening quote at `open` to just after the closing one, jumping from quote to quote. */
  private afterString(open: number): number {
    const text = this.text;
    let from = open + 1;
    for (;;) {
      const quote = text.indexOf('"', from);
      if (quote < 0) {
        this.pos = text.length;
        throw new Error("unterminated string");
      }
      // Escaped when an odd number of backslashes precede it.
      let backslashes = 0;
      while (text.charCodeAt(quote - 1 - backslashes) === 92) backslashes++;
      if (backslashes % 2 === 0) return quote + 1;
      from = quote + 1;
    }
  }
}
