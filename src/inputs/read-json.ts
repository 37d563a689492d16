import { isUtf8 } from "node:buffer";
import { closeSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { InputError, EXPECTED_INPUT } from "./input-error";

/** Reads a UTF-8 JSON file, turning every way it can be unreadable into one {@link InputError}. */
export function readJsonFile(file: string): unknown {
  let bytes: Buffer;
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) throw new InputError(file, `is a folder without manifest.json or cdk.tf.json; ${EXPECTED_INPUT}`);
    bytes = stat.isFile() ? readFileSync(file) : readStream(file);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(file, describeFsError(error));
  }
  return parseJsonBytes(bytes, file);
}

/** Most a pipe or device (`/dev/stdin`) is read for: past V8's longest string, JSON.parse cannot take it. */
const MAX_STREAM_BYTES = 512 * 1024 * 1024;

/**
 * A pipe or a device has no size: read it in chunks, at most {@link MAX_STREAM_BYTES}, and stop at
 * the first zero byte (binary; enough to say so), so `preflight /dev/zero` ends with an answer.
 */
function readStream(file: string, openFd: number | undefined = undefined): Buffer {
  const fd = openFd ?? openSync(file, "r");
  try {
    const chunks: Buffer[] = [];
    const chunk = Buffer.alloc(1 << 16);
    let total = 0;
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5); // non-blocking pipe: wait for data
        continue;
      }
      if (n === 0) break;
      const read = Buffer.from(chunk.subarray(0, n));
      chunks.push(read);
      total += n;
      if (read.includes(0)) break;
      if (total > MAX_STREAM_BYTES) throw new InputError(file, "is larger than 512 MB; expected a plan or configuration that fits in memory");
    }
    return Buffer.concat(chunks);
  } finally {
    if (openFd === undefined) closeSync(fd);
  }
}

/**
 * Standard input (`preflight -`), named `label` in messages. Read from descriptor 0, not by
 * opening /dev/stdin, which fails with ENXIO when standard input is a socket (as spawned processes get).
 */
export function readStdinBytes(label: string): Buffer {
  try {
    return readStream(label, 0);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(label, describeFsError(error));
  }
}

export function parseJsonBytes(bytes: Buffer, file: string): unknown {
  if (bytes.length === 0) throw new InputError(file, `is empty; ${EXPECTED_INPUT}`);
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new InputError(file, "is UTF-16 encoded; expected UTF-8 JSON (on Windows PowerShell, write it with `Out-File -Encoding utf8`)");
  }
  // UTF-16 without a byte order mark: every other byte of ASCII text is zero.
  if (bytes.length >= 4 && ((bytes[0] !== 0 && bytes[1] === 0 && bytes[2] !== 0 && bytes[3] === 0) || (bytes[0] === 0 && bytes[1] !== 0 && bytes[2] === 0 && bytes[3] !== 0))) {
    throw new InputError(file, "is UTF-16 encoded; expected UTF-8 JSON (on Windows PowerShell, write it with `Out-File -Encoding utf8`)");
  }
  if (bytes.includes(0)) throw new InputError(file, `is a binary file (a saved plan?); run \`terraform show -json\` on it first; ${EXPECTED_INPUT}`);
  // Bytes that are not UTF-8 are an error, not silently replaced (names would change). Checked
  // natively without decoding, then decoded once; a byte order mark goes, as TextDecoder drops it.
  if (!isUtf8(bytes)) throw new InputError(file, "is not valid UTF-8; expected UTF-8 JSON");
  let text: string;
  try {
    text = bytes.toString("utf8", bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0);
  } catch {
    throw new InputError(file, "is too large to read as one string; expected at most 512 MB");
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (!text.trim()) throw new InputError(file, `contains only white space; ${EXPECTED_INPUT}`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(file, `is not valid JSON (${syntaxErrorDetail(error, text)}); ${EXPECTED_INPUT}`);
  }
}

/**
 * V8 quotes the text around a syntax error ("Unexpected token 'y', "{"key": ya29.a0…" is not
 * valid JSON"). That text may be a token or a key: keep only what went wrong and where.
 */
export function syntaxErrorDetail(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/^Unexpected end of JSON input/.test(message)) return "it ends before the JSON is complete; truncated?";
  const at = /at position (\d+)/.exec(message);
  const where = at ? ` at ${lineAndColumn(text, Number(at[1]))}` : "";
  // What V8 says went wrong comes first; the quoted input follows `, `.
  let what = message.split("\n")[0];
  for (const end of [", ", " in JSON", " at position", " is not valid JSON"]) {
    const i = what.indexOf(end);
    if (i >= 0) what = what.slice(0, i);
  }
  return `${what.length > 0 && what.length <= 80 ? what : "syntax error"}${where}`;
}

function lineAndColumn(text: string, position: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < position; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return `line ${line}, column ${position - lineStart + 1}`;
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOENT") return "no such file or folder";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "is a folder";
  return `cannot be read (${code ?? "unknown error"})`;
}
