"use strict";
// Renders docs/performance.md from the raw figures (docs/performance.json). The hand-written
// analysis lives in bench/notes.md and is included as it is.

const fs = require("node:fs");
const path = require("node:path");

const NOTES = path.join(__dirname, "notes.md");
const TARGET_RATIO = 1.5;
const TARGET_RSS_PER_BYTE = 3;
const TARGET_COLD_MS = 250;

const fmtMB = (bytes) => (bytes / 1e6).toFixed(bytes < 10e6 ? 2 : 0);
const fmtK = (n) => (n >= 1000 ? `${n / 1000}k` : String(n));
const rssMB = (kib) => (kib === undefined ? "–" : ((kib * 1024) / 1e6).toFixed(0));
const ms = (x) => (x === undefined ? "–" : x.toLocaleString("en-US"));
const verdict = (ok) => (ok === undefined ? "pending" : ok ? "met" : "**missed**");

function machineLine(m) {
  const load = m.loadAverageAtStart ? `; load average (1/5/15 min) ${m.loadAverageAtStart.join("/")} at start, ${(m.loadAverageAtEnd || []).join("/")} at end` : "";
  return `${m.cpuModel}, ${m.usableCpus} usable of ${m.logicalCpus} logical CPUs, ${m.memoryGiB} GiB RAM, ${m.os} (kernel ${m.kernel}, ${m.arch}), Node ${m.node} (V8 ${m.v8})${load}`;
}

function targets(r) {
  const rows = [];
  const big = (r.scaling || []).filter((s) => s.resources >= 10000);
  for (const s of big) {
    if (s.preflight?.error) {
      rows.push([`full run ≤ ${TARGET_RATIO}× read+JSON.parse, ${fmtK(s.resources)} ${s.format}`, `did not finish: ${s.preflight.error} (floor ${ms(s.floor.ms)} ms)`, `**missed** (by more than ${Math.round((s.preflight.ms / s.floor.ms / TARGET_RATIO - 1) * 100)} %)`]);
      continue;
    }
    const ok = s.ratio === undefined ? undefined : s.ratio <= TARGET_RATIO;
    const by = s.ratio !== undefined && !ok ? ` (by ${Math.round((s.ratio / TARGET_RATIO - 1) * 100)} %)` : "";
    rows.push([`full run ≤ ${TARGET_RATIO}× read+JSON.parse, ${fmtK(s.resources)} ${s.format}`, s.ratio === undefined ? (s.preflight?.error ? `error: ${s.preflight.error}` : "–") : `${s.ratio}×`, verdict(ok) + by]);
  }
  for (const s of r.scaling || []) {
    if (s.rssPerFileByte === undefined || s.preflight?.error) continue;
    const small = s.bytes < 10e6;
    const ok = s.rssPerFileByte <= TARGET_RSS_PER_BYTE;
    const by = !ok ? ` (by ${Math.round((s.rssPerFileByte / TARGET_RSS_PER_BYTE - 1) * 100)} %)` : "";
    rows.push([`peak RSS ≤ ${TARGET_RSS_PER_BYTE}× file size, ${fmtK(s.resources)} ${s.format}`, `${s.rssPerFileByte}× (${rssMB(s.preflight.rssKiB)} MB for ${fmtMB(s.bytes)} MB)`,
      small ? "n/a: under 10 MB, Node's own ~45 MB dominate" : verdict(ok) + by]);
  }
  for (const format of ["plan", "tfjson"]) {
    const ten = (r.scaling || []).find((s) => s.format === format && s.resources === 10000);
    const hundred = (r.scaling || []).find((s) => s.format === format && s.resources === 100000);
    if (!ten?.preflight || !hundred?.preflight || ten.preflight.error) continue;
    const growth = hundred.preflight.ms / ten.preflight.ms;
    const floorGrowth = hundred.floor.ms / ten.floor.ms;
    rows.push([`no size cliff: ${format} 10k → 100k costs about 10× (floor: ${floorGrowth.toFixed(1)}×)`,
      `${hundred.preflight.error ? "more than " : ""}${growth.toFixed(0)}× (${ms(ten.preflight.ms)} ms → ${hundred.preflight.error ? "> " : ""}${ms(hundred.preflight.ms)} ms)`,
      verdict(growth <= Math.max(15, floorGrowth * 1.5))]);
  }
  if (r.huge) {
    const p = r.huge.preflight;
    const s = r.huge.stream;
    const ok = p ? p.exit === 0 || p.exit === 1 : undefined;
    rows.push([`plan > V8 max string (${fmtMB(r.huge.bytes)} MB) checked`, p ? (ok ? `yes, ${ms(p.ms)} ms, ${rssMB(p.rssKiB)} MB` : `no: exit ${p.exit}: ${p.error}`) : "–",
      verdict(ok) + (r.huge.streamLoad && !ok ? ` (the streaming reader in src/inputs/stream reads it: ${r.huge.streamLoad.error ? r.huge.streamLoad.error : `${ms(r.huge.streamLoad.ms)} ms, ${rssMB(r.huge.streamLoad.rssKiB)} MB peak`}${s ? `; with the engine: ${s.error ? s.error : `${ms(s.ms)} ms, ${rssMB(s.rssKiB)} MB`}` : ""}; not wired into the CLI yet)` : "")]);
  } else {
    rows.push(["plan > V8 max string checked (streaming)", "not measured in this run (`--huge`)", "pending"]);
  }
  const c = r.cold;
  if (c && !c.pending) {
    rows.push([`cold start \`preflight --version\` ≤ ${TARGET_COLD_MS} ms`, `${c.versionMs} ms (bare \`node -e 0\`: ${c.nodeBaselineMs} ms)`, verdict(c.versionMs <= TARGET_COLD_MS)]);
    rows.push([`cold start on a small plan ≤ ${TARGET_COLD_MS} ms`, c.smallPlanError ? `error: ${c.smallPlanError}` : `${c.smallPlanMs} ms`, verdict(c.smallPlanError ? false : c.smallPlanMs <= TARGET_COLD_MS)]);
    const heavy = [...new Set([...(c.loads.version?.heavy || []), ...(c.loads.smallPlan?.heavy || [])])];
    rows.push(["Google clients / provider-google / cdktf never loaded unless asked", heavy.length ? `loaded: ${heavy.join(", ")}` : "none loaded", verdict(heavy.length === 0)]);
  } else {
    rows.push(["cold start ≤ 250 ms", c?.pending ?? "–", "pending"]);
  }
  const q = (r.quadratic || []).filter((x) => x.growth !== undefined);
  if (q.length) {
    const worst = Math.max(...q.map((x) => x.growth));
    rows.push(["no quadratic rule (time ×2 when pools and members ×2)", `growth per doubling: ${q.map((x) => `${x.growth}×`).join(", ")}`, verdict(worst < 3)]);
  }
  const a = r.aspect;
  // Issue 7: the aspect adds at most 10 % to synth at ~1,000 resources.
  const aspectOk = a && !a.pending && a.addedMs !== undefined ? Number(a.addedRatio) <= 1.1 : undefined;
  rows.push(["CDKTF aspect adds ≤ 10 % to synth of a ~1,000-resource stack", a && !a.pending && a.addedMs !== undefined ? `+${ms(a.addedMs)} ms (${a.addedRatio}× synth)` : a?.pending ? `pending: ${a.pending}` : a?.with?.error || a?.without?.error || "–", aspectOk === false ? `**missed** (by ${Math.round((Number(a.addedRatio) - 1.1) * 100)} points)` : verdict(aspectOk)]);
  return table(["target", "measured", "verdict"], rows);
}

function table(head, rows) {
  return [`| ${head.join(" | ")} |`, `| ${head.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

function scalingTable(rows) {
  return table(
    ["resources", "input", "file MB", "read ms", "JSON.parse ms", "floor (process) ms", "preflight ms", "ratio", "floor peak MB", "preflight peak MB", "peak / file", "findings (fail/unknown)"],
    rows.map((s) => [
      s.resources.toLocaleString("en-US"), s.format === "plan" ? "plan JSON" : "cdk.tf.json", fmtMB(s.bytes), ms(s.floor.readMs), ms(s.floor.parseMs), ms(s.floor.ms),
      s.preflight ? (s.preflight.error ? `error: ${s.preflight.error}` : ms(s.preflight.ms)) : "pending",
      s.ratio === undefined ? "–" : `${s.ratio}×`, rssMB(s.floor.rssKiB), s.preflight?.error ? "–" : rssMB(s.preflight?.rssKiB), s.rssPerFileByte === undefined || s.preflight?.error ? "–" : `${s.rssPerFileByte}×`,
      s.preflight?.summary && s.preflight.summary.fail !== undefined ? `${s.preflight.summary.findings} (${s.preflight.summary.fail}/${s.preflight.summary.unknown})` : "–",
    ]),
  );
}

function readersTable(rows) {
  const plans = rows.filter((s) => s.readers);
  if (!plans.length) return "";
  const cell = (x) => (!x ? "–" : x.error ? `error: ${x.error}` : `${ms(x.ms)} ms, ${rssMB(x.rssKiB)} MB`);
  return [
    "The reader alone (file → model, `bench/load-only.js`, process wall time and peak RSS): the",
    "whole-file reader (read, `JSON.parse`, model; what `loadInputs` used for plans up to 64 MB",
    "before every plan was streamed) against the streaming reader of `src/inputs/stream`, which",
    "`loadInputs` now uses for every plan (two passes: the small parts first, then each resource",
    "change turned into a resource as it is read, its JSON dropped).",
    "",
    table(["resources", "file MB", "floor ms", "whole-file reader", "streaming reader (used)"],
      plans.map((s) => [s.resources.toLocaleString("en-US"), fmtMB(s.bytes), ms(s.floor.ms), cell(s.readers.parse), cell(s.readers.stream)])),
  ].join("\n");
}

function quadraticTable(rows) {
  return table(
    ["node pools", "IAM members", "file MB", "floor ms", "preflight ms", "ratio", "growth vs previous row", "growth net of the floor", "findings"],
    rows.map((q) => [q.pools.toLocaleString("en-US"), q.members.toLocaleString("en-US"), fmtMB(q.bytes), ms(q.floor.ms), q.preflight ? (q.preflight.error ? `error: ${q.preflight.error}` : ms(q.preflight.ms)) : "pending",
      q.ratio === undefined ? "–" : `${q.ratio}×`, q.growth === undefined ? "–" : `${q.growth}×`, q.netGrowth === undefined ? "–" : `${q.netGrowth}×`,
      q.preflight?.summary?.findings ?? "–"]),
  );
}

function coldSection(c) {
  if (!c) return "_not measured_";
  if (c.pending) return `Pending: ${c.pending}. Bare \`node -e 0\` takes ${c.nodeBaselineMs} ms here.`;
  const lines = [
    table(["command", "median ms", `all runs (${c.runs})`], [
      ["`node -e 0` (Node itself)", c.nodeBaselineMs, "–"],
      ["`preflight --version`", c.versionMs, c.versionAll.join(", ")],
      [`\`preflight small.plan.json --format json\` (${fmtMB(c.smallPlanBytes)} MB, 20 resources)`, c.smallPlanError ? `error: ${c.smallPlanError}` : c.smallPlanMs, c.smallPlanAll.join(", ")],
    ]),
    "",
    "Modules loaded (traced with a `Module._load` hook, `bench/lib/trace-loads.js`):",
    "",
  ];
  for (const [label, l] of Object.entries(c.loads)) {
    lines.push(`- ${label === "version" ? "`--version`" : "small plan"}: ${l.files} module files, ${l.ownFiles} of them the tool's own; packages: ${l.packages.length ? l.packages.map((p) => `\`${p}\``).join(", ") : "none"}; heavy packages: ${l.heavy.length ? l.heavy.join(", ") : "none"}.`);
  }
  return lines.join("\n");
}

function aspectSection(a, when) {
  if (!a) return "_not measured_";
  if (a.pending) return `**Pending**: ${a.pending}.`;
  if (a.with?.error || a.without?.error) return `Error: ${a.with?.error || a.without?.error}`;
  return [
    table(["synth of the same stack", "resources", "build ms", "synth ms (median)", `synth runs (${a.runs})`, "peak MB", "findings"], [
      ["without the aspect", a.without.resources, ms(Math.round(a.without.buildMs)), ms(Math.round(a.without.synthMs)), a.without.synthAll.join(", "), rssMB(a.without.rssKiB), "–"],
      ["with `GkePreflight.of(app)`", a.with.resources, ms(Math.round(a.with.buildMs)), ms(Math.round(a.with.synthMs)), a.with.synthAll.join(", "), rssMB(a.with.rssKiB), a.with.findings ?? "–"],
    ]),
    "",
    `Added cost: **${ms(a.addedMs)} ms** (${a.addedRatio}× the synth without it)${when ? `; measured ${when.date}, commit \`${when.commit}\`` : ""}.`,
  ].join("\n");
}

function hugeSection(h, when) {
  if (!h) return "_Not measured yet: run `node bench/run.js --only huge`._";
  const rows = [["read + `JSON.parse` (floor)", h.floor.error ? `fails: ${h.floor.error}` : `${ms(h.floor.ms)} ms`, rssMB(h.floor.rssKiB)]];
  if (h.preflight) rows.push(["`preflight FILE --format json`", h.preflight.error ? `exit ${h.preflight.exit}: ${h.preflight.error}` : `${ms(h.preflight.ms)} ms (exit ${h.preflight.exit})`, rssMB(h.preflight.rssKiB)]);
  if (h.streamLoad) rows.push(["streaming reader alone: file → model (`bench/stream-check.js --load-only`)", h.streamLoad.error ? `error: ${h.streamLoad.error}` : `${ms(h.streamLoad.ms)} ms, ${h.streamLoad.out?.resources} resources`, rssMB(h.streamLoad.rssKiB)]);
  if (h.stream) rows.push(["streaming reader + engine (`bench/stream-check.js`)", h.stream.error ? `error: ${h.stream.error}` : `${ms(h.stream.ms)} ms${h.stream.out ? `, ${h.stream.out.resources} resources, ${h.stream.out.findings ?? "?"} findings` : ""}`, rssMB(h.stream.rssKiB)]);
  return [`${h.resources.toLocaleString("en-US")} resources, ${fmtMB(h.bytes)} MB (measured ${when?.date}, commit ${when?.commit}).`, "", table(["run", "result", "peak MB"], rows)].join("\n");
}

/** Log–log plot of plan wall times: the floor, preflight, and any variant build. */
function plotSvg(rows, variants = {}) {
  const plans = (rows || []).filter((s) => s.format === "plan");
  const series = [{ label: "read + JSON.parse", color: "#888", points: plans.map((s) => [s.bytes, s.floor.ms]) }];
  series.push({ label: "preflight", color: "#1f6feb", points: plans.filter((s) => s.preflight && !s.preflight.error).map((s) => [s.bytes, s.preflight.ms]) });
  for (const [name, v] of Object.entries(variants)) {
    series.push({ label: `preflight, ${name}`, color: "#2da44e", points: (v.scaling || []).filter((s) => s.format === "plan" && s.preflight && !s.preflight.error).map((s) => [s.bytes, s.preflight.ms]) });
  }
  const all = series.flatMap((x) => x.points);
  if (series[1].points.length < 2 && series.length < 3) return undefined;
  const W = 620, H = 320, L = 70, B = 40, T = 30, R = 190;
  const xs = all.map(([b]) => Math.log10(b));
  const ys = all.map(([, v]) => Math.log10(v));
  const [x0, x1] = [Math.min(...xs) - 0.1, Math.max(...xs) + 0.1];
  const [y0, y1] = [Math.floor(Math.min(...ys)), Math.ceil(Math.max(...ys))];
  const px = (v) => L + ((Math.log10(v) - x0) / (x1 - x0)) * (W - L - R);
  const py = (v) => H - B - ((Math.log10(v) - y0) / (y1 - y0)) * (H - B - T);
  const draw = ({ label, color, points }) => {
    if (!points.length) return "";
    const pts = points.map(([b, v]) => `${px(b).toFixed(1)},${py(v).toFixed(1)}`).join(" ");
    const dots = points.map(([b, v]) => `<circle cx="${px(b).toFixed(1)}" cy="${py(v).toFixed(1)}" r="3" fill="${color}"/>`).join("");
    const [lb, lv] = points[points.length - 1];
    return `<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts}"/>${dots}<text x="${px(lb) + 8}" y="${py(lv) + 4}" font-size="12" fill="${color}">${label}</text>`;
  };
  const grid = [];
  for (let e = y0; e <= y1; e++) grid.push(`<line x1="${L}" x2="${W - R}" y1="${py(10 ** e)}" y2="${py(10 ** e)}" stroke="#ddd"/><text x="${L - 8}" y="${py(10 ** e) + 4}" font-size="11" text-anchor="end">${(10 ** e).toLocaleString("en-US")} ms</text>`);
  for (const s of plans) grid.push(`<text x="${px(s.bytes)}" y="${H - B + 16}" font-size="11" text-anchor="middle">${fmtMB(s.bytes)} MB</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="${L}" y="18" font-size="13">Plan JSON: wall time vs file size (log–log); runs that timed out are not drawn</text>
${grid.join("\n")}
${series.map(draw).join("\n")}
<text x="${(L + W - R) / 2}" y="${H - 6}" font-size="11" text-anchor="middle">plan file size</text>
</svg>
`;
}

function variantsSection(r) {
  const entries = Object.entries(r.variants || {});
  if (!entries.length) return "";
  return entries.map(([name, v]) => [
    `## Variant: ${name}`,
    "",
    `The same inputs through another build of the CLI (\`${v.cli}\`), measured ${v.machine.date} (commit \`${v.machine.commit}\`,`,
    `load average ${(v.machine.loadAverageAtStart || []).join("/")} at start).`,
    "",
    scalingTable(v.scaling),
    "",
    quadraticTable(v.quadratic),
    "",
  ].join("\n")).join("\n");
}

function renderReport(r) {
  const notes = fs.existsSync(NOTES) ? fs.readFileSync(NOTES, "utf8").trim() : "";
  const m = r.machine;
  return `# Performance

<!-- Generated by \`npm run bench\` (bench/run.js → bench/report.js) from docs/performance.json.
     Edit bench/notes.md for the analysis; the figures are rewritten on every run. -->

Measured on: ${machineLine(m)}; commit \`${m.commit}\`, ${m.date}${r.quick ? " (**quick run**: fewer sizes and repetitions)" : ""}.
Peak memory is the peak resident set size (${r.peakRssSource}). Every figure is the median of
several runs, each in a fresh \`node\` process; the bench took ${r.benchSeconds} s.

How to reproduce: \`npm run bench\` (about ${Math.max(1, Math.round((r.benchSeconds || 0) / 60))} min here), \`node bench/run.js --quick\`
for a smoke run, \`node bench/run.js --only huge\` for the plan larger than V8's string limit.
Inputs are made by \`bench/generate.js\` (seeded; same seed, same bytes) into \`bench/out/\`.

## Targets

${targets(r)}

## Scaling: full run vs. reading and parsing the file

The floor is \`bench/floor.js\`: \`readFileSync(file, "utf8")\` then \`JSON.parse\`, in its own
process, which is what any Node tool pays before doing anything. \`preflight\` is
\`node dist/cli/main.js FILE --format json\` (load, model, all rules, JSON report written to a file).
Both are wall times of whole processes, Node start-up included; the ratio is preflight / floor.

${r.scaling ? scalingTable(r.scaling) : "_not measured_"}

${r.scaling ? readersTable(r.scaling) : ""}

${r.plot ? "![wall time vs size](performance.svg)\n" : ""}
## No quadratic rule: node pools × IAM members

One project, N node pools (in clusters of 100) using N/4 node service accounts, and N IAM
members granting those accounts their roles (every 7th account misses one). A rule that
compares every pool with every member does N² work here; an indexed one does N.
Linear work doubles from one row to the next; quadratic work quadruples.

${r.quadratic ? quadraticTable(r.quadratic) : "_not measured_"}

## Cold start

${coldSection(r.cold)}

## CDKTF aspect

\`bench/aspect.js\` builds one stack of about 1,000 resources (projects, APIs, service accounts,
IAM members, clusters, node pools, with deep imports of \`@cdktf/provider-google\`), then times
\`app.synth()\` with and without \`GkePreflight.of(app)\`, each in its own process, runs alternating. As
\`cdktf synth\` does, it sets \`CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS\`, so the findings become
annotations in the manifest and both runs write every file. The run with the aspect counts the
library's own loading too (\`require\` and \`GkePreflight.of\`, about 16 ms), as a user's synth pays it.
\`node bench/aspect.js --phases\` splits the cost by step; main-thread CPU times (\`mainCpuMs\` in
docs/performance.json) are steadier than wall times on a busy machine.

${aspectSection(r.aspect, r.measuredAt?.aspect)}

## Plans larger than V8's maximum string length

${hugeSection(r.huge, r.measuredAt?.huge)}

${variantsSection(r)}
## Analysis

${notes || "_No notes yet._"}
`;
}

module.exports = { renderReport, plotSvg };
