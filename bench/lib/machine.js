"use strict";
// What the figures were measured on.
const os = require("node:os");
const fs = require("node:fs");
const { execSync } = require("node:child_process");

function osName() {
  try {
    const release = fs.readFileSync("/etc/os-release", "utf8");
    const pretty = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(release);
    if (pretty) return pretty[1];
  } catch {
    // not Linux, or no os-release: fall back to the kernel name
  }
  return `${os.type()} ${os.release()}`;
}

function gitCommit(cwd) {
  try {
    return execSync("git rev-parse --short HEAD", { cwd, stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
  } catch {
    return undefined;
  }
}

/** CPUs the process may really use (cgroup quota), which can be fewer than os.cpus(). */
function usableCpus() {
  try {
    const [quota, period] = fs.readFileSync("/sys/fs/cgroup/cpu.max", "utf8").trim().split(/\s+/);
    if (quota !== "max") return Math.max(1, Math.round(Number(quota) / Number(period)));
  } catch {
    // cgroup v1 or none
  }
  return typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
}

function describeMachine(cwd) {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0] ? cpus[0].model.trim() : "unknown",
    logicalCpus: cpus.length,
    usableCpus: usableCpus(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: osName(),
    kernel: os.release(),
    arch: os.arch(),
    node: process.version,
    v8: process.versions.v8,
    commit: gitCommit(cwd),
    date: new Date().toISOString(),
  };
}

module.exports = { describeMachine };
