/** What every command of the CLI shares: exit codes, the streams, standard input's name, colour. */

/** Exit codes: 0 nothing failing, 1 failing findings, 2 usage or input error. */
export const EXIT = { ok: 0, failing: 1, usage: 2 } as const;

export interface CliIo {
  /** May return a promise: the next piece of a report is written when it settles (a full pipe drained). */
  stdout: (text: string) => void | Promise<void>;
  stderr: (text: string) => void;
  isTty: boolean;
  /** Whether stderr is a terminal (the --live progress line is drawn only there). */
  stderrIsTty?: boolean;
  env: NodeJS.ProcessEnv;
}

/** The input name that means standard input, and the name reports give it. */
export const STDIN = "-";
export const STDIN_LABEL = "stdin";

/**
 * Whether text output is coloured: `--no-color` first, then FORCE_COLOR (`0` or `false` turns it
 * off, anything else on, as Node's own tty colours read it), then NO_COLOR (set and not empty), then
 * whether standard output is a terminal.
 */
export function useColor(flag: boolean | undefined, env: NodeJS.ProcessEnv, isTty: boolean): boolean {
  if (flag === false) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== "0" && force.toLowerCase() !== "false";
  if (env.NO_COLOR) return false;
  return isTty;
}
