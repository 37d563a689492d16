import fc from "fast-check";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { htmlText, mdCode, mdFence, mdText, mermaidLabel, xmlEscape, xmlText } from "../../src/text/escape";

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", trimValues: false, parseTagValue: false, parseAttributeValue: false });

/** Characters XML 1.0 can carry, for round trips. */
const xmlChar = fc.oneof(
  fc.constantFrom("<", ">", "&", '"', "'", "]]>", "\n", "\t", " ", "a", "é", "😀", "&amp;", "<!--"),
  fc.string({ unit: "grapheme" }),
);
const xmlString = fc.array(xmlChar, { maxLength: 12 }).map((a) => a.join("").replace(/[\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, ""));

describe("xml escaping", () => {
  it("round-trips any text through an attribute and element content", () => {
    fc.assert(
      fc.property(xmlString, (text) => {
        const xml = `<a v="${xmlEscape(text)}">${xmlText(text)}</a>`;
        expect(XMLValidator.validate(xml)).toBe(true);
        // The parser does not decode numeric references in attributes; compare after decoding them.
        const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", trimValues: false, parseTagValue: false, parseAttributeValue: false, processEntities: true, htmlEntities: true }).parse(xml);
        expect(parsed.a.v).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it("drops characters XML 1.0 forbids but keeps surrogate pairs", () => {
    expect(xmlText("a\u0000b\u001Fc\uD800d😀")).toBe("a\uFFFDb\uFFFDc\uFFFDd😀");
    expect(parser.parse(`<a>${xmlText("x\u0001y")}</a>`).a).toBe("x\uFFFDy");
  });
});

describe("markdown escaping", () => {
  it("mdText leaves no live markup, pipe, HTML, mention or line break", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const out = mdText(text);
        expect(out).not.toMatch(/\n|\r/);
        expect(out).not.toMatch(/(^|[^\\])(\\\\)*[|`*_[\]~]/);
        expect(out).not.toContain("<");
        // An @ that starts a word is followed by a zero-width space: no mention on GitHub/GitLab.
        expect(out).not.toMatch(/(?<![A-Za-z0-9])@(?!\u200B)/);
      }),
      { numRuns: 500 },
    );
    expect(mdText("# heading", true)).toBe("\\# heading");
    expect(mdText("1. item", true)).toBe("1\\. item");
    expect(mdText("1. item")).toBe("1. item");
    expect(mdText("a|b @team <b>x</b> [l](http://x)")).toBe("a\\|b @\u200Bteam &lt;b>x&lt;/b> \\[l\\](http://x)");
  });

  it("code spans and fences cannot be closed by their content", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const fenced = mdFence(text, "sh");
        const fence = /^`+/.exec(fenced)![0];
        const inner = fenced.slice(fence.length).split("\n").slice(1, -2);
        for (const line of inner) expect(line.startsWith(fence)).toBe(false);
        const span = mdCode(text);
        const ticks = /^`+/.exec(span)![0];
        expect(span.slice(ticks.length, -ticks.length)).not.toContain(ticks);
      }),
      { numRuns: 300 },
    );
    expect(mdCode("a`b")).toBe("``a`b``");
    expect(mdCode("x|y", true)).toBe("`x\\|y`");
    expect(mdFence("```\nx")).toBe("````\n```\nx\n````\n");
  });

  it("html and mermaid labels carry no markup", () => {
    expect(htmlText("a <b>&</b> @x\ny")).toBe("a &lt;b&gt;&amp;&lt;/b&gt; @\u200Bx y");
    expect(mdText("sa@p.iam.gserviceaccount.com (@team) @@x")).toBe("sa@p.iam.gserviceaccount.com (@\u200Bteam) @\u200B@\u200Bx");
    expect(mermaidLabel('x"] --> y%%{init}%%`#<')).toBe("x#quot;] --#gt; y#37;#37;{init}#37;#37;#96;#35;#lt;");
  });
});

describe("C1 controls and bidirectional overrides", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const escape = require("../../src/text/escape") as typeof import("../../src/text/escape");
  const hostile = "prod\u202Eevil\u0085x\u2066y";
  test.each([["mdText", escape.mdText(hostile)], ["mdCode", escape.mdCode(hostile)], ["xmlEscape", escape.xmlEscape(hostile)], ["xmlText", escape.xmlText(hostile)]])("%s removes them", (_name, out) => {
    expect(out).not.toMatch(/[\u0080-\u009F\u202A-\u202E\u2066-\u2069]/);
    expect(out).toContain("prod");
  });
});
