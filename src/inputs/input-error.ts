/**
 * Bad input: the message is one line that names the file and what was expected. Parts of it
 * can come from the input (a format_version, a stack name, a path in a manifest), so the
 * message is made safe for a terminal and a CI log here: no control characters or line breaks
 * (a crafted file could otherwise recolour the log or forge lines), and bounded in length.
 */
export class InputError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(oneSafeLine(`${file}: ${detail}`, MAX_MESSAGE));
    this.name = "InputError";
  }
}

export const EXPECTED_INPUT =
  "expected a Terraform plan in JSON (`terraform show -json plan.out`), a Terraform JSON configuration (cdk.tf.json) or a cdktf.out folder";

const MAX_MESSAGE = 2_000;
const MAX_QUOTED = 80;

// C0 and C1 controls, DEL, line/paragraph separators and bidirectional overrides/isolates.
// eslint-disable-next-line no-control-regex
const UNSAFE = /\u001b\[[0-9;?]*[ -/]*[@-~]|[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function oneSafeLine(text: string, max: number): string {
  const line = text.replace(UNSAFE, (m) => (m === "\n" || m === "\r" || m === "\t" ? " " : ""));
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** A value from the input, shown in a message: one safe line of at most 80 characters. */
export function excerpt(value: unknown): string {
  if (typeof value === "string") return oneSafeLine(value, MAX_QUOTED);
  if (Array.isArray(value)) return "(a JSON array)";
  if (typeof value === "object" && value !== null) return "(a JSON object)";
  return String(value);
}

/** {@link excerpt} in quotes. */
export function quoted(value: unknown): string {
  return `"${excerpt(value)}"`;
}
