import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildPlan, computed } from "../support/plan-builder";
import type { Resource } from "../../src/model/types";
import type { Identity } from "../../src/facts/iam/identity";
import { bothRemediations, dedicatedNodeAccountRemediation, denyExceptionRemediation, dependsOnRemediation, enableApiRemediation, grantRoleRemediation, serviceAccountUserRemediation } from "../../src/rules/remediation";
import { ROOT, runCli } from "./support";

/**
 * The person most exposed to a crafted input is the reviewer who pastes the printed fix into a
 * terminal with admin credentials. Values chosen to escape quoting in every way we know (history
 * expansion `!#` and `!!`, command substitution, quotes, line breaks, escape sequences that eat the
 * quote after them, option injection) go through the real CLI; the gcloud lines of the text and
 * Markdown reports are then typed, and pasted, into interactive bash and zsh on a pseudo-terminal
 * (history expansion only happens there). `gcloud` is a stand-in that logs its arguments. Nothing
 * may run but one gcloud per command line: no marker file may appear.
 */
const PTY = join(ROOT, "test", "support", "pty-paste.py");
const onPath = (command: string) => spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;

const dir = mkdtempSync(join(tmpdir(), "preflight-paste-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every payload creates its own marker (relative to the shell's working folder) if it ever runs. */
const payloads = {
  history: "ci!#;touch M1;#",
  historyPrevious: "p!!;touch M2",
  substitution: "gke$(touch M3)",
  backticks: "`touch M4`",
  singleQuote: "eu';touch M5;'",
  doubleQuote: 'c";touch M6;"',
  newline: "x\ntouch M7\n",
  escapeEatsQuote: "y\u001b[';touch M8;'",
  separator: "z\u2028touch M9",
  quickSubstitution: "^gcloud^touch M10",
  option: "--flags-file=M11",
  equals: "=touch",
  carriageReturn: "r\rtouch M12\r",
  zshGlobQualifier: "q(e:'touch M13':)",
};

function hostileTerraformJson(): unknown {
  return {
    "//": { metadata: { backend: "local", stackName: "gke", version: "0.21.0" } },
    provider: { google: [{ project: payloads.history, region: "europe-west1" }] },
    resource: {
      google_service_account: { nodes: { account_id: payloads.substitution, project: payloads.history } },
      google_project_service: { container: { project: payloads.option, service: "container.googleapis.com", disable_on_destroy: true } },
      google_container_cluster: {
        [`c${payloads.newline}`]: {
          name: payloads.backticks,
          location: payloads.singleQuote,
          project: payloads.history,
          master_auth: { username: "admin" },
          node_config: { service_account: "${google_service_account.nodes.email}" },
        },
        other: { name: payloads.doubleQuote, location: payloads.escapeEatsQuote, project: payloads.separator, master_auth: { username: "admin" }, node_config: { service_account: `${payloads.historyPrevious}@p.iam.gserviceaccount.com` } },
      },
      google_container_node_pool: {
        pool: { cluster: "x", project: payloads.quickSubstitution, location: payloads.zshGlobQualifier, node_config: { service_account: `${payloads.equals}@${payloads.carriageReturn}.iam.gserviceaccount.com` } },
      },
    },
  };
}

function hostilePlan(): unknown {
  return buildPlan({
    project: payloads.history,
    resources: [
      { type: "google_service_account", name: "nodes", values: { account_id: "gke", project: payloads.substitution, email: computed } },
      { type: "google_project_service", name: "api", actions: ["delete"], values: { project: payloads.history, service: "container.googleapis.com", disable_on_destroy: true } },
      { type: "google_container_cluster", name: "c", values: { name: payloads.backticks, location: payloads.newline, project: payloads.doubleQuote, master_auth: [{ username: "admin" }], node_config: [{ service_account: `${payloads.escapeEatsQuote}@p.iam.gserviceaccount.com` }] } },
      { type: "google_container_cluster", name: "d", values: { name: payloads.zshGlobQualifier, location: payloads.option, project: payloads.quickSubstitution, master_auth: [{ username: "admin" }], node_config: [{ service_account: `${payloads.historyPrevious}@${payloads.separator}.iam.gserviceaccount.com` }] } },
      { type: "google_container_cluster", name: "e", values: { name: payloads.singleQuote, location: payloads.carriageReturn, project: payloads.equals, master_auth: [{ username: "admin" }], node_config: [{ service_account: `n@${payloads.equals}.iam.gserviceaccount.com` }] } },
    ],
  });
}

interface Fixes {
  json: string[];
  text: string[];
  markdown: string[];
}

async function fixesOf(name: string, input: unknown): Promise<Fixes> {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(input));
  const md = join(dir, `${name}.md`);
  const js = join(dir, `${name}.report.json`);
  const run = await runCli([file, "-v", "--format", "text", "--format", `markdown=${md}`, "--format", `json=${js}`]);
  expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 1, stderr: "" });
  const report = JSON.parse(readFileSync(js, "utf8")) as { findings: Array<{ remediation: { gcloud: string[] } }> };
  const text = run.stdout.split("\n").flatMap((line) => (/^ {17}\$ /.test(line) ? [line.slice(19)] : []));
  const markdown = [...readFileSync(md, "utf8").matchAll(/^(`{3,})sh\n([\s\S]*?)\n\1$/gm)].flatMap((m) => m[2]!.split("\n"));
  return { json: report.findings.flatMap((f) => f.remediation.gcloud), text, markdown };
}

/** Runs pasted lines in an interactive shell; returns the gcloud calls and the files the shell left. */
function paste(shell: string[], lines: string[], mode: "typed" | "bracketed"): { calls: string[]; files: string[]; transcript: string; status: number | null } {
  const cwd = mkdtempSync(join(dir, "shell-"));
  const bin = join(cwd, "bin");
  mkdirSync(bin);
  // Logs one line per call, whatever the arguments hold.
  writeFileSync(join(bin, "gcloud"), `#!/bin/sh\nprintf 'call %d\\n' "$#" >> "${join(cwd, "calls.log")}"\n`);
  chmodSync(join(bin, "gcloud"), 0o755);
  const result = spawnSync("python3", [PTY, ...shell], {
    cwd,
    input: `${lines.join("\n")}\n`,
    env: { PATH: `${bin}:/usr/bin:/bin`, HOME: cwd, TERM: "xterm", PS1: "$ ", PTY_PASTE_MODE: mode, HISTFILE: join(cwd, "history") },
    encoding: "utf8",
    timeout: 120_000,
  });
  const log = join(cwd, "calls.log");
  const calls = existsSync(log) ? readFileSync(log, "utf8").trimEnd().split("\n") : [];
  // policy.json: the deny-policy fix writes it on purpose (`gcloud iam policies get … > policy.json`).
  const files = readdirSync(cwd).filter((f) => !["bin", "calls.log", "history", "policy.json"].includes(f));
  return { calls, files, transcript: result.stdout, status: result.status };
}

/**
 * zsh takes `#` for a comment only with INTERACTIVE_COMMENTS (off by default): a comment's words are
 * then parsed, and an apostrophe in them opens a string that a later quoted value closes, leaving
 * that value unquoted (tried: `touch` ran). Our own comment words hold no quote or operator.
 */
const unsafeComments = (lines: string[]) => lines.filter((line) => commentSyntax(line) !== "");

/** The shell syntax in the comment part of a line (after an unquoted `#` that starts a word), quoted values left out. */
function commentSyntax(line: string): string {
  let quote: string | undefined;
  let comment = false;
  let found = "";
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
    } else if (quote === '"') {
      if (c === "\\") i++;
      else if (c === '"') quote = undefined;
    } else if (c === "\\" && line[i + 1] === "'") i++; // '\'' inside a quoted value
    // In a comment a value is a whole word: an apostrophe inside a word (rule's) is ours, and parsed.
    else if (c === "'" && comment && /[\s']/.test(line[i - 1] ?? " ")) quote = "'";
    else if (comment && /['"`$;&|<>()\\{}!^~*?[\]]/.test(c)) found += c;
    else if (c === "'" || c === '"') quote = c;
    else if (c === "#" && (i === 0 || /\s/.test(line[i - 1]!))) {
      comment = true;
      // After a command, zsh passes the comment's words to it: comments stand on their own line.
      if (line.slice(0, i).trim()) found += "#";
    }
  }
  return found;
}

/** gcloud runs once for each command line, and once more for each `$(gcloud …)` in it. */
const expectedCalls = (lines: string[]) => lines.filter((l) => !l.startsWith("#")).reduce((n, l) => n + (l.startsWith("gcloud ") ? 1 : 0) + (l.match(/\$\(gcloud /g)?.length ?? 0), 0);

const shells: Array<[string, string[]]> = [
  ["bash", ["bash", "--norc", "--noprofile", "-i"]],
  ["zsh", ["zsh", "-f", "-i"]],
];
/** Each input, and the markers of the payloads that reach its gcloud fixes (the others reach only code and text). */
const inputs: Array<[string, () => unknown, string[]]> = [
  ["hostile.cdk.tf.json", hostileTerraformJson, ["M1", "M2", "M3", "M4", "M5", "M6", "M8", "M9", "M10", "M11", "M12"]],
  ["hostile.plan.json", hostilePlan, ["M1", "M2", "M3", "M4", "M5", "M6", "M7", "M8", "M9", "M10", "M11", "M12", "M13"]],
];

/**
 * Every fix builder, also those only live facts reach (deny policies, the deployer), called with
 * the payloads directly: their gcloud lines are pasted the same way below.
 */
function builderFixes(): string[] {
  const p = Object.values(payloads);
  const resource = (address: string): Resource => ({ address, mode: "managed", type: address.split(".")[0]!, name: address.split(".")[1] ?? "x", module: "", change: "create", values: {}, providerKey: "google", dependsOn: [], references: [], location: { file: "x" }, suppressions: [] } as unknown as Resource);
  const account = (email: string, createdBy?: Resource): Identity => ({ display: email, email, kind: "service-account", ...(createdBy ? { createdBy } : {}) });
  const agent: Identity = { display: "the GKE service agent", kind: "gke-agent" };
  return p.flatMap((v, i) => {
    const w = p[(i + 1) % p.length]!;
    const fixes = [
      grantRoleRemediation({ summary: "s", project: v, identity: account(`${w}@x.iam.gserviceaccount.com`, resource(`google_service_account.${w}`)), role: w, resourceName: w }),
      grantRoleRemediation({ summary: "s", project: v, identity: agent, role: "roles/container.serviceAgent", resourceName: "a" }),
      enableApiRemediation({ summary: "s", project: v, api: w, resourceName: w }),
      dedicatedNodeAccountRemediation({ summary: "s", project: v, role: w, nodeResource: resource(`google_container_cluster.${w}`), where: "node_config.service_account" }),
      dependsOnRemediation({ summary: "s", resource: resource(`google_container_cluster.${v}`), waitFor: [resource(`google_project_service.${w}`)], gcloud: [] }),
      serviceAccountUserRemediation({ summary: "s", account: account(v), project: w, deployer: `user:${w}` }),
      serviceAccountUserRemediation({ summary: "s", account: { display: "default", kind: "compute-default" }, project: v }),
      bothRemediations(
        denyExceptionRemediation({ email: v, who: v, short: w, what: v, attachedTo: `projects/${w}`, policy: `policies/x/denypolicies/${v}` }),
        denyExceptionRemediation({ email: w, who: w, short: v, what: w, attachedTo: `folders/${v}`, policy: w }),
      ),
    ];
    return fixes.flatMap((f) => f.gcloud);
  });
}

describe("fixes of every builder, with the payloads as arguments", () => {
  const lines = builderFixes();
  test("the payloads reached the commands and no line holds a control character", () => {
    expect(lines.join("\n")).toContain("touch M13");
    expect(unsafeComments(lines)).toEqual([]);
    // eslint-disable-next-line no-control-regex
    expect(lines.filter((c) => /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(c))).toEqual([]);
  });
  for (const [shellName, shell] of shells) {
    const run = ["python3", shellName].every(onPath) || process.env.CI === "true" ? test : test.skip;
    run(`${shellName}: pasting them runs gcloud once per command and nothing else`, () => {
      const { calls, files, transcript, status } = paste(shell, lines, "bracketed");
      expect({ files, status }).toEqual({ files: [], status: 0 });
      expect({ calls: calls.length, transcript: calls.length === expectedCalls(lines) ? "" : transcript }).toEqual({ calls: expectedCalls(lines), transcript: "" });
    }, 180_000);
  }
});

describe.each(inputs)("fixes printed for %s", (name, make, markers) => {
  let fixes: Fixes;
  beforeAll(async () => {
    fixes = await fixesOf(name, make());
  }, 120_000);

  test("every payload reached a gcloud fix, the same in JSON, text and Markdown", () => {
    expect(fixes.json.length).toBeGreaterThan(8);
    // Text groups findings by resource, Markdown puts failures first: the same lines in another order.
    expect([...fixes.text].sort()).toEqual([...fixes.json].sort());
    expect([...fixes.markdown].sort()).toEqual([...fixes.json].sort());
    const all = fixes.json.join("\n");
    // Emails are compared (and shown) in lower case.
    expect(markers.filter((marker) => !new RegExp(`${marker}\\b`, "i").test(all))).toEqual([]);
    expect(all).toContain("=touch");
  });

  test("comments hold no shell syntax (zsh parses them)", () => {
    expect(unsafeComments(fixes.json)).toEqual([]);
  });

  test("no control character, line or paragraph separator is in a command", () => {
    // eslint-disable-next-line no-control-regex
    expect(fixes.json.filter((c) => /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(c))).toEqual([]);
  });

  for (const [shellName, shell] of shells) {
    const tools = ["python3", shellName];
    const missing = tools.filter((t) => !onPath(t));
    if (missing.length && process.env.CI === "true") {
      // CI installs zsh (.ci/run); a test that quietly skipped there would prove nothing.
      test(`${shellName}: ${missing.join(" and ")} must be installed under CI`, () => {
        throw new Error(`${missing.join(" and ")} not found on PATH; .ci/run installs zsh with apt-get (this test pastes fixes into ${shellName})`);
      });
      continue;
    }
    const run = missing.length ? test.skip : test;
    for (const mode of ["typed", "bracketed"] as const) {
      run(`${shellName}, ${mode}: pasting the text and Markdown fixes runs gcloud once per command and nothing else`, () => {
        for (const lines of [fixes.text, fixes.markdown]) {
          const { calls, files, transcript, status } = paste(shell, lines, mode);
          expect({ files, status }).toEqual({ files: [], status: 0 });
          expect({ calls: calls.length, transcript: calls.length === expectedCalls(lines) ? "" : transcript }).toEqual({ calls: expectedCalls(lines), transcript: "" });
        }
      }, 180_000);
    }
  }
});
