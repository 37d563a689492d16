import { spawn, spawnSync } from "node:child_process";
import { closeSync, copyFileSync, createReadStream, createWriteStream, lstatSync, existsSync, linkSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputError } from "../../src/inputs/input-error";
import { modelsFromCdktfOut } from "../../src/inputs/cdktf-out";
import { readTextOrUndefined } from "../../src/report/outputs";

/**
 * Report files under attack: the path comes from the pipeline, but what is already there (a link
 * committed into the checkout) and the inputs beside it come from the pull request.
 */
const ROOT = join(__dirname, "..", "..");
const CLI = join(ROOT, "dist", "cli", "main.js");
const PLAN = join(ROOT, "examples", "plans", "bad-minimal-roles.plan.json");
const CONFIG = join(ROOT, "examples", "terraform-json", "good.cdk.tf.json");
// No gcloud, kubectl or anything else from this machine's PATH can take part.
const ENV = { PATH: "/nonexistent", HOME: "/nonexistent" };
const STACK_TRACE = /^\s+at |node:internal|\.js:\d+:\d+/m;

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), "preflight-report-files-"));
  copyFileSync(PLAN, join(dir, "plan.json"));
  return dir;
}

function preflight(cwd: string, args: readonly string[], stdout: "pipe" | number = "pipe") {
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd, env: ENV, encoding: "utf8", stdio: ["ignore", stdout, "pipe"] });
  return { status: run.status, stdout: run.stdout ?? "", stderr: run.stderr };
}

/** One line, exit 2, no stack trace; and the line names the file. */
function expectRefused(run: ReturnType<typeof preflight>, file: string, why: RegExp): void {
  expect(run.stderr).toMatch(new RegExp(`^preflight: ${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: `));
  expect(run.stderr).toMatch(why);
  expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(run.stderr).not.toMatch(STACK_TRACE);
  expect(run.status).toBe(2);
}

const original = readFileSync(PLAN);
const fifoSupported = process.platform !== "win32" && spawnSync("mkfifo", ["--version"]).status === 0;
const withFifo = fifoSupported ? test : test.skip;

describe("a report is never written over an input", () => {
  test.each([
    ["-f sarif=plan.json", ["plan.json", "-f", "sarif=plan.json"], "plan.json"],
    ["-o ./plan.json", ["plan.json", "-f", "text", "-o", "./plan.json"], "./plan.json"],
    ["an absolute path to the input", ["plan.json", "-f", "json=@ABS@/plan.json"], "@ABS@/plan.json"],
  ])("%s: refused, the input unchanged, and no other report written", (_, args, shown) => {
    const dir = workspace();
    const run = preflight(dir, [...args.map((a) => a.replace("@ABS@", dir)), "-f", "junit=other.xml"]);
    expectRefused(run, shown.replace("@ABS@", dir), /is an input of this run; refusing to write the (sarif|text|json) report over it/);
    expect(readFileSync(join(dir, "plan.json"))).toEqual(original);
    expect(existsSync(join(dir, "other.xml"))).toBe(false);
  });

  test("a hard link to the input is the input (same device and inode)", () => {
    const dir = workspace();
    linkSync(join(dir, "plan.json"), join(dir, "copy.json"));
    expectRefused(preflight(dir, ["plan.json", "-f", "sarif=copy.json"]), "copy.json", /is the input plan\.json of this run/);
    expect(readFileSync(join(dir, "plan.json"))).toEqual(original);
  });

  test("the manifest, every stack file of a cdktf.out folder and the waivers file are inputs too", () => {
    const dir = workspace();
    const out = join(dir, "cdktf.out");
    mkdirSync(join(out, "stacks", "gke"), { recursive: true });
    copyFileSync(CONFIG, join(out, "stacks", "gke", "cdk.tf.json"));
    writeFileSync(join(out, "manifest.json"), JSON.stringify({ version: "0.21.0", stacks: { gke: { name: "gke", synthesizedStackPath: "stacks/gke/cdk.tf.json" } } }));
    writeFileSync(join(dir, "preflight.waivers.yaml"), "waivers: []\n");
    const snapshot = () => ["manifest.json", "stacks/gke/cdk.tf.json"].map((f) => readFileSync(join(out, f), "latin1")).concat(readdirSync(out, { recursive: true }).map(String).sort());
    const before = snapshot();
    for (const target of ["cdktf.out/manifest.json", "cdktf.out/stacks/gke/cdk.tf.json", "preflight.waivers.yaml"]) {
      expectRefused(preflight(dir, ["cdktf.out", "-f", `sarif=${target}`]), target, /is an input of this run/);
    }
    // Given with --waivers from elsewhere, the waivers file is guarded as well.
    writeFileSync(join(dir, "w.yaml"), "waivers: []\n");
    expectRefused(preflight(dir, ["plan.json", "--waivers", "w.yaml", "-o", "w.yaml"]), "w.yaml", /is an input of this run/);
    expect(readFileSync(join(dir, "w.yaml"), "utf8")).toBe("waivers: []\n");
    expect(snapshot()).toEqual(before);
  });
});

describe("a report is never written through a symbolic link", () => {
  test("a link at the report path (to a file outside, to the input, or dangling) is refused and nothing is created", () => {
    const dir = workspace();
    const victim = join(dir, "victim.txt");
    writeFileSync(victim, "keep me\n");
    symlinkSync(victim, join(dir, "to-victim.sarif"));
    symlinkSync(join(dir, "plan.json"), join(dir, "to-input.sarif"));
    symlinkSync(join(dir, "not-yet-there"), join(dir, "dangling.sarif"));
    for (const link of ["to-victim.sarif", "to-input.sarif", "dangling.sarif"]) {
      expectRefused(preflight(dir, ["plan.json", "-f", `sarif=${link}`]), link, /is a symbolic link; refusing to write the sarif report through it/);
    }
    expect(readFileSync(victim, "utf8")).toBe("keep me\n");
    expect(readFileSync(join(dir, "plan.json"))).toEqual(original);
    expect(existsSync(join(dir, "not-yet-there"))).toBe(false);
  });

  test("a linked folder on the way from the current folder is refused too", () => {
    const dir = workspace();
    const elsewhere = mkdtempSync(join(tmpdir(), "preflight-elsewhere-"));
    symlinkSync(elsewhere, join(dir, "reports"));
    expectRefused(preflight(dir, ["plan.json", "-f", "sarif=reports/preflight.sarif"]), "reports/preflight.sarif", /reached through the symbolic link reports/);
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  test("a path under /dev/ that leads to an input file is refused (preflight /dev/stdin -f sarif=/dev/stdout < plan.json 1<> plan.json)", () => {
    const dir = workspace();
    const input = openSync(join(dir, "plan.json"), "r");
    const output = openSync(join(dir, "plan.json"), "r+");
    try {
      const run = spawnSync(process.execPath, [CLI, "/dev/stdin", "-f", "sarif=/dev/stdout"], { cwd: dir, env: ENV, encoding: "utf8", stdio: [input, output, "pipe"] });
      expect(run.stderr).toBe("preflight: /dev/stdout: is the input /dev/stdin of this run; refusing to write the sarif report over it\n");
      expect(run.status).toBe(2);
    } finally {
      closeSync(input);
      closeSync(output);
    }
    expect(readFileSync(join(dir, "plan.json"))).toEqual(original);
  });

  test("a path under /dev/ is the pipeline's choice and is written as it is", () => {
    const dir = workspace();
    // Standard output is a file here: a socket (what spawn gives) cannot be opened by name.
    const fd = openSync(join(dir, "stdout.txt"), "w");
    let run: ReturnType<typeof preflight>;
    try {
      run = preflight(dir, ["plan.json", "-f", "sarif=/dev/stdout", "-f", "text=/dev/null"], fd);
    } finally {
      closeSync(fd);
    }
    expect(run.stderr).toBe("");
    expect(run.status).toBe(1);
    expect(JSON.parse(readFileSync(join(dir, "stdout.txt"), "utf8"))).toMatchObject({ version: "2.1.0" });
  });
});

withFifo("a named pipe already at the report path is written into, not replaced (a reader waits on it)", async () => {
  const dir = workspace();
  const fifo = join(dir, "report.fifo");
  expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
  const child = spawn(process.execPath, [CLI, "plan.json", "-f", `json=${fifo}`], { cwd: dir, env: ENV, stdio: ["ignore", "ignore", "pipe"] });
  let report = "";
  const reader = createReadStream(fifo, "utf8");
  reader.on("data", (text) => (report += String(text)));
  const [status] = await Promise.all([new Promise<number | null>((done) => child.on("close", (code) => done(code))), new Promise<void>((done) => reader.on("end", () => done()))]);
  expect(status).toBe(1);
  expect(report).toContain('"GKE001"');
  expect(lstatSync(fifo).isFIFO()).toBe(true);
}, 180_000);

describe("a report file appears whole, by rename", () => {
  test("the old report is replaced, not rewritten in place (another link to it keeps the old text), and no temporary file stays", () => {
    const dir = workspace();
    mkdirSync(join(dir, "reports"));
    writeFileSync(join(dir, "reports", "preflight.json"), "old report\n");
    linkSync(join(dir, "reports", "preflight.json"), join(dir, "reports", "kept.json"));
    const run = preflight(dir, ["plan.json", "-f", "json=reports/preflight.json", "-f", "sarif=reports/new/preflight.sarif"]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(1);
    expect(readFileSync(join(dir, "reports", "preflight.json"), "utf8")).toContain('"GKE001"');
    expect(readFileSync(join(dir, "reports", "kept.json"), "utf8")).toBe("old report\n");
    expect(readdirSync(join(dir, "reports")).sort()).toEqual(["kept.json", "new", "preflight.json"]);
    expect(readdirSync(join(dir, "reports", "new"))).toEqual(["preflight.sarif"]);
  });
});

describe("manifest.json is confined to its folder", () => {
  function folderWithManifestLink(target: (dir: string) => string): string {
    const dir = workspace();
    const out = join(dir, "cdktf.out");
    mkdirSync(join(out, "stacks", "gke"), { recursive: true });
    copyFileSync(CONFIG, join(out, "stacks", "gke", "cdk.tf.json"));
    const manifest = JSON.stringify({ version: "0.21.0", stacks: { gke: { name: "gke", synthesizedStackPath: "stacks/gke/cdk.tf.json" } } });
    writeFileSync(join(dir, "outside-manifest.json"), manifest);
    writeFileSync(join(out, "real-manifest.json"), manifest);
    symlinkSync(target(dir), join(out, "manifest.json"));
    return out;
  }

  test("a manifest.json that links out of the folder is not read", () => {
    const out = folderWithManifestLink((dir) => join(dir, "outside-manifest.json"));
    expect(() => modelsFromCdktfOut(out)).toThrow(InputError);
    expect(() => modelsFromCdktfOut(out)).toThrow(/manifest\.json: is a link outside the folder; refusing to read it/);
    expectRefused(preflight(join(out, ".."), ["cdktf.out"]), "cdktf.out/manifest.json", /is a link outside the folder/);
  });

  test("so is the cdk.tf.json of a folder without manifest.json", () => {
    const dir = workspace();
    mkdirSync(join(dir, "synth"));
    copyFileSync(CONFIG, join(dir, "outside.cdk.tf.json"));
    symlinkSync(join(dir, "outside.cdk.tf.json"), join(dir, "synth", "cdk.tf.json"));
    expectRefused(preflight(dir, ["synth"]), "synth/cdk.tf.json", /is a link outside the folder; refusing to read it/);
  });

  test("a manifest.json that links to a file inside the folder is read", () => {
    const out = folderWithManifestLink(() => "real-manifest.json");
    expect(modelsFromCdktfOut(out).map((m) => m.stack)).toEqual(["gke"]);
  });
});


describe("SARIF positions never re-open an input that is not a regular file", () => {
  withFifo("readTextOrUndefined gives nothing for a pipe without a writer (it used to wait for one forever)", () => {
    const dir = mkdtempSync(join(tmpdir(), "preflight-fifo-"));
    const fifo = join(dir, "plan.fifo");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    expect(readTextOrUndefined(fifo)).toBeUndefined();
    expect(readTextOrUndefined("/dev/zero")).toBeUndefined();
    expect(readTextOrUndefined(PLAN)).toBe(original.toString("utf8"));
  });

  withFifo("a plan given through a named pipe gets its SARIF report, without lines and columns", async () => {
    const dir = mkdtempSync(join(tmpdir(), "preflight-fifo-"));
    const fifo = join(dir, "plan.fifo");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const child = spawn(process.execPath, [CLI, fifo, "-f", "sarif"], { cwd: dir, env: ENV, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString("utf8")));
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString("utf8")));
    createWriteStream(fifo).end(original);
    // Guards a hang only (the old behaviour): the run itself takes about a second.
    const guard = setTimeout(() => child.kill("SIGKILL"), 120_000);
    const [status, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done) => child.on("close", (code, sig) => done([code, sig])));
    clearTimeout(guard);
    expect({ signal, stderr }).toEqual({ signal: null, stderr: "" });
    expect(status).toBe(1);
    const results = (JSON.parse(stdout) as { runs: { results: { locations: { physicalLocation: Record<string, unknown> }[] }[] }[] }).runs[0]!.results;
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) expect(r.locations[0]!.physicalLocation["region"]).toBeUndefined();
  }, 180_000);
});

describe("a write error is one line and exit 2", () => {
  const full = existsSync("/dev/full") ? test : test.skip;

  full.each([
    ["the text report", ["plan.json"]],
    ["the JSON report", ["plan.json", "-f", "json"]],
    ["rules", ["rules"]],
    ["--help", ["--help"]],
  ])("standard output on /dev/full: %s", (_, args) => {
    const dir = workspace();
    const fd = openSync("/dev/full", "w");
    try {
      const run = preflight(dir, args, fd);
      expect(run.stderr).toBe("preflight: cannot write the report to standard output (ENOSPC)\n");
      expect(run.status).toBe(2);
    } finally {
      closeSync(fd);
    }
  });

  full("standard error on /dev/full: the exit code still tells (bad input is 2, not a crash's 1)", () => {
    const dir = workspace();
    const fd = openSync("/dev/full", "w");
    try {
      const bad = spawnSync(process.execPath, [CLI, "missing.json"], { cwd: dir, env: ENV, stdio: ["ignore", "ignore", fd] });
      expect(bad.status).toBe(2);
      const failing = spawnSync(process.execPath, [CLI, "plan.json"], { cwd: dir, env: ENV, stdio: ["ignore", "ignore", fd] });
      expect(failing.status).toBe(1);
    } finally {
      closeSync(fd);
    }
  });

  full("a report file on /dev/full", () => {
    const run = preflight(workspace(), ["plan.json", "-f", "sarif=/dev/full"]);
    expect(run.stderr).toBe("preflight: /dev/full: cannot write the sarif report (ENOSPC)\n");
    expect(run.status).toBe(2);
  });

  test("a reader that stops early (| head) is not an error: the exit code is the gate's", async () => {
    const dir = workspace();
    // Many node pools: a report far larger than a pipe holds, so the writer meets the closed pipe.
    const plan = JSON.parse(original.toString("utf8")) as { resource_changes: { address: string; type: string; name: string }[] };
    const pool = plan.resource_changes.find((r) => r.type === "google_container_node_pool")!;
    for (let i = 0; i < 400; i++) plan.resource_changes.push({ ...pool, address: `${pool.address}_${i}`, name: `${pool.name}_${i}` });
    writeFileSync(join(dir, "plan.json"), JSON.stringify(plan));
    const child = spawn(process.execPath, [CLI, "plan.json", "-f", "json"], { cwd: dir, env: ENV, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString("utf8")));
    child.stdout.once("data", () => child.stdout.destroy());
    const status = await new Promise<number | null>((done) => child.on("close", (code) => done(code)));
    expect(stderr).toBe("");
    expect(status).toBe(1);
  });
});
