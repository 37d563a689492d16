import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { FORMATS } from "../../src/report/outputs";
import { buildPlan, computed } from "../support/plan-builder";
import { runCli, type CliRun } from "./support";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const MarkdownIt = require("markdown-it") as new (options: { html: boolean; linkify: boolean }) => { render(source: string): string };
const markdown = new MarkdownIt({ html: true, linkify: false });

/**
 * Resource names, construct paths, suppression reasons, stack names, values and the file name
 * all come from the input. A crafted input goes through the real CLI in every format it offers;
 * nothing may come out as a terminal control sequence, markup, a mention, a link or a forged line.
 */
const PAYLOAD = [
  "\u001b]8;;https://evil.example\u0007link\u001b]8;;\u0007", // OSC 8 hyperlink
  "\u001b[2J\u001b[31mRED\u001b[0m", // clear screen, colour
  "\u009b31mC1\u0085", // 8-bit CSI and NEL
  "\r\n    PASS       GKE001 forged line\n", // a fake report line
  "<script>alert(1)</script><img src=x onerror=alert(1)><b>bold</b>]]>&amp;",
  "| col | [click](https://evil.example) @everyone `tick` *bold* _em_",
  "\u202eevil\u2066\u2028x",
  "\u0000\u0007\u0008\u007f",
].join(" ");

const dir = mkdtempSync(join(tmpdir(), "preflight-untrusted-"));
afterAll(() => process.env.KEEP_UNTRUSTED ? undefined : rmSync(dir, { recursive: true, force: true }));

function craftedTerraformJson(): unknown {
  const meta = (path: string, reason = PAYLOAD) => ({
    "//": { metadata: { path: `gke/${path}${PAYLOAD}`, uniqueId: path }, preflight: { suppressions: [{ ruleId: "GKE003", reason, expires: `2099-01-01${PAYLOAD}` }, { ruleId: "GKE005", reason, expires: `2000-01-01${PAYLOAD}` }] } },
  });
  return {
    "//": { metadata: { backend: "local", stackName: `gke${PAYLOAD}`, version: "0.21.0" } },
    provider: { google: [{ project: `acme${PAYLOAD}`, region: "europe-west1" }] },
    resource: {
      google_service_account: { [`nodes${PAYLOAD}`]: { ...meta("sa"), account_id: `gke-nodes${PAYLOAD}` } },
      google_project_iam_member: {
        [`grant${PAYLOAD}`]: { ...meta("grant"), project: `acme${PAYLOAD}`, role: `roles/logging.logWriter${PAYLOAD}`, member: `serviceAccount:x${PAYLOAD}@acme.iam.gserviceaccount.com` },
      },
      google_container_cluster: {
        [`cluster${PAYLOAD}`]: { ...meta("cluster"), name: `c${PAYLOAD}`, location: `eu${PAYLOAD}`, node_config: { service_account: `${"${"}google_service_account.nodes${PAYLOAD}.email}` } },
        plain: { name: "plain", location: "europe-west1", project: `acme${PAYLOAD}`, node_config: { service_account: `n${PAYLOAD}@acme.iam.gserviceaccount.com` } },
      },
    },
  };
}

function craftedPlan(): unknown {
  return buildPlan({
    project: `acme${PAYLOAD}`,
    resources: [
      { type: "google_service_account", name: `nodes${PAYLOAD}`, values: { account_id: `gke${PAYLOAD}`, project: `acme${PAYLOAD}`, email: computed } },
      { type: "google_project_iam_binding", name: `agents${PAYLOAD}`, values: { project: `acme${PAYLOAD}`, role: "roles/container.serviceAgent", members: [`serviceAccount:robot${PAYLOAD}@acme.iam.gserviceaccount.com`] } },
      { type: "google_project_service", name: `api${PAYLOAD}`, actions: ["delete"], values: { project: `acme${PAYLOAD}`, service: "container.googleapis.com", disable_on_destroy: true } },
      { type: "google_container_cluster", name: `c${PAYLOAD}`, values: { name: `c${PAYLOAD}`, location: `eu${PAYLOAD}`, project: `acme${PAYLOAD}`, node_config: [{ service_account: `n${PAYLOAD}@acme.iam.gserviceaccount.com` }] } },
    ],
  });
}

interface Outputs {
  run: CliRun;
  byFormat: Record<string, string>;
}

async function runEveryFormat(input: string, name: string): Promise<Outputs> {
  // One format to stdout, the others to files: one run gives every report of the same findings.
  const [first, ...rest] = FORMATS;
  const files = Object.fromEntries(rest.map((f) => [f, join(dir, `${name}.${f}`)]));
  const run = await runCli([input, "--include-pass", "--verbose", "--format", first, ...rest.flatMap((f) => ["--format", `${f}=${files[f]}`])]);
  const byFormat: Record<string, string> = { [first]: run.stdout };
  for (const f of rest) byFormat[f] = run.status === 2 ? "" : readFileSync(files[f], "utf8");
  return { run, byFormat };
}

// eslint-disable-next-line no-control-regex
const C0_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f]/;
// What JSON.stringify always escapes (it leaves DEL and C1 as they are: valid JSON, lossless).
// eslint-disable-next-line no-control-regex
const JSON_RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f]/;
// What XML 1.0 cannot carry at all; ESC-based sequences included.
// eslint-disable-next-line no-control-regex
const XML_ILLEGAL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;
const C1 = /[\u0080-\u009f]/;
const BIDI_AND_SEPARATORS = /[\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
/**
 * Lines that start like a report line but come from the payload, at any depth: the fix blocks of
 * -v (CDKTF and Terraform code) are indented lines too, and a line break in a name must not end
 * a comment there and start a line of its own.
 */
const forgedLines = (text: string) => text.split("\n").filter((line) => /^\s*PASS\s+GKE001 forged line/.test(line));

const cases: Array<[string, () => unknown, string]> = [
  ["cdk.tf.json", craftedTerraformJson, `crafted\u001b[31m<b>|@x.cdk.tf.json`],
  ["plan", craftedPlan, `crafted\u001b[31m<b>|@x.plan.json`],
];

describe.each(cases)("a crafted %s through every format", (_kind, make, fileName) => {
  let outputs: Outputs;
  beforeAll(async () => {
    const input = join(dir, fileName);
    writeFileSync(input, JSON.stringify(make(), null, 2));
    outputs = await runEveryFormat(input, _kind);
  }, 120_000);

  test("the CLI offers these formats and the run produced findings for each", () => {
    expect([...FORMATS].sort()).toEqual(Object.keys(outputs.byFormat).sort());
    expect([0, 1]).toContain(outputs.run.status);
    expect(outputs.run.stderr).toBe("");
    for (const format of FORMATS) expect(outputs.byFormat[format].length).toBeGreaterThan(200);
    // The payload did reach the reports (else this test would prove nothing).
    expect(outputs.byFormat.json).toContain("forged line");
    expect(outputs.byFormat.text).toContain("forged line");
  });

  test("text: no control character, no bidirectional override, no forged line", () => {
    const text = outputs.byFormat.text;
    expect(text).not.toMatch(C0_BUT_NEWLINE);
    expect(text).not.toMatch(C1);
    expect(text).not.toMatch(BIDI_AND_SEPARATORS);
    expect(forgedLines(text)).toEqual([]);
  });

  // Found by this test: input values went into the gcloud fixes unquoted; src/text/shell.ts quotes them.
  test("the gcloud fixes quote input values for the shell", () => {
    const report = JSON.parse(outputs.byFormat.json) as { findings: Array<{ remediation: { gcloud: string[] } }> };
    const hazards = report.findings.flatMap((f) => f.remediation.gcloud.flatMap(shellHazards));
    expect(hazards).toEqual([]);
  });

  test("the Terraform fixes keep every input value inside its quoted string", () => {
    const report = JSON.parse(outputs.byFormat.json) as { findings: Array<{ remediation: { hcl: string } }> };
    const unbalanced = report.findings.flatMap((f) => f.remediation.hcl.split("\n").filter((line) => (line.replace(/\\./g, "").match(/"/g) ?? []).length % 2 === 1));
    expect(unbalanced).toEqual([]);
  });

  test("json: valid, escaped by construction, and lossless", () => {
    const json = outputs.byFormat.json;
    expect(json).not.toMatch(JSON_RAW_CONTROL);
    const report = JSON.parse(json) as { findings: Array<{ address: string }> };
    // The exact addresses come back: escaping must not change what a machine reads.
    expect(report.findings.some((f) => f.address.includes(PAYLOAD))).toBe(true);
  });

  test("sarif: valid JSON without raw control characters; its markdown has no raw HTML", () => {
    const sarif = outputs.byFormat.sarif;
    expect(sarif).not.toMatch(JSON_RAW_CONTROL);
    const doc = JSON.parse(sarif) as { runs: Array<{ results: Array<{ message: { text: string; markdown?: string } }> }> };
    expect(doc.runs[0].results.length).toBeGreaterThan(0);
    for (const result of doc.runs[0].results) {
      if (result.message.markdown) expectSafeMarkdown(result.message.markdown);
    }
  });

  test("junit: well-formed XML, no element or control character from the input", () => {
    const xml = outputs.byFormat.junit;
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).not.toMatch(XML_ILLEGAL);
    expect(xml).not.toMatch(/<script|<img/i);
    // A test report viewer shows the failure text line by line: no line of it comes from the payload.
    expect(forgedLines(xml.replace(/&#10;/g, "\n"))).toEqual([]);
    const names = new Set<string>();
    const walk = (node: unknown) => {
      if (node && typeof node === "object") for (const [k, v] of Object.entries(node)) { names.add(k); walk(v); }
    };
    walk(new XMLParser({ ignoreAttributes: false }).parse(xml));
    expect([...names].filter((n) => /script|img/i.test(n))).toEqual([]);
  });

  test("markdown: no raw HTML, link, mention, control character or forged line", () => {
    expectSafeMarkdown(outputs.byFormat.markdown);
  });
});

/**
 * Judged as GitHub shows it: rendered by a CommonMark parser with GFM tables and raw HTML allowed
 * (markdown-it). Text inside code spans and blocks is shown as it is, so only what is outside counts.
 */
/**
 * Where the shell would do something other than run one gcloud command: an operator, a pipe, a
 * redirection or a command substitution outside single quotes.
 */
function shellHazards(command: string): string[] {
  const hazards: string[] = [];
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (quote === "'") {
      if (c === "'") quote = undefined;
    } else if (c === "\\") i++;
    else if (c === "`" || (c === "$" && command[i + 1] === "(")) {
      // The fixes use $(gcloud …) on purpose to fetch a project number; input must not add more.
      if (!command.slice(i).startsWith("$(gcloud projects describe")) hazards.push(command.slice(i, i + 12));
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (";|&<>\n".includes(c)) hazards.push(command.slice(i, i + 12));
  }
  return hazards;
}

function expectSafeMarkdown(source: string): void {
  expect(source).not.toMatch(C0_BUT_NEWLINE);
  const html = markdown.render(source);
  // Every table row keeps the cells of its header: no cell or row injected with | or a line break.
  for (const table of html.match(/<table>[\s\S]*?<\/table>/g) ?? []) {
    const header = (/<thead>[\s\S]*?<\/thead>/.exec(table)?.[0].match(/<th[ >]/g) ?? []).length;
    for (const row of table.match(/<tbody>[\s\S]*?<\/tbody>/)?.[0].match(/<tr>[\s\S]*?<\/tr>/g) ?? []) expect((row.match(/<td[ >]/g) ?? []).length).toBe(header);
  }
  // Outside code blocks (which show text as it is), no line of the payload stands on its own.
  const outsidePre = html.replace(/<pre>[\s\S]*?<\/pre>/g, "");
  expect(outsidePre).not.toMatch(/(^|<p>|<br>|\n)\s*PASS\s+GKE001 forged line/);
  expect(html).not.toMatch(/<script|<img|<b>bold/i);
  expect(html).not.toContain('href="https://evil.example"');
  const outsideCode = html.replace(/<code[^>]*>[\s\S]*?<\/code>/g, "");
  // An @ that starts a word pings on GitHub and GitLab; the renderers put a zero-width space after it.
  expect(outsideCode).not.toMatch(/(?<![A-Za-z0-9])@(?!\u200B)everyone/);
  expect(outsideCode).not.toContain("\u001b");
}
