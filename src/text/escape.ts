/**
 * Escaping for text that comes from inputs (addresses, names, values, messages built from them)
 * before it goes into XML or Markdown. SARIF is JSON: `JSON.stringify` escapes it.
 */

// XML 1.0 allows TAB, LF, CR and U+0020 upwards, minus surrogates and U+FFFE/U+FFFF.
// Lone surrogates are matched by the `u`-less class below; valid pairs are kept by the first branch.
// C1 controls and bidirectional overrides are legal XML but reorder or hide text in a test report viewer.
const XML_INVALID = /[\uD800-\uDBFF][\uDC00-\uDFFF]|[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uD800-\uDFFF\uFFFE\uFFFF]/g;

/** Removes characters XML 1.0 cannot carry at all (not even as references), keeping surrogate pairs. */
export function xmlSafeChars(text: string): string {
  return text.replace(XML_INVALID, (m) => (m.length === 2 ? m : "\uFFFD"));
}

/** Text for an XML attribute value or element content. */
export function xmlEscape(text: string): string {
  return xmlSafeChars(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    // Attribute values normalise raw line breaks and tabs to spaces: keep them as references.
    .replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;")
    .replace(/\t/g, "&#9;");
}

/** Text for XML element content: line breaks stay readable. */
export function xmlText(text: string): string {
  return xmlSafeChars(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Text inside raw HTML in Markdown (`<summary>`): entities, and no @-mention. */
export function htmlText(text: string): string {
  return noMention(xmlText(withoutControls(text)));
}

/**
 * An @ that starts a word would ping a user or team on GitHub/GitLab. Their mention filters read the
 * rendered text (an `&#64;` entity would still ping), so a zero-width space goes after the @; an @
 * inside a word (an email address) never pings and is left alone.
 */
function noMention(text: string): string {
  return text.replace(/(?<![A-Za-z0-9])@/g, "@\u200B");
}

/**
 * Text from the input that a report shows as one line (a message, an address, a reason): line
 * breaks become spaces and other control characters U+FFFD, so it cannot start a line that
 * passes for another finding.
 */
export function inlineText(text: string): string {
  return withoutControls(text).replace(/[\u2028\u2029]/g, " ");
}

/** Control characters have no place in a comment; they would also hide text from a reviewer. */
function withoutControls(text: string, keepLineBreaks = false): string {
  // C1 controls and bidirectional overrides too: they can reorder what a reviewer reads.
  const cleaned = text.replace(/\r\n?/g, "\n").replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g, "\uFFFD");
  return keepLineBreaks ? cleaned : cleaned.replace(/\n/g, " ");
}

/**
 * Plain text placed in Markdown prose or a table cell: nothing in it may become markup,
 * a link, raw HTML, a mention or a new table cell/row. Only characters that are markup
 * where they stand are escaped, so the raw comment stays readable.
 */
export function mdText(text: string, atLineStart = false): string {
  const escaped = noMention(
    withoutControls(text)
      .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;"),
  );
  // At the start of a line or list item these open a heading, list, quote or ordered list.
  return atLineStart ? escaped.replace(/^([#+\->=])/, "\\$1").replace(/^(\d+)([.)])/, "$1\\$2") : escaped;
}

/**
 * Inline code span. Picks a backtick run that does not occur in the text; inside a table
 * a `|` must still be escaped (GFM splits cells before it parses code spans).
 */
export function mdCode(text: string, inTable = false): string {
  let body = withoutControls(text);
  if (inTable) body = body.replace(/\|/g, "\\|");
  const longest = longestRun(body, "`");
  const ticks = "`".repeat(longest + 1);
  const pad = body.startsWith("`") || body.endsWith("`") || body.startsWith(" ") && body.endsWith(" ") ? " " : "";
  return `${ticks}${pad}${body}${pad}${ticks}`;
}

/** Fenced code block whose fence cannot be closed by the content. */
export function mdFence(text: string, language = ""): string {
  const clean = withoutControls(text, true);
  const fence = "`".repeat(Math.max(3, longestRun(clean, "`") + 1));
  const body = clean.endsWith("\n") ? clean : `${clean}\n`;
  return `${fence}${language}\n${body}${fence}\n`;
}

/** Label text for a quoted Mermaid node (`id["…"]`): Mermaid's own entity codes. */
export function mermaidLabel(text: string): string {
  return withoutControls(text)
    .replace(/#/g, "#35;")
    .replace(/%/g, "#37;")
    .replace(/"/g, "#quot;")
    .replace(/`/g, "#96;")
    .replace(/</g, "#lt;")
    .replace(/>/g, "#gt;");
}

function longestRun(text: string, char: string): number {
  let longest = 0;
  let run = 0;
  for (const c of text) {
    run = c === char ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return longest;
}
