import { isUtf8 } from "node:buffer";

/**
 * Checks that bytes arriving in chunks are UTF-8, as `TextDecoder` with `fatal` does for a
 * whole file, without decoding them: a character split between two chunks is checked once
 * both halves are in. Native (`buffer.isUtf8`), so about 1 ms for 10 MB.
 */
export class Utf8Check {
  private pending: Buffer | undefined;

  /** False as soon as the bytes seen so far cannot be UTF-8. */
  push(chunk: Buffer): boolean {
    const bytes = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    const complete = completeLength(bytes);
    this.pending = complete < bytes.length ? Buffer.from(bytes.subarray(complete)) : undefined;
    return isUtf8(bytes.subarray(0, complete));
  }

  /** False when the input ended inside a character. */
  end(): boolean {
    return this.pending === undefined;
  }
}

/** Length of `bytes` without a character that starts in its last three bytes and is not complete. */
function completeLength(bytes: Buffer): number {
  const n = bytes.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const b = bytes[n - back];
    if ((b & 0xc0) === 0x80) continue; // continuation byte: look further back for the lead
    const needed = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return needed > back ? n - back : n;
  }
  return n; // complete, or not UTF-8 at all: isUtf8 says which
}
