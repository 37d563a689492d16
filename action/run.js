#!/usr/bin/env node
// The GitHub Action's logic (action.yml runs it): runs the gate with the action's inputs, writes
// the Markdown report to the job summary and the results to the step's outputs. It never fails the
// step for findings: the outputs carry the exit code and action.yml's last step fails the job, so
// the SARIF upload runs first. Plain Node, no dependencies: the action's checkout is not built.
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const PACKAGE = "cdktf-gke-preflight";

/** An input as the runner passes it: INPUT_NAME upper-cased, `-` kept (JavaScript actions) or as `_` (action.yml). */
function input(name, fallback = "") {
  const key = `INPUT_${name.toUpperCase()}`;
  const value = process.env[key] ?? process.env[key.replace(/-/g, "_")] ?? "";
  return value.trim() === "" ? fallback : value.trim();
}

/** true / false as the runner's own boolean inputs take them. */
function booleanInput(name, fallback) {
  const value = input(name, fallback);
  if (["true", "True", "TRUE"].includes(value)) return true;
  if (["false", "False", "FALSE"].includes(value)) return false;
  throw new UsageError(`input ${name} must be true or false (got "${value}")`);
}

class UsageError extends Error {}

/** The CLI to run: the project's own installed copy, else this action's version installed into the runner's temp folder. */
function resolveCli(workdir, version, temp) {
  if (process.env.PREFLIGHT_ACTION_CLI) return { cli: process.env.PREFLIGHT_ACTION_CLI, from: "PREFLIGHT_ACTION_CLI" };
  const own = installedCli(workdir);
  if (own) return { ...own, from: "the project's node_modules" };
  const prefix = path.join(temp, `${PACKAGE}-${version}`);
  if (!installedCli(prefix)) {
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const r = spawnSync(npm, ["install", "--no-save", "--omit=dev", "--no-audit", "--no-fund", "--prefix", prefix, `${PACKAGE}@${version}`], { stdio: ["ignore", "inherit", "inherit"], shell: process.platform === "win32" });
    if (r.status !== 0) throw new Error(`npm install ${PACKAGE}@${version} failed (exit ${r.status}); add ${PACKAGE} to the project's devDependencies instead`);
  }
  const installed = installedCli(prefix);
  if (!installed) throw new Error(`${PACKAGE}@${version} was installed into ${prefix} but its CLI is not there`);
  return { ...installed, from: `npm install ${PACKAGE}@${version}` };
}

function installedCli(from) {
  let manifest;
  try {
    manifest = require.resolve(`${PACKAGE}/package.json`, { paths: [from] });
  } catch {
    return undefined;
  }
  const pkg = JSON.parse(fs.readFileSync(manifest, "utf8"));
  return { cli: path.join(path.dirname(manifest), pkg.bin[PACKAGE]), version: pkg.version };
}

/** The CLI's arguments for the inputs; report files go to `reports`. */
function cliArguments(workdir, reports) {
  const inputs = input("input", "cdktf.out").split(/\r?\n/).map((i) => i.trim()).filter(Boolean);
  const args = [...inputs.map((i) => path.resolve(workdir, i))];
  args.push("--format", "text", "--format", `sarif=${path.join(reports, "preflight.sarif")}`, "--format", `markdown=${path.join(reports, "preflight.md")}`, "--format", `json=${path.join(reports, "preflight.json")}`);
  args.push("--fail-on", input("fail-on", "error"), "--unknown", input("unknown", "warn"));
  if (input("waivers")) args.push("--waivers", path.resolve(workdir, input("waivers")));
  if (booleanInput("live", "false")) args.push("--live");
  if (input("project")) args.push("--project", input("project"));
  if (input("rules")) args.push("--rules", input("rules"));
  if (input("skip-rules")) args.push("--skip-rules", input("skip-rules"));
  return args;
}

function setOutput(name, value) {
  const text = String(value);
  if (/[\r\n]/.test(text)) throw new Error(`output ${name} has a line break`);
  if (process.env.GITHUB_OUTPUT) fs.appendFileSync(process.env.GITHUB_OUTPUT, `${name}=${text}\n`);
}

function appendSummary(markdown) {
  if (process.env.GITHUB_STEP_SUMMARY) fs.appendFileSync(process.env.GITHUB_STEP_SUMMARY, markdown.endsWith("\n") ? markdown : `${markdown}\n`);
}

/** Lines as a Markdown code block (indented: no fence a line could close). */
function codeBlock(text) {
  return text.trimEnd().split(/\r?\n/).map((l) => `    ${l}`).join("\n");
}

function main() {
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
  const workdir = path.resolve(workspace, input("working-directory", "."));
  const temp = process.env.RUNNER_TEMP || os.tmpdir();
  const reports = fs.mkdtempSync(path.join(temp, "gke-preflight-"));
  let args;
  try {
    args = cliArguments(workdir, reports);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.log(`::error::${error.message}`);
    appendSummary(`### GKE preflight could not run\n\n${codeBlock(error.message)}\n`);
    setOutput("exit-code", 2);
    return;
  }
  const version = input("version", JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8")).version);
  const { cli, from } = resolveCli(workdir, version, temp);
  console.log(`cdktf-gke-preflight from ${from}: ${cli}`);
  // SARIF paths are relative to the folder the CLI runs in: the repository root, as code scanning expects.
  const run = spawnSync(process.execPath, [cli, ...args], {
    cwd: workspace,
    env: { FORCE_COLOR: "1", ...process.env },
    stdio: ["ignore", "inherit", "pipe"],
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  process.stderr.write(run.stderr ?? "");
  const code = run.status ?? 2;
  const markdown = path.join(reports, "preflight.md");
  const sarif = path.join(reports, "preflight.sarif");
  if (code !== 2 && fs.existsSync(markdown)) appendSummary(fs.readFileSync(markdown, "utf8"));
  else appendSummary(`### GKE preflight could not run (exit ${code})\n\n${codeBlock(run.stderr || String(run.error ?? "no message"))}\n`);
  let summary = {};
  try {
    summary = JSON.parse(fs.readFileSync(path.join(reports, "preflight.json"), "utf8")).summary ?? {};
  } catch {
    // no report (exit 2)
  }
  setOutput("exit-code", code);
  setOutput("failed", summary.fail ?? "");
  setOutput("unknown", summary.unknown ?? "");
  setOutput("sarif-file", code !== 2 && fs.existsSync(sarif) ? sarif : "");
  setOutput("markdown-file", code !== 2 && fs.existsSync(markdown) ? markdown : "");
}

try {
  main();
} catch (error) {
  console.log(`::error::cdktf-gke-preflight action: ${error instanceof Error ? error.message : String(error)}`);
  setOutput("exit-code", 2);
  process.exitCode = 1;
}
