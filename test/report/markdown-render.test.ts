/**
 * The Markdown report rendered by a real CommonMark parser with GFM tables (markdown-it, raw HTML
 * allowed as on GitHub): hostile text from inputs never becomes an element, a link or a cell.
 */
import { renderMarkdown } from "../../src/report/markdown";
import { failGke001, hostile, reportOf, unknownGke002 } from "./fixtures/findings";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const MarkdownIt = require("markdown-it");
const md = new MarkdownIt({ html: true, linkify: false });

function cellsOfRows(html: string): string[][] {
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? "";
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) => [...row[1]!.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((c) => c[1]!));
}

describe("Markdown report as rendered", () => {
  it("hostile names stay text: one row, four cells, no injected element or link", () => {
    const html = md.render(renderMarkdown(reportOf([hostile, unknownGke002])));
    const rows = cellsOfRows(html);
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(r).toHaveLength(4);
    expect(html).not.toMatch(/<script|<img|<testcase|<b>x<\/b>/);
    // The address is a code span with its pipe and backtick intact.
    expect(rows[0]![2]).toContain("<code>google_container_node_pool.x[&quot;a|b`c&lt;/testcase&gt;]]&gt;@octocat&quot;\uFFFD&quot;]</code>");
    expect(rows[0]![3]).toContain("lacks |pipes| and ``` fences ``` and &lt;script&gt;alert(1)&lt;/script&gt; &amp; @\u200Bteam/admins");
    // No text node holds an @ that starts a word (what GitHub's and GitLab's mention filters look for).
    expect(html.replace(/<code>[\s\S]*?<\/code>/g, "")).not.toMatch(/(?<![A-Za-z0-9])@(?!\u200B)/);
    // Only the links the report itself makes.
    expect([...html.matchAll(/<a href="([^"]+)"/g)].map((m) => m[1])).toEqual(["https://example.test/docs/rules/GKE001.md", "https://example.test/docs/rules/GKE002.md"]);
  });

  it("fixes are code blocks with their content intact, inside their details element", () => {
    const html = md.render(renderMarkdown(reportOf([hostile, failGke001])));
    expect(html).toContain('<pre><code class="language-sh">echo \'```\' ; echo &lt;/details&gt;\n</code></pre>');
    expect(html).toContain("<pre><code class=\"language-ts\">const s = `${a}` + '````';\n</code></pre>");
    expect(html.match(/<details>/g)).toHaveLength(2);
    expect(html.match(/<\/details>/g)).toHaveLength(2);
    expect(html).toContain('<pre><code class="language-mermaid">flowchart LR');
  });
});
