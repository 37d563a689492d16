/**
 * Text from inputs goes to terminals: strip control characters (ANSI escape sequences
 * included) so a crafted plan cannot move the cursor, recolour or hide report lines.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Every text from an input is printed within one line: a line break or tab in it becomes a space,
 * so a crafted name cannot start a line of its own (`PASS GKE001 …`) and pass for a finding.
 */
export function terminalSafe(text: string): string {
  return text.replace(CONTROL, (m) => (m === "\n" || m === "\r" || m === "\t" || m === "\u2028" || m === "\u2029" || m === "\u0085" ? " " : ""));
}
