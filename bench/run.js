#!/usr/bin/env node
"use strict";
// The benchmark harness (`npm run bench`). Every measurement runs in a fresh child process.
//
//   node bench/run.js [--quick] [--huge] [--runs N] [--only scaling,quadratic,cold,aspect,huge]
//
// --quick   1k and 10k only, fewer repetitions (a smoke run, about a minute)
// --huge    also a plan larger than V8's maximum string length (~580 MB; a few minutes)
// --render  only re-render docs/performance.md from docs/performance.json
// --cli FILE --variant NAME   measure another build of the CLI (e.g. with a proposed patch);
//           its scaling rows are stored under variants[NAME] and shown beside the main ones
//
// Figures go to docs/performance.json (raw, merged with sections not re-measured) and
// docs/performance.md (rendered by bench/report.js).

const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { run, repeat, hasGnuTime } = require("./lib/measure");
const { describeMachine } = require("./lib/machine");
const { renderReport, plotSvg } = require("./report");

const ROOT = path.resolve(__dirname, "..");
const OUT = path.join(ROOT, "bench", "out");
let CLI = path.join(ROOT, "dist", "cli", "main.js");
const RESULTS = path.join(ROOT, "docs", "performance.json");
const DOC = path.join(ROOT, "docs", "performance.md");
const GENERATOR_FILES = ["generate.js", "lib/units.js", "lib/plan-writer.js", "lib/plan-config.js", "lib/tfjson-writer.js", "lib/values.js"].map((f) => path.join(__dirname, f));
/** Packages that a plain check must never load (see the brief: lazy live mode, no provider). */
const HEAVY = ["googleapis", "@googleapis/", "@google-cloud/", "google-auth-library", "gaxios", "googleapis-common", "@cdktf/provider-google", "cdktf", "cdktn", "constructs"];

function parseArgs(argv) {
  const args = { quick: false, huge: false, runs: undefined, only: undefined, render: false, cli: undefined, variant: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--quick") args.quick = true;
    else if (a === "--huge") args.huge = true;
    else if (a === "--runs") args.runs = Number(argv[++i]);
    else if (a === "--only") args.only = argv[++i].split(",");
    else if (a === "--render") args.render = true;
    else if (a === "--cli") args.cli = path.resolve(argv[++i]);
    else if (a === "--variant") args.variant = argv[++i];
    else throw new Error(`unknown option ${a}`);
  }
  return args;
}

const log = (...a) => console.error("[bench]", ...a);
const mb = (bytes) => bytes / 1e6;

/** Generates an input unless an up-to-date copy is already in bench/out. */
function input(name, generatorArgs) {
  const file = path.join(OUT, name);
  const newest = Math.max(...GENERATOR_FILES.map((f) => fs.statSync(f).mtimeMs));
  if (!fs.existsSync(file) || fs.statSync(file).mtimeMs < newest) {
    log(`generating ${name}`);
    const r = run(["node", path.join(__dirname, "generate.js"), ...generatorArgs, "--out", file], { rss: false });
    if (r.code !== 0) throw new Error(`generator failed: ${r.stderr}`);
  }
  return { file, bytes: fs.statSync(file).size };
}

function floor(file) {
  const r = run(["node", path.join(__dirname, "floor.js"), file]);
  const inner = r.stdout.trim() ? JSON.parse(r.stdout.trim().split("\n").pop()) : {};
  return { ...r, inner };
}

/** One preflight run may take this long before it is stopped and reported as too slow. */
const PREFLIGHT_TIMEOUT_MS = 5 * 60 * 1000;
/** After a run this slow, the median of one is enough: keep the whole bench near 10 minutes. */
const SLOW_RUN_MS = 20 * 1000;

function preflight(file, reportFile, timeoutMs = PREFLIGHT_TIMEOUT_MS) {
  const r = run(["node", CLI, file, "--format", "json"], { stdoutFile: reportFile, timeoutMs });
  if (r.timedOut) return { ...r, error: `stopped after ${Math.round(timeoutMs / 1000)} s (timeout)` };
  let summary;
  if (r.code === 0 || r.code === 1) {
    try {
      const report = JSON.parse(fs.readFileSync(reportFile, "utf8"));
      summary = { ...report.summary, findings: report.findings.length };
    } catch (e) {
      summary = { error: `report is not JSON: ${e.message}` };
    }
  }
  const failed = r.code === 0 || r.code === 1 ? summary?.error : firstLine(r.stderr) || `exit ${r.code} ${r.signal ?? ""}`;
  return { ...r, summary, error: failed };
}

const firstLine = (text) => (text || "").trim().split("\n")[0];
const cliAvailable = () => fs.existsSync(CLI);

/** Alternates floor and preflight runs so that drift on the machine hits both alike. */
function compare(file, runs, label) {
  const floors = [];
  const checks = [];
  const reportFile = path.join(OUT, `${label}.report.json`);
  let slow = false;
  for (let i = 0; i < runs; i++) {
    floors.push(floor(file));
    if (!cliAvailable() || slow) continue;
    const p = preflight(file, reportFile);
    checks.push(p);
    slow = p.ms > SLOW_RUN_MS || Boolean(p.error);
  }
  const f = repeat(floors.length, (i) => floors[i]);
  // the median of the runs that worked (a run can fail while dist/ is being rebuilt)
  const good = checks.filter((c) => !c.error);
  const p = good.length ? repeat(good.length, (i) => good[i]) : checks.length ? checks[0] : undefined;
  return {
    floor: { ms: Math.round(f.ms), all: f.all, rssKiB: f.maxRssKiB, readMs: Math.round(f.inner.readMs), parseMs: Math.round(f.inner.parseMs) },
    preflight: p && { ms: Math.round(p.ms), all: p.all, rssKiB: p.maxRssKiB, exit: p.code, error: p.error, summary: p.summary },
    ratio: p && !p.error ? round2(p.ms / f.ms) : undefined,
  };
}

const round2 = (x) => Math.round(x * 100) / 100;

/** file → model only, with the JSON.parse reader and with the streaming one. */
function readerCosts(file, runs) {
  if (!fs.existsSync(path.join(ROOT, "dist", "inputs", "stream", "index.js"))) return undefined;
  const out = {};
  for (const reader of ["parse", "stream"]) {
    const r = repeat(runs, () => run(["node", path.join(__dirname, "load-only.js"), file, "--reader", reader], { timeoutMs: PREFLIGHT_TIMEOUT_MS }));
    out[reader] = r.code === 0 ? { ms: Math.round(r.ms), rssKiB: r.maxRssKiB } : { error: firstLine(r.stderr) || `exit ${r.code}` };
  }
  return out;
}

function scaling(args) {
  const sizes = args.quick ? [1000, 10000] : [1000, 10000, 100000];
  const rows = [];
  for (const resources of sizes) {
    for (const format of ["plan", "tfjson"]) {
      const name = `monorepo-${resources}.${format === "plan" ? "plan" : "tf"}.json`;
      const { file, bytes } = input(name, ["--resources", String(resources), "--format", format, "--seed", "1"]);
      const runs = args.runs ?? (args.quick ? 2 : resources >= 100000 ? 3 : resources >= 10000 ? 3 : 5);
      log(`scaling ${name} (${mb(bytes).toFixed(1)} MB) × ${runs}`);
      const c = compare(file, runs, `monorepo-${resources}-${format}`);
      const readers = format === "plan" ? readerCosts(file, resources >= 100000 ? 1 : Math.min(runs, 3)) : undefined;
      rows.push({ resources, format, bytes, ...c, readers, rssPerFileByte: c.preflight?.rssKiB ? round2((c.preflight.rssKiB * 1024) / bytes) : undefined });
    }
  }
  return rows;
}

/** The same check at n/4, n/2, n pools against as many IAM members: linear work doubles, quadratic quadruples. */
function quadratic(args) {
  const sizes = args.quick ? [2500, 5000] : [2500, 5000, 10000];
  const rows = [];
  for (const n of sizes) {
    const { file, bytes } = input(`quadratic-${n}.plan.json`, ["--shape", "quadratic", "--pools", String(n), "--members", String(n), "--format", "plan"]);
    log(`quadratic ${n} pools × ${n} members (${mb(bytes).toFixed(1)} MB)`);
    const c = compare(file, args.runs ?? 3, `quadratic-${n}`);
    rows.push({ pools: n, members: n, bytes, ...c });
  }
  for (let i = 1; i < rows.length; i++) {
    const prev = rows[i - 1];
    const cur = rows[i];
    if (cur.preflight && prev.preflight && !cur.preflight.error) {
      cur.growth = round2(cur.preflight.ms / prev.preflight.ms);
      const net = (r) => r.preflight.ms - r.floor.ms;
      cur.netGrowth = round2(net(cur) / Math.max(1, net(prev)));
    }
  }
  return rows;
}

function packagesIn(loadsFile) {
  const files = fs.existsSync(loadsFile) ? fs.readFileSync(loadsFile, "utf8").split("\n").filter(Boolean) : [];
  const packages = new Set();
  for (const f of files) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f);
    if (m) packages.add(m[1]);
  }
  const own = files.filter((f) => f.startsWith(path.join(ROOT, "dist"))).length;
  return { files: files.length, ownFiles: own, packages: [...packages].sort() };
}

function coldStart(args) {
  const runs = args.quick ? 5 : 15;
  const small = input("monorepo-20.plan.json", ["--resources", "20", "--format", "plan", "--seed", "1"]);
  const node = repeat(runs, () => run(["node", "-e", "0"], { rss: false }));
  const result = { runs, nodeBaselineMs: Math.round(node.ms), smallPlanBytes: small.bytes };
  if (!cliAvailable()) return { ...result, pending: "dist/cli/main.js does not exist yet" };
  const version = repeat(runs, () => run(["node", CLI, "--version"], { rss: false }));
  const check = repeat(runs, () => run(["node", CLI, small.file, "--format", "json"], { rss: false }));
  const loads = {};
  for (const [label, argv] of [["version", ["--version"]], ["smallPlan", [small.file, "--format", "json"]]]) {
    const loadsFile = path.join(OUT, `loads-${label}.txt`);
    run(["node", "--require", path.join(__dirname, "lib", "trace-loads.js"), CLI, ...argv], { rss: false, env: { BENCH_LOADS_FILE: loadsFile } });
    const p = packagesIn(loadsFile);
    loads[label] = { ...p, heavy: p.packages.filter((pkg) => HEAVY.some((h) => (h.endsWith("/") ? pkg.startsWith(h) : pkg === h))) };
  }
  return {
    ...result,
    versionMs: Math.round(version.ms), versionAll: version.all,
    smallPlanMs: Math.round(check.ms), smallPlanAll: check.all, smallPlanExit: check.code,
    smallPlanError: check.code === 0 || check.code === 1 ? undefined : firstLine(check.stderr),
    loads,
  };
}

function aspect(args) {
  const script = path.join(__dirname, "aspect.js");
  const available = fs.existsSync(path.join(ROOT, "dist", "cdktf", "index.js")) && fs.existsSync(path.join(ROOT, "dist", "engine", "check.js"));
  if (!available) return { pending: "the CDKTF aspect (src/cdktf, built to dist/cdktf) or the engine is not built yet" };
  const runs = args.runs ?? (args.quick ? 2 : 7);
  const once = (mode) => {
    const r = run(["node", script, "--resources", "1000", `--${mode}`]);
    if (r.code !== 0) return { error: firstLine(r.stderr) || `exit ${r.code}` };
    return { ...JSON.parse(r.stdout.trim().split("\n").pop()), rssKiB: r.rssKiB, wallMs: r.ms };
  };
  const median = (all) => {
    const failed = all.find((x) => x.error);
    if (failed) return failed;
    const sorted = [...all].sort((a, b) => a.synthMs - b.synthMs);
    return { ...sorted[Math.floor((sorted.length - 1) / 2)], synthAll: all.map((x) => Math.round(x.synthMs)) };
  };
  log("aspect: synth of a ~1,000-resource stack without and with the aspect (alternating)");
  const runsWithout = [];
  const runsWith = [];
  for (let i = 0; i < runs; i++) {
    runsWithout.push(once("without"));
    runsWith.push(once("with"));
  }
  const without = median(runsWithout);
  const withAspect = median(runsWith);
  const added = without.synthMs !== undefined && withAspect.synthMs !== undefined ? Math.round(withAspect.synthMs - without.synthMs) : undefined;
  return { runs, without, with: withAspect, addedMs: added, addedRatio: added !== undefined ? round2(withAspect.synthMs / without.synthMs) : undefined };
}

function huge(args) {
  const resources = 200000;
  const { file, bytes } = input(`monorepo-${resources}.plan.json`, ["--resources", String(resources), "--format", "plan", "--seed", "1"]);
  log(`huge plan ${mb(bytes).toFixed(0)} MB`);
  const f = floor(file);
  const result = {
    resources, bytes,
    floor: { ms: Math.round(f.ms), rssKiB: f.rssKiB, error: f.code === 0 ? undefined : f.inner.error || firstLine(f.stderr) },
  };
  if (cliAvailable()) {
    const p = preflight(file, path.join(OUT, "huge.report.json"));
    result.preflight = { ms: Math.round(p.ms), rssKiB: p.rssKiB, exit: p.code, error: p.error, summary: p.summary };
  }
  const streamScript = path.join(__dirname, "stream-check.js");
  if (fs.existsSync(path.join(ROOT, "dist", "inputs", "stream", "index.js"))) {
    const parse = (s) => (s.stdout.trim() ? JSON.parse(s.stdout.trim().split("\n").pop()) : undefined);
    const status = (s) => (s.timedOut ? `stopped after ${PREFLIGHT_TIMEOUT_MS / 1000} s (timeout)` : s.code === 0 || s.code === 1 ? undefined : firstLine(s.stderr) || `exit ${s.code}`);
    log("huge: streaming reader alone");
    const load = run(["node", streamScript, file, "--load-only"], { timeoutMs: PREFLIGHT_TIMEOUT_MS });
    result.streamLoad = { ms: Math.round(load.ms), rssKiB: load.rssKiB, error: status(load), out: parse(load) };
    log("huge: streaming reader + engine + report");
    const full = run(["node", streamScript, file, path.join(OUT, "huge-stream.report.json")], { timeoutMs: PREFLIGHT_TIMEOUT_MS });
    result.stream = { ms: Math.round(full.ms), rssKiB: full.rssKiB, exit: full.code, error: status(full), out: parse(full) };
  }
  void args;
  return result;
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.render) {
    // re-render docs/performance.md from the stored figures (after editing bench/notes.md)
    const stored = JSON.parse(fs.readFileSync(RESULTS, "utf8"));
    const svg = plotSvg(stored.scaling, stored.variants);
    if (svg) fs.writeFileSync(path.join(ROOT, "docs", "performance.svg"), svg);
    fs.writeFileSync(DOC, renderReport({ ...stored, plot: Boolean(svg) }));
    return;
  }
  fs.mkdirSync(OUT, { recursive: true });
  const previous = fs.existsSync(RESULTS) ? JSON.parse(fs.readFileSync(RESULTS, "utf8")) : {};
  const wanted = (section) => (args.only ? args.only.includes(section) : section !== "huge" || args.huge);
  const machine = describeMachine(ROOT);
  machine.loadAverageAtStart = os.loadavg().map((x) => Math.round(x * 10) / 10);
  // a partial run (--only) keeps the header of the last full run; its own stamp is in measuredAt
  const partial = Boolean(args.only) && previous.machine !== undefined;
  const results = partial ? { ...previous } : { ...previous, machine, quick: args.quick, peakRssSource: hasGnuTime ? "GNU time %M" : "process.resourceUsage().maxRSS" };
  const started = Date.now();
  if (args.cli) CLI = args.cli;
  if (args.variant) {
    const prior = fs.existsSync(RESULTS) ? JSON.parse(fs.readFileSync(RESULTS, "utf8")) : {};
    prior.variants = { ...prior.variants, [args.variant]: { cli: path.relative(ROOT, CLI), machine, scaling: scaling(args), quadratic: quadratic(args) } };
    const svg = plotSvg(prior.scaling, prior.variants);
    prior.plot = Boolean(svg);
    if (svg) fs.writeFileSync(path.join(ROOT, "docs", "performance.svg"), svg);
    fs.writeFileSync(RESULTS, JSON.stringify(prior, null, 2) + "\n");
    fs.writeFileSync(DOC, renderReport(prior));
    log(`variant ${args.variant} done in ${Math.round((Date.now() - started) / 1000)} s`);
    return;
  }
  const sections = { scaling, quadratic, cold: coldStart, aspect, huge };
  for (const [name, fn] of Object.entries(sections)) {
    if (!wanted(name)) continue;
    log(`section ${name}`);
    results[name] = fn(args);
    results.measuredAt = { ...results.measuredAt, [name]: { date: machine.date, commit: machine.commit, loadAverage: machine.loadAverageAtStart } };
  }
  if (!partial) {
    results.benchSeconds = Math.round((Date.now() - started) / 1000);
    machine.loadAverageAtEnd = os.loadavg().map((x) => Math.round(x * 10) / 10);
  }
  fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
  const svg = plotSvg(results.scaling, results.variants);
  results.plot = Boolean(svg);
  if (svg) fs.writeFileSync(path.join(ROOT, "docs", "performance.svg"), svg);
  fs.writeFileSync(RESULTS, JSON.stringify(results, null, 2) + "\n");
  fs.writeFileSync(DOC, renderReport(results));
  log(`done in ${Math.round((Date.now() - started) / 1000)} s; wrote ${path.relative(ROOT, RESULTS)} and ${path.relative(ROOT, DOC)}`);
}

if (require.main === module) {
  try {
    main();
  } catch (e) {
    console.error(`bench: ${e.stack || e.message}`);
    process.exit(1);
  }
}
