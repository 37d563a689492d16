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
    const span = findPointerSpan(text, pointer);
    if (!span) return undefined;
    const start = toLineColumn(span.start);
    const end = toLineColumn(span.end);
    return { startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column };
  };
}

/**
 * Offsets of the text a pointer designates: the member name when the target is an object
 * member (that is the line a reader looks for), else the value itself. End is exclusive.
 */
export function findPointerSpan(text: string, pointer: string): { start: number; end: number } | undefined {
  const path = parsePointer(pointer);
  if (!path) return undefined;
  try {
    const scanner = new Scanner(text);
    scanner.skipWs();
    let keySpan: { start: number; end: number } | undefined;
    for (const segment of path) {
      const c = scanner.peek();
      if (c === "{") {
        const found = scanner.findMember(segment);
        if (!found) return undefined;
        keySpan = found;
      } else if (c === "[") {
        if (!/^(0|[1-9][0-9]*)$/.test(segment)) return undefined;
        if (!scanner.findElement(Number(segment))) return undefined;
        keySpan = undefined;
      } else {
        return undefined;
      }
    }
    if (keySpan) return keySpan;
    const start = scanner.pos;
    scanner.skipValue();
    return { start, end: scanner.pos };
  } catch {
    return undefined;
  }
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
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
  constructor(private readonly text: string) {
    // A UTF-8 byte order mark is not part of the document.
    if (text.charCodeAt(0) === 0xfeff) this.pos = 1;
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

  /** At `{`: moves to the value of member `name` and returns the span of its name, or undefined. */
  findMember(name: string): { start: number; end: number } | undefined {
    this.expect("{");
    this.skipWs();
    if (this.peek() === "}") return undefined;
    for (;;) {
      const keyStart = this.pos;
      const key = this.readString();
      const keyEnd = this.pos;
      this.skipWs();
      this.expect(":");
      this.skipWs();
      // JSON parsers keep the last of duplicate names; so does the scan (it keeps looking).
      if (key === name && !this.laterDuplicate(name)) return { start: keyStart, end: keyEnd };
      this.skipValue();
      this.skipWs();
      if (this.peek() === ",") {
        this.pos++;
        this.skipWs();
        continue;
      }
      this.expect("}");
      return undefined;
    }
  }

  /** True when the current object holds another member of the same name after this value. */
  private laterDuplicate(name: string): boolean {
    const saved = this.pos;
    try {
      this.skipValue();
      this.skipWs();
      while (this.peek() === ",") {
        this.pos++;
        this.skipWs();
        if (this.readString() === name) return true;
        this.skipWs();
        this.expect(":");
        this.skipWs();
        this.skipValue();
        this.skipWs();
      }
      return false;
    } finally {
      this.pos = saved;
    }
  }

  /** At `[`: moves to element `index`; false when the array is shorter. */
  findElement(index: number): boolean {
    this.expect("[");
    this.skipWs();
    if (this.peek() === "]") return false;
    for (let i = 0; ; i++) {
      if (i === index) return true;
      this.skipValue();
      this.skipWs();
      if (this.peek() !== ",") return false;
      this.pos++;
      this.skipWs();
    }
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
      let depth = 0;
      while (this.pos < this.text.length) {
        const ch = this.text[this.pos];
        if (ch === '"') {
          this.skipString();
          continue;
        }
        if (ch === "{" || ch === "[") depth++;
        else if (ch === "}" || ch === "]") {
          depth--;
          if (depth === 0) {
            this.pos++;
            return;
          }
        }
        this.pos++;
      }
      throw new Error("unterminated container");
    }
    // number, true, false, null
    const start = this.pos;
    while (this.pos < this.text.length && !/[\s,\]}]/.test(this.text[this.pos]!)) this.pos++;
    if (this.pos === start) throw new Error(`unexpected ${c || "end"} at ${start}`);
  }

  private skipString(): void {
    this.pos++;
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if (c === 92) this.pos += 2;
      else if (c === 34) {
        this.pos++;
        return;
      } else this.pos++;
    }
    throw new Error("unterminated string");
  }
}
