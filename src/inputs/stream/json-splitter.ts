import { closeSync, openSync, readSync } from "node:fs";

/**
 * A streaming JSON splitter: walks a JSON document in chunks of bytes, never as one string,
 * and hands the values the caller selects to `JSON.parse` one by one. Reads plans without
 * holding their text or their parsed tree whole, including plans larger than V8's maximum
 * string length (~512 MB), where `JSON.parse` of the whole file is impossible.
 *
 * The walk only understands structure (objects, arrays, strings, where a value ends); the
 * selected values are parsed by the native `JSON.parse`, which keeps it fast. Skipped values
 * are checked for balanced brackets and closed strings only, not for full JSON validity.
 */

export type PathPart = string | number;
/**
 * `descend`: walk into the container; `parse`: hand the whole value over; `skip`: ignore it;
 * `mark`: ignore it but report where it is, to be read later.
 */
export type Selection = "descend" | "parse" | "skip" | "mark";
export type ValueKind = "object" | "array" | "scalar";

/** What the scan saw of a parsed or marked value, for free: lets a reader skip a second walk. */
export interface ValueExtent {
  /** Byte offsets in the whole input, end exclusive. */
  start: number;
  end: number;
  /** Deepest nesting of objects and arrays inside the value, itself counted (0 for a scalar). */
  depth: number;
  /** Longest string in the value, keys included, in bytes of the input (escapes included). */
  longestString: number;
}

export interface SplitHandlers {
  /** Decides, at the first byte of a value, what to do with it. */
  select(path: readonly PathPart[], kind: ValueKind): Selection;
  /** Receives every value selected with `parse`. */
  value(path: readonly PathPart[], value: unknown, extent: ValueExtent): void;
  /** Receives the extent of every value selected with `mark`. */
  marked?(path: readonly PathPart[], extent: ValueExtent): void;
}

export class JsonSplitError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at byte ${offset}`);
    this.name = "JsonSplitError";
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

const enum Expect {
  KeyOrEnd,
  Key,
  Colon,
  ValueOrEnd,
  Value,
  CommaOrEnd,
}

interface Frame {
  array: boolean;
  index: number;
  key: string | undefined;
  expect: Expect;
}

/** State of a value being skipped or captured, which may span chunks. */
interface ValueScan {
  path: PathPart[];
  capture: Buffer[] | undefined;
  mark: boolean;
  start: number;
  maxDepth: number;
  /** Offset of the opening quote of the string being read. */
  stringStart: number;
  longestString: number;
  /** Start of the not yet captured part of the value in the current chunk. */
  segmentStart: number;
  depth: number;
  inString: boolean;
  /** A scalar other than a string: it ends at the first delimiter. */
  bare: boolean;
  /** Trailing backslashes of the previous chunk, while inside a string. */
  carriedBackslashes: number;
}

export class JsonSplitter {
  private readonly frames: Frame[] = [];
  private scan: ValueScan | undefined;
  /** Key being read (bytes), which may span chunks. */
  private key: { parts: Buffer[]; segmentStart: number; carriedBackslashes: number; escaped: boolean } | undefined;
  private rootDone = false;
  private offset = 0;
  private first = true;

  constructor(private readonly handlers: SplitHandlers) {}

  /** Feeds the next chunk. The chunk must not be modified afterwards (slices are kept). */
  push(chunk: Buffer): void {
    let i = 0;
    const n = chunk.length;
    if (this.first && n > 0) {
      this.first = false;
      if (n >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3; // UTF-8 BOM
    }
    if (this.scan) this.scan.segmentStart = i;
    if (this.key) this.key.segmentStart = i;
    while (i < n) {
      if (this.scan) {
        i = this.continueValue(chunk, i, n);
        continue;
      }
      if (this.key) {
        i = this.continueKey(chunk, i, n);
        continue;
      }
      const b = chunk[i];
      if (isSpace(b)) {
        i++;
        continue;
      }
      i = this.structure(i, b);
    }
    if (this.scan) this.carryOver(this.scan, chunk, n);
    if (this.key) {
      this.key.parts.push(chunk.subarray(this.key.segmentStart, n));
      this.key.carriedBackslashes = trailingBackslashes(chunk, n, this.key.segmentStart, this.key.carriedBackslashes);
    }
    this.offset += n;
  }

  /** Call after the last chunk. */
  end(): void {
    if (this.scan && this.scan.bare && this.frames.length === 0) {
      this.finishValue(Buffer.alloc(0), 0);
    }
    if (this.scan || this.key || this.frames.length > 0 || !this.rootDone) {
      throw new JsonSplitError("unexpected end of JSON", this.offset);
    }
  }

  private fail(message: string, at: number): never {
    throw new JsonSplitError(message, this.offset + at);
  }

  private path(): PathPart[] {
    return this.frames.map((f) => (f.array ? f.index : (f.key as string)));
  }

  /** One structural byte at a descended level. Returns the next index. */
  private structure(i: number, b: number): number {
    const frame = this.frames[this.frames.length - 1];
    if (!frame) {
      if (this.rootDone) this.fail("unexpected content after the JSON value", i);
      return this.startValue(i, b, []);
    }
    switch (frame.expect) {
      case Expect.KeyOrEnd:
      case Expect.Key:
        if (b === QUOTE) {
          this.key = { parts: [], segmentStart: i + 1, carriedBackslashes: 0, escaped: false };
          return i + 1;
        }
        if (b === CLOSE_OBJECT && frame.expect === Expect.KeyOrEnd) return this.close(i);
        return this.fail("expected a property name", i);
      case Expect.Colon:
        if (b !== COLON) this.fail("expected ':'", i);
        frame.expect = Expect.Value;
        return i + 1;
      case Expect.ValueOrEnd:
        if (b === CLOSE_ARRAY) return this.close(i);
        return this.startValue(i, b, this.path());
      case Expect.Value:
        return this.startValue(i, b, this.path());
      case Expect.CommaOrEnd:
        if (b === COMMA) {
          if (frame.array) {
            frame.index++;
            frame.expect = Expect.Value;
          } else frame.expect = Expect.Key;
          return i + 1;
        }
        if (b === (frame.array ? CLOSE_ARRAY : CLOSE_OBJECT)) return this.close(i);
        return this.fail(frame.array ? "expected ',' or ']'" : "expected ',' or '}'", i);
    }
  }

  private close(i: number): number {
    this.frames.pop();
    this.valueDone();
    return i + 1;
  }

  private valueDone(): void {
    const parent = this.frames[this.frames.length - 1];
    if (parent) parent.expect = Expect.CommaOrEnd;
    else this.rootDone = true;
  }

  private startValue(i: number, b: number, path: PathPart[]): number {
    const kind: ValueKind = b === OPEN_OBJECT ? "object" : b === OPEN_ARRAY ? "array" : "scalar";
    if (kind === "scalar" && !(b === QUOTE || b === 0x2d || (b >= 0x30 && b <= 0x39) || b === 0x74 || b === 0x66 || b === 0x6e)) {
      this.fail("unexpected character", i);
    }
    const selection = this.handlers.select(path, kind);
    if (selection === "descend" && kind !== "scalar") {
      this.frames.push({ array: kind === "array", index: 0, key: undefined, expect: kind === "array" ? Expect.ValueOrEnd : Expect.KeyOrEnd });
      return i + 1;
    }
    this.scan = {
      path,
      capture: selection === "skip" || selection === "mark" ? undefined : [],
      mark: selection === "mark",
      start: this.offset + i,
      maxDepth: kind === "scalar" ? 0 : 1,
      stringStart: 0,
      longestString: 0,
      segmentStart: i,
      depth: 0,
      inString: false,
      bare: kind === "scalar" && b !== QUOTE,
      carriedBackslashes: 0,
    };
    return i;
  }

  /** Walks a skipped or captured value; returns where it stopped (chunk end or value end). */
  private continueValue(chunk: Buffer, i: number, n: number): number {
    const s = this.scan as ValueScan;
    if (s.bare) {
      for (; i < n; i++) {
        const b = chunk[i];
        if (b === COMMA || b === CLOSE_OBJECT || b === CLOSE_ARRAY || isSpace(b)) return this.finishValue(chunk, i);
      }
      return n;
    }
    // the hot loop of the splitter: state in locals, written back when it stops
    const base = this.offset;
    let { depth, maxDepth, longestString, stringStart, inString } = s;
    let end = -1;
    while (i < n) {
      if (inString) {
        const q = chunk.indexOf(QUOTE, i);
        if (q === -1) {
          i = n;
          break;
        }
        i = q + 1;
        if ((q > s.segmentStart ? chunk[q - 1] === BACKSLASH : s.carriedBackslashes > 0) && isEscaped(chunk, q, s.segmentStart, s.carriedBackslashes)) continue;
        inString = false;
        if (base + q - stringStart - 1 > longestString) longestString = base + q - stringStart - 1;
        if (depth === 0) {
          end = i;
          break;
        }
        continue;
      }
      const b = chunk[i];
      if (b === QUOTE) {
        inString = true;
        s.carriedBackslashes = 0;
        stringStart = base + i;
      } else if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
        if (++depth > maxDepth) maxDepth = depth;
      } else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
        if (--depth <= 0) {
          if (depth < 0) this.fail("unbalanced bracket", i);
          end = i + 1;
          break;
        }
      }
      i++;
    }
    s.depth = depth;
    s.maxDepth = maxDepth;
    s.longestString = longestString;
    s.stringStart = stringStart;
    s.inString = inString;
    return end === -1 ? n : this.finishValue(chunk, end);
  }

  private carryOver(s: ValueScan, chunk: Buffer, n: number): void {
    if (s.capture) s.capture.push(chunk.subarray(s.segmentStart, n));
    s.carriedBackslashes = s.inString ? trailingBackslashes(chunk, n, s.segmentStart, s.carriedBackslashes) : 0;
  }

  private finishValue(chunk: Buffer, end: number): number {
    const s = this.scan as ValueScan;
    this.scan = undefined;
    const extent = (): ValueExtent => ({ start: s.start, end: this.offset + end, depth: s.maxDepth, longestString: s.longestString });
    if (s.mark) this.handlers.marked?.(s.path, extent());
    if (s.capture) {
      s.capture.push(chunk.subarray(s.segmentStart, end));
      const bytes = s.capture.length === 1 ? s.capture[0] : Buffer.concat(s.capture);
      let value: unknown;
      try {
        value = JSON.parse(bytes.toString("utf8"));
      } catch (error) {
        const detail = error instanceof Error ? error.message.split("\n")[0] : String(error);
        this.fail(`invalid JSON value at ${formatPath(s.path)} (${detail})`, end);
      }
      this.handlers.value(s.path, value, extent());
    }
    this.valueDone();
    return end;
  }

  private continueKey(chunk: Buffer, i: number, n: number): number {
    const k = this.key as NonNullable<JsonSplitter["key"]>;
    let from = i;
    for (;;) {
      const q = chunk.indexOf(QUOTE, from);
      if (q === -1) return n;
      if (isEscaped(chunk, q, k.segmentStart, k.carriedBackslashes)) {
        from = q + 1;
        continue;
      }
      k.parts.push(chunk.subarray(k.segmentStart, q));
      const raw = k.parts.length === 1 ? k.parts[0] : Buffer.concat(k.parts);
      // as JSON.parse: a raw control character in a string is an error
      for (let j = 0; j < raw.length; j++) if (raw[j] < 0x20) this.fail("control character in a property name", q);
      this.key = undefined;
      const frame = this.frames[this.frames.length - 1];
      frame.key = raw.includes(BACKSLASH) ? (JSON.parse(`"${raw.toString("utf8")}"`) as string) : raw.toString("utf8");
      frame.expect = Expect.Colon;
      return q + 1;
    }
  }
}

/** Whether the quote at `q` is escaped: an odd run of backslashes before it. */
function isEscaped(chunk: Buffer, q: number, segmentStart: number, carried: number): boolean {
  return trailingBackslashes(chunk, q, segmentStart, carried) % 2 === 1;
}

/** The run of backslashes that ends just before `n`, counting those carried from earlier chunks when it reaches back to `segmentStart`. */
function trailingBackslashes(chunk: Buffer, n: number, segmentStart: number, carried: number): number {
  let count = 0;
  let j = n - 1;
  while (j >= segmentStart && chunk[j] === BACKSLASH) {
    count++;
    j--;
  }
  return j < segmentStart ? count + carried : count;
}

export function formatPath(path: readonly PathPart[]): string {
  return path.length === 0 ? "(root)" : path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("");
}

/** Splits a file, reading it in chunks; `inspect` sees each chunk first (to validate its bytes). */
export function splitJsonFile(file: string, handlers: SplitHandlers, chunkSize = 8 << 20, inspect?: (chunk: Buffer) => void): void {
  const fd = openSync(file, "r");
  try {
    const splitter = new JsonSplitter(handlers);
    for (;;) {
      // a fresh buffer per chunk: captured values keep slices of it until they are parsed
      const chunk = Buffer.allocUnsafe(chunkSize);
      const read = readSync(fd, chunk, 0, chunkSize, null);
      if (read === 0) break;
      const bytes = read === chunkSize ? chunk : chunk.subarray(0, read);
      inspect?.(bytes);
      splitter.push(bytes);
    }
    splitter.end();
  } finally {
    closeSync(fd);
  }
}
