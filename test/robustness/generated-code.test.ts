import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ts from "typescript";
import { buildPlan, computed } from "../support/plan-builder";
import { runCli } from "./support";

/**
 * The CDKTF and Terraform fixes are pasted into a stack that an admin applies. Names and values
 * chosen to break out of strings and comments (a line break or U+2028 ending a `//` comment, `*​/`
 * ending a block comment, quotes, backslashes, HCL's `${…}` and `%{…}` templates, a backtick and
 * `${` for TypeScript templates) go through the real CLI; every fix is then read by the TypeScript
 * scanner and by an HCL tokenizer: the word INJECTED may only stand inside a string or a comment.
 */
const BREAK_VALUE = [
  "\nINJECTED();//",
  "\r\nINJECTED();#",
  "\u2028INJECTED();//",
  "*/INJECTED();/*",
  '"+INJECTED()+"',
  "\\\"+INJECTED()+\"",
  "`+INJECTED()+`",
  "\u202eINJECTED",
].join("");
/**
 * In names (keys) only: the readers resolve `${…}` in values, as Terraform does, so a value holding
 * it is unknown and reaches no fix. Names keep it as text.
 */
const BREAK = `${BREAK_VALUE}\${INJECTED()}%{if INJECTED}x%{endif}`;

const dir = mkdtempSync(join(tmpdir(), "preflight-code-"));
afterAll(() => (process.env.KEEP_CODE ? undefined : rmSync(dir, { recursive: true, force: true })));

function craftedTerraformJson(): unknown {
  const meta = (path: string) => ({ "//": { metadata: { path: `gke/${path}${BREAK}`, uniqueId: path } } });
  return {
    "//": { metadata: { backend: "local", stackName: "gke", version: "0.21.0" } },
    provider: { google: [{ project: `acme${BREAK_VALUE}`, region: "europe-west1" }] },
    resource: {
      google_service_account: { [`nodes${BREAK}`]: { ...meta("sa"), account_id: `gke${BREAK_VALUE}`, project: `acme${BREAK_VALUE}` } },
      google_project_service: { [`api${BREAK}`]: { ...meta("api"), project: `acme${BREAK_VALUE}`, service: "container.googleapis.com", disable_on_destroy: true } },
      google_container_cluster: {
        [`c${BREAK}`]: { ...meta("cluster"), name: `c${BREAK_VALUE}`, location: `eu${BREAK_VALUE}`, master_auth: { username: "admin" }, node_config: { service_account: `\${google_service_account.nodes${BREAK}.email}` } },
        d: { ...meta("d"), name: "d", location: "eu", project: `acme${BREAK_VALUE}` },
      },
      google_container_node_pool: { [`p${BREAK}`]: { ...meta("pool"), cluster: `c${BREAK_VALUE}`, location: "eu", project: `acme${BREAK_VALUE}`, node_config: { service_account: `n${BREAK_VALUE}@acme.iam.gserviceaccount.com` } } },
      google_project_default_service_accounts: { [`defaults${BREAK}`]: { project: `acme${BREAK_VALUE}`, action: "DISABLE" } },
    },
  };
}

function craftedPlan(): unknown {
  return buildPlan({
    project: `acme${BREAK_VALUE}`,
    resources: [
      { type: "google_service_account", name: `nodes${BREAK}`, values: { account_id: `gke${BREAK_VALUE}`, project: `acme${BREAK_VALUE}`, email: computed, disabled: true } },
      { type: "google_project_service", name: `api${BREAK}`, actions: ["delete"], values: { project: `acme${BREAK_VALUE}`, service: "container.googleapis.com", disable_on_destroy: true } },
      { type: "google_container_cluster", name: `c${BREAK_VALUE}`, values: { name: `c${BREAK_VALUE}`, location: `eu${BREAK_VALUE}`, project: `acme${BREAK_VALUE}`, node_config: [{ service_account: "" }] } },
      { type: "google_container_node_pool", name: `p${BREAK}`, values: { cluster: `c${BREAK_VALUE}`, location: "eu", project: `acme${BREAK_VALUE}`, node_config: [{ service_account: `${"PROJECT"}-compute@developer.gserviceaccount.com` }] } },
    ],
  });
}

interface Fix {
  ruleId: string;
  cdktf: string;
  hcl: string;
}

/** TypeScript tokens, comments included: the word may be in a string, template text or comment only. */
function tsInjections(code: string): string[] {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, code);
  const found: string[] = [];
  const braces: number[] = [];
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    // Template literals: the scanner hands back `}` and is asked to go on with the template.
    if (kind === ts.SyntaxKind.TemplateHead) braces.push(0);
    else if (kind === ts.SyntaxKind.OpenBraceToken && braces.length) braces[braces.length - 1]!++;
    else if (kind === ts.SyntaxKind.CloseBraceToken && braces.length) {
      if (braces[braces.length - 1] === 0) {
        kind = scanner.reScanTemplateToken(false);
        if (kind === ts.SyntaxKind.TemplateTail) braces.pop();
        continue;
      }
      braces[braces.length - 1]!--;
    }
    if (kind === ts.SyntaxKind.Identifier && scanner.getTokenText() === "INJECTED") found.push(code.slice(Math.max(0, scanner.getTokenStart() - 30), scanner.getTokenEnd()));
  }
  return found;
}

/** HCL (native syntax): code, quoted strings with `${…}` / `%{…}` templates (code again), comments. */
function hclInjections(code: string): string[] {
  const found: string[] = [];
  const word = (at: number) => code.startsWith("INJECTED", at) && found.push(code.slice(Math.max(0, at - 30), at + 8));
  // Code positions nest inside string templates: a stack of "in code, how many braces deep".
  const stack: Array<{ inString: boolean; depth: number }> = [{ inString: false, depth: 0 }];
  for (let i = 0; i < code.length; i++) {
    const top = stack[stack.length - 1]!;
    const c = code[i]!;
    if (top.inString) {
      if (c === "\\") i++;
      else if ((c === "$" || c === "%") && code[i + 1] === c && code[i + 2] === "{") i += 2;
      else if ((c === "$" || c === "%") && code[i + 1] === "{") {
        stack.push({ inString: false, depth: 0 });
        i++;
      } else if (c === '"') stack.pop();
      continue;
    }
    if (c === "#" || (c === "/" && code[i + 1] === "/")) {
      const end = code.indexOf("\n", i);
      i = end === -1 ? code.length : end;
    } else if (c === "/" && code[i + 1] === "*") {
      const end = code.indexOf("*/", i + 2);
      i = end === -1 ? code.length : end + 1;
    } else if (c === '"') stack.push({ inString: true, depth: 0 });
    else if (c === "{") top.depth++;
    else if (c === "}") {
      if (top.depth === 0 && stack.length > 1) stack.pop();
      else top.depth--;
    } else word(i);
  }
  return found;
}

describe.each([
  ["crafted.cdk.tf.json", craftedTerraformJson],
  ["crafted.plan.json", craftedPlan],
])("the CDKTF and Terraform fixes of %s", (name, make) => {
  let fixes: Fix[];
  let text: string;
  beforeAll(async () => {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify(make()));
    const json = join(dir, `${name}.report.json`);
    const run = await runCli([file, "-v", "--format", "text", "--format", `json=${json}`]);
    expect(run.stderr).toBe("");
    text = run.stdout;
    const report = JSON.parse(readFileSync(json, "utf8")) as { findings: Array<{ ruleId: string; remediation: { cdktf: string; hcl: string } }> };
    fixes = report.findings.map((f) => ({ ruleId: f.ruleId, ...f.remediation }));
  }, 120_000);

  test("the crafted text reached the fixes of several rules", () => {
    const reached = new Set(fixes.filter((f) => `${f.cdktf}${f.hcl}`.includes("INJECTED")).map((f) => f.ruleId));
    expect(reached.size).toBeGreaterThanOrEqual(5);
  });

  test("TypeScript: the crafted text is only ever inside a string or a comment", () => {
    expect(fixes.flatMap((f) => tsInjections(f.cdktf).map((at) => `${f.ruleId}: ${at}`))).toEqual([]);
  });

  test("HCL: the crafted text is only ever inside a string (never a template) or a comment", () => {
    expect(fixes.flatMap((f) => hclInjections(f.hcl).map((at) => `${f.ruleId}: ${at}`))).toEqual([]);
  });

  test("no control character, separator or bidirectional mark is in the code", () => {
    // eslint-disable-next-line no-control-regex
    const invisible = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
    expect(fixes.filter((f) => invisible.test(f.cdktf) || invisible.test(f.hcl)).map((f) => f.ruleId)).toEqual([]);
  });

  test("-v text: every code line is a line of the fix (none starts with the crafted text)", () => {
    expect(text.split("\n").filter((line) => /^\s*INJECTED/.test(line))).toEqual([]);
  });
});

describe("the scanners used above do find injected code", () => {
  test.each([
    ["// in x\nINJECTED();", true],
    ["// in x\u2028INJECTED();", true],
    ['const a = "x" + INJECTED;', true],
    ["`a${INJECTED}b`", true],
    ["`a${ {a: 1}.a }b${INJECTED}`", true],
    ['"INJECTED" // INJECTED', false],
    ["`${a}INJECTED`", false],
  ])("TypeScript %j → %s", (code, injected) => {
    expect(tsInjections(code).length > 0).toBe(injected);
  });
  test.each([
    ['# x\nINJECTED = 1', true],
    ['a = "${INJECTED}"', true],
    ['a = "%{if INJECTED}x%{endif}"', true],
    ['a = "$${INJECTED}" # INJECTED', false],
    ['a = "\\"INJECTED"', false],
    ['a = "x" /* INJECTED */', false],
    ['a = "${ {b = 1}.b }INJECTED"', false],
  ])("HCL %j → %s", (code, injected) => {
    expect(hclInjections(code).length > 0).toBe(injected);
  });
});
