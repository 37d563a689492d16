/**
 * The CI recipes in examples/ci/ stay true: they parse, their preflight command runs with the real
 * CLI on a cdktf.out / plan and writes the reports the later steps read, and the comment scripts
 * create a comment once and update it afterwards.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { MARKDOWN_MARKER } from "../../src/report/markdown";
import { sarifSchemaErrors } from "./sarif-validator";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const root = join(__dirname, "..", "..");
const ci = join(root, "examples", "ci");
const cli = join(root, "dist", "cli", "main.js");
const load = (file: string): Any => parse(readFileSync(join(ci, file), "utf8"));

/**
 * The gate as a recipe writes it: the project's installed copy (a devDependency that `npm ci`
 * installs) through the package's own bin name, never a registry download.
 */
const GATE = "npx --no-install cdktf-gke-preflight";

/** `npx --no-install cdktf-gke-preflight INPUT ARGS…` as written in a recipe, split into input and arguments. */
function preflightCommand(text: string): { input: string; args: string[] } {
  const line = text.split("\n").find((l) => l.trim().startsWith(GATE));
  if (!line) throw new Error(`no preflight command in ${text}`);
  const [input, ...args] = line.trim().slice(GATE.length).trim().split(/\s+/);
  return { input: input!, args };
}

it("the recipes' command is a bin of this package", () => {
  expect(Object.keys(JSON.parse(readFileSync(join(root, "package.json"), "utf8")).bin)).toContain(GATE.split(" ").pop());
});

/** A folder laid out like a CI checkout after `cdktf synth` (stack gke) or after the plan step. */
function checkout(): string {
  const dir = mkdtempSync(join(tmpdir(), "preflight-ci-"));
  mkdirSync(join(dir, "cdktf.out", "stacks", "gke"), { recursive: true });
  copyFileSync(join(root, "examples", "terraform-json", "bad-default-sa.cdk.tf.json"), join(dir, "cdktf.out", "stacks", "gke", "cdk.tf.json"));
  writeFileSync(join(dir, "cdktf.out", "manifest.json"), JSON.stringify({ version: "0.21.0", stacks: { gke: { name: "gke", synthesizedStackPath: "stacks/gke/cdk.tf.json" } } }));
  copyFileSync(join(root, "examples", "plans", "bad-minimal-roles.plan.json"), join(dir, "plan.json"));
  return dir;
}

function runIn(dir: string, input: string, args: string[]) {
  return spawnSync(process.execPath, [cli, input, ...args], { cwd: dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
}

describe.each([
  ["github/gke-preflight.yml", "cdktf.out"],
  ["github/gke-preflight-plan.yml", "plan.json"],
])("GitHub Actions recipe %s", (file, expectedInput) => {
  const workflow = load(file);
  const steps: Any[] = workflow.jobs.preflight.steps;
  const gate = steps.find((s) => typeof s.run === "string" && s.run.includes(GATE));

  it("asks for the permissions its steps need and runs the report steps even when the gate fails", () => {
    expect(workflow.permissions).toMatchObject({ "security-events": "write", "pull-requests": "write" });
    const after = steps.slice(steps.indexOf(gate) + 1);
    expect(after.length).toBeGreaterThan(0);
    for (const step of after) expect(step.if).toMatch(/^always\(\) && /);
    expect(steps.find((s) => s.uses?.startsWith("github/codeql-action/upload-sarif"))?.with.sarif_file).toBe("reports/preflight.sarif");
  });

  it("its preflight command runs on a checkout and writes the files the later steps read", () => {
    const { input, args } = preflightCommand(gate.run);
    expect(input).toBe(expectedInput);
    const dir = checkout();
    const r = runIn(dir, input, args);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(1); // the example has failing findings: the gate fails the job
    expect(r.stdout).toContain("The gate fails.");
    expect(sarifSchemaErrors(JSON.parse(readFileSync(join(dir, "reports", "preflight.sarif"), "utf8")))).toEqual([]);
    expect(existsSync(join(dir, "reports", "preflight-junit.xml"))).toBe(true);
    expect(readFileSync(join(dir, "reports", "preflight.md"), "utf8").startsWith(MARKDOWN_MARKER)).toBe(true);
    // Report-only roll-out as the comment says: same command with --fail-on never exits 0.
    expect(runIn(dir, input, [...args.filter((a, i) => a !== "--fail-on" && args[i - 1] !== "--fail-on"), "--fail-on", "never"]).status).toBe(0);
  });

  it("its comment script creates one comment, then updates it, and leaves other comments alone", async () => {
    const script: string = steps.find((s) => s.uses?.startsWith("actions/github-script"))!.with.script;
    const dir = checkout();
    mkdirSync(join(dir, "reports"));
    const comments: Any[] = [{ id: 1, user: { type: "User" }, body: "LGTM" }, { id: 2, user: { type: "User" }, body: `${MARKDOWN_MARKER}\nquoted by a human` }];
    const calls: string[] = [];
    const github = {
      paginate: async (fn: (a: Any) => Promise<Any>, args: Any) => (await fn(args)).data,
      rest: {
        issues: {
          listComments: async () => ({ data: comments.map((c) => ({ ...c })) }),
          createComment: async ({ body }: Any) => {
            calls.push("create");
            comments.push({ id: comments.length + 1, user: { type: "Bot" }, body });
          },
          updateComment: async ({ comment_id, body }: Any) => {
            calls.push(`update ${comment_id}`);
            comments.find((c) => c.id === comment_id).body = body;
          },
        },
      },
    };
    const context = { repo: { owner: "o", repo: "r" }, issue: { number: 7 } };
    const fakeRequire = (name: string) => {
      if (name !== "fs") throw new Error(`unexpected require ${name}`);
      return { readFileSync: (p: string, enc: string) => readFileSync(join(dir, p), enc as BufferEncoding) };
    };
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const run = new Function("github", "context", "require", `return (async () => {\n${script}\n})();`) as (...a: unknown[]) => Promise<void>;
    writeFileSync(join(dir, "reports", "preflight.md"), `${MARKDOWN_MARKER}\nfirst`);
    await run(github, context, fakeRequire);
    writeFileSync(join(dir, "reports", "preflight.md"), `${MARKDOWN_MARKER}\nsecond`);
    await run(github, context, fakeRequire);
    expect(calls).toEqual(["create", "update 3"]);
    expect(comments.map((c) => c.body)).toEqual(["LGTM", `${MARKDOWN_MARKER}\nquoted by a human`, `${MARKDOWN_MARKER}\nsecond`]);
  });
});

describe("GitLab CI recipe", () => {
  const pipeline = load("gitlab/gitlab-ci.yml");
  const job = pipeline["gke-preflight"];

  it("publishes the JUnit report to the merge request and keeps reports when the gate fails", () => {
    expect(job.artifacts).toMatchObject({ when: "always", reports: { junit: "reports/preflight-junit.xml" } });
  });

  it("its preflight command runs on a checkout and writes the JUnit report", () => {
    const { input, args } = preflightCommand(job.script.find((s: string) => s.includes(GATE)));
    const dir = checkout();
    const r = runIn(dir, input, args);
    expect(r.status).toBe(1);
    expect(readFileSync(join(dir, "reports", "preflight-junit.xml"), "utf8")).toContain("<testsuites");
  });

  it("mr-note.js creates the note once, then updates it", async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { upsertNote } = require(join(ci, "gitlab", "mr-note.js"));
    const notes: Any[] = [{ id: 10, body: "looks fine" }];
    const requests: string[] = [];
    const fetchImpl = async (url: string, init: Any = {}) => {
      requests.push(`${init.method ?? "GET"} ${url}`);
      expect(init.headers["PRIVATE-TOKEN"]).toBe("t0ken");
      if (!init.method) return { ok: true, status: 200, json: async () => notes };
      const body = JSON.parse(init.body).body;
      if (init.method === "POST") notes.push({ id: 11, body });
      else notes.find((n) => url.endsWith(`/${n.id}`)).body = body;
      return { ok: true, status: 201, json: async () => ({}) };
    };
    const args = { api: "https://gitlab.example/api/v4", projectId: "group/app", mrIid: "5", token: "t0ken", fetchImpl };
    expect(await upsertNote({ ...args, body: `${MARKDOWN_MARKER}\none` })).toBe("created");
    expect(await upsertNote({ ...args, body: `${MARKDOWN_MARKER}\ntwo` })).toBe("updated");
    expect(notes.map((n) => n.body)).toEqual(["looks fine", `${MARKDOWN_MARKER}\ntwo`]);
    expect(requests[1]).toBe("POST https://gitlab.example/api/v4/projects/group%2Fapp/merge_requests/5/notes");
    expect(requests[3]).toBe("PUT https://gitlab.example/api/v4/projects/group%2Fapp/merge_requests/5/notes/11");
  });
});
