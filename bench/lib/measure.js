"use strict";
// Runs one command in a child process and measures its wall time and peak RSS.
// Peak RSS comes from GNU time (`/usr/bin/time -f %M`) when present, else from a preloaded
// hook that reads process.resourceUsage().maxRSS at exit (node children only).

const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const GNU_TIME = "/usr/bin/time";
const hasGnuTime = fs.existsSync(GNU_TIME);
const TIMEOUT = "/usr/bin/timeout";
const hasTimeout = fs.existsSync(TIMEOUT);
const RSS_HOOK = path.join(__dirname, "report-rss.js");

let counter = 0;
const scratch = (name) => path.join(os.tmpdir(), `preflight-bench-${process.pid}-${counter++}-${name}`);

/**
 * `argv` starts with "node". Options: stdoutFile (write stdout there instead of capturing),
 * env, rss (default true: measure peak RSS).
 */
function run(argv, { stdoutFile, env, rss = true, timeoutMs = 30 * 60 * 1000 } = {}) {
  const rssFile = scratch("rss");
  let cmd = argv[0] === "node" ? process.execPath : argv[0];
  let args = argv.slice(1);
  const childEnv = { ...process.env, ...env };
  if (rss && !hasGnuTime && argv[0] === "node") {
    args = ["--require", RSS_HOOK, ...args];
    childEnv.BENCH_RSS_FILE = rssFile;
  }
  // `timeout` kills the measured process itself (spawnSync's timeout would only kill GNU time)
  if (hasTimeout) {
    args = ["-s", "KILL", String(Math.ceil(timeoutMs / 1000)), cmd, ...args];
    cmd = TIMEOUT;
  }
  if (rss && hasGnuTime) {
    args = ["-f", "%M", "-o", rssFile, cmd, ...args];
    cmd = GNU_TIME;
  }
  const outFd = stdoutFile ? fs.openSync(stdoutFile, "w") : "pipe";
  const started = process.hrtime.bigint();
  const result = spawnSync(cmd, args, {
    env: childEnv,
    stdio: ["ignore", outFd, "pipe"],
    maxBuffer: 64 << 20,
    timeout: hasTimeout ? undefined : timeoutMs,
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (typeof outFd === "number") fs.closeSync(outFd);
  let rssKiB;
  if (rss && fs.existsSync(rssFile)) {
    // GNU time writes "Command exited with non-zero status N" before the figure
    const lines = fs.readFileSync(rssFile, "utf8").trim().split("\n");
    rssKiB = Number(lines[lines.length - 1]);
    fs.unlinkSync(rssFile);
  }
  const timedOut = (hasTimeout && result.status === 137) || result.signal === "SIGKILL" || result.signal === "SIGTERM";
  return {
    ms,
    timedOut,
    rssKiB: Number.isFinite(rssKiB) ? rssKiB : undefined,
    code: result.status,
    signal: result.signal,
    stdout: result.stdout ? result.stdout.toString() : "",
    stderr: result.stderr ? result.stderr.toString() : "",
  };
}

/** Repeats a measurement; returns the median run (by wall time) and all times. */
function repeat(times, fn) {
  const runs = [];
  for (let i = 0; i < times; i++) runs.push(fn(i));
  const sorted = [...runs].sort((a, b) => a.ms - b.ms);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  return { ...median, all: runs.map((r) => Math.round(r.ms)), maxRssKiB: Math.max(...runs.map((r) => r.rssKiB ?? 0)) || undefined };
}

module.exports = { run, repeat, hasGnuTime };
