import { withoutInvisible } from "./code-text";

/**
 * Fixes are pasted into interactive shells, and their values come from the input (project ids,
 * emails, cluster names): a crafted plan must not be able to turn a fix into another command.
 * The `sh` tag is the one place values enter a command line. Every value is made inert for POSIX
 * shells, bash and zsh, typed or pasted:
 * - anything beyond plain word characters is single-quoted (`'` written `'\''`): inside single
 *   quotes nothing expands, not even history (`!#`, which double quotes do not stop in bash or zsh);
 * - a value that lands inside double quotes of the template is single-quoted instead
 *   (`--member='a!b'`, or `--member="serviceAccount:"'a!b'""` when the quotes hold more), so plain
 *   values keep the template's form;
 * - control characters, line separators and bidirectional marks become U+FFFD: a line break would
 *   end the command, and a terminal or renderer may drop escape sequences together with the quote
 *   that follows them;
 * - a value that would start a word with `-` gets a backslash (`'\-x'`), so gcloud cannot read it as
 *   an option such as `--impersonate-service-account` (no project, account or API name starts so).
 * Shell syntax the fix means (`$(gcloud …)`, `${PROJECT_NUMBER}`, comments) stays in the literal
 * parts, or is passed as {@link shellCode}.
 */
const PLAIN = /^[A-Za-z0-9@%+=:,./_-]+$/;

/** Text that is already shell syntax, put into an `sh` template as it is. */
export class ShellCode {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export function shellCode(text: string): ShellCode {
  return new ShellCode(text);
}

/** `value` as one shell word that means exactly `value` (control characters replaced). */
export function shellWord(value: string): string {
  return quoted(withoutInvisible(value, "\uFFFD"), true);
}

function singleQuoted(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

// zsh expands `=cmd` and `~` at the start of a word; `-` there would be read as an option.
function quoted(value: string, wordStart: boolean): string {
  if (wordStart && value.startsWith("-")) return singleQuoted(`\\${value}`);
  if (value !== "" && PLAIN.test(value) && !(wordStart && value.startsWith("="))) return value;
  return singleQuoted(value);
}

type Quote = "'" | '"' | undefined;

/** Where the literal text leaves the shell's quoting: none, inside '…' or inside "…". */
function quoteAfter(text: string, quote: Quote): Quote {
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
    } else if (c === "\\") i++;
    else if (quote === '"') {
      if (c === '"') quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
  }
  return quote;
}

/**
 * zsh does not take `#` for a comment in an interactive shell unless INTERACTIVE_COMMENTS is set
 * (it is off by default): a comment line is then a command `#` with its words as arguments. Quotes
 * or operators in a comment's own words would be parsed (an apostrophe opens a string that ends
 * in the next line's quoted value, leaving that value unquoted), and a comment after a command
 * would become its arguments. Comments keep to plain words, on lines of their own.
 */
const COMMENT_UNSAFE = /['"`$;&|<>()\\{}!^~*?[\]]/;

// A template literal's strings are the same object at every call: each is checked once.
const checked = new WeakSet<TemplateStringsArray>();

function checkComment(strings: TemplateStringsArray): void {
  if (checked.has(strings)) return;
  const text = strings.join("");
  const comment = text.indexOf("#");
  if (comment !== -1 && COMMENT_UNSAFE.test(text.slice(comment))) throw new Error(`sh: a comment with shell syntax zsh would parse: ${strings.raw.join("${…}")}`);
  // After a command, zsh would pass the comment's words to it as arguments: comments get their own line.
  if (comment > 0) throw new Error(`sh: a comment after a command (give it its own line): ${strings.raw.join("${…}")}`);
  checked.add(strings);
}

export function sh(strings: TemplateStringsArray, ...values: Array<string | number | ShellCode>): string {
  checkComment(strings);
  let out = strings[0]!;
  let quote = quoteAfter(strings[0]!, undefined);
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    let literal = strings[i + 1]!;
    if (value instanceof ShellCode) out += value.text;
    else {
      const text = withoutInvisible(String(value), "\uFFFD");
      // A template that puts a value inside '…' is a bug here, not in the input.
      if (quote === "'") throw new Error(`sh: a value inside single quotes of the template: ${strings.raw.join("${…}")}`);
      if (quote === '"') {
        const wordStart = /(^|\s)"$/.test(out);
        const inert = quoted(text, wordStart);
        if (inert === text) out += text;
        else if (out.endsWith('"') && literal.startsWith('"')) {
          // The value is all there is between the quotes ("${value}"): single quotes instead.
          out = out.slice(0, -1) + inert;
          literal = literal.slice(1);
          quote = undefined;
        } else out += `"${inert}"`; // close the double quotes, the single-quoted value, reopen them
      } else out += quoted(text, out === "" || /\s$/.test(out));
    }
    out += literal;
    quote = quoteAfter(literal, quote);
  }
  return out;
}
