import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { writeLargeInputs } from "./large-inputs";
import { contractViolation, inBatches, ROOT, runCli, type CliRun } from "./support";

/**
 * Every hostile input through the real CLI process: exit 0/1 with a report, or exit 2 with one
 * line naming the file. Never a stack trace, a hang (60 s guard) or more than 256 MB of heap.
 * Small inputs are in test/fixtures/hostile/; large ones are written to a temporary folder.
 */
const HOSTILE = join(ROOT, "test", "fixtures", "hostile");
const tmp = mkdtempSync(join(tmpdir(), "preflight-hostile-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Specific outcomes for inputs where "any clear result" is not enough. */
const EXPECTED: Record<string, { status: number; stderr?: RegExp; stdout?: RegExp }> = {
  "empty.json": { status: 2, stderr: /is empty/ },
  "whitespace.json": { status: 2, stderr: /only white space/ },
  "binary.tfplan": { status: 2, stderr: /is a binary file .*terraform show -json/ },
  "utf16le-bom.json": { status: 2, stderr: /is UTF-16 encoded/ },
  "utf16be-bom.json": { status: 2, stderr: /is UTF-16 encoded/ },
  "utf16le-no-bom.json": { status: 2, stderr: /is UTF-16 encoded/ },
  "utf8-bom-plan.json": { status: 0, stdout: /Summary: 0 failed/ },
  "invalid-utf8.json": { status: 2, stderr: /is not valid UTF-8/ },
  "truncated-plan.json": { status: 2, stderr: /is not valid JSON \(Unterminated string at line 104, column 7\)/ },
  "truncated-token.json": { status: 2, stderr: /is not valid JSON \(Unexpected token 'y'\)/ },
  "array.json": { status: 2, stderr: /is a JSON array/ },
  "string.json": { status: 2, stderr: /is a JSON string/ },
  "number.json": { status: 2, stderr: /is a JSON number/ },
  "null.json": { status: 2, stderr: /is null/ },
  "true.json": { status: 2, stderr: /is a JSON boolean/ },
  "unknown-format-version.json": { status: 2, stderr: /has plan format_version 2\.0; this version of preflight reads 0\.x and 1\.x/ },
  "format-version-escape.json": { status: 2, stderr: /has plan format_version 9\.9 injected line/ },
  "terraform-state.json": { status: 2, stderr: /is Terraform state/ },
  "duplicate-keys.json": { status: 0, stdout: /: plan, 8 resources\n[\s\S]*Summary: 0 failed/ },
  "duplicate-resources.json": { status: 0, stdout: /: plan, 8 resources\n[\s\S]*Summary: 0 failed/ },
  "missing-references.cdk.tf.json": { status: 0, stdout: /UNKNOWN +GKE001 .*points to nothing|UNKNOWN +GKE001/ },
  "local-cycle.cdk.tf.json": { status: 0, stdout: /UNKNOWN/ },
  "out-escapes.out": { status: 2, stderr: /manifest\.json: stack "gke" points outside the folder \(\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd\); refusing to read it/ },
  "out-absolute.out": { status: 2, stderr: /points outside the folder \(\/etc\/passwd\)/ },
  "out-missing-file.out": { status: 2, stderr: /points to stacks\/gke\/cdk\.tf\.json, which does not exist/ },
  "out-no-path.out": { status: 2, stderr: /stack "gke" has no synthesizedStackPath/ },
  "out-stacks-null.out": { status: 2, stderr: /expected a CDKTF manifest with a "stacks" object/ },
  "out-manifest-array.out": { status: 2, stderr: /expected a CDKTF manifest/ },
  "out-manifest-truncated.out": { status: 2, stderr: /manifest\.json: is not valid JSON/ },
  "out-stack-not-terraform.out": { status: 2, stderr: /expected a Terraform JSON configuration/ },
  "out-stack-name-escape.out": { status: 2, stderr: /stack "\]0;pwned forged" points outside the folder/ },
  "link-out-of-folder.out": { status: 2, stderr: /points through a link outside the folder/ },
  "deep-after.plan.json": { status: 2, stderr: /nests objects and arrays more than 1000 levels deep/ },
  "deep-value.cdk.tf.json": { status: 2, stderr: /nests objects and arrays more than 1000 levels deep/ },
  "mb-brackets-address.plan.json": { status: 2, stderr: /has a name in "address" 1,048,576 characters long \(at most 4,096\)/ },
  "mb-controls-name.cdk.tf.json": { status: 2, stderr: /has a key 1,048,576 characters long/ },
  "reference-chain.cdk.tf.json": { status: 1, stdout: /FAIL|UNKNOWN/ },
  "local-chain.cdk.tf.json": { status: 0 },
  // A device never ends: read at most 512 MB, and stop at the first zero byte.
  zero: { status: 2, stderr: /\/dev\/zero: is a binary file/ },
  urandom: { status: 2, stderr: /\/dev\/urandom: is a binary file/ },
};

function smallInputs(): string[] {
  return readdirSync(HOSTILE).sort().map((name) => join(HOSTILE, name));
}

function linkedOutInputs(): string[] {
  // A cdktf.out whose stack file is a symbolic link to a file outside the folder.
  const out = join(tmp, "link-out-of-folder.out");
  mkdirSync(join(out, "stacks", "gke"), { recursive: true });
  writeFileSync(join(tmp, "outside.cdk.tf.json"), JSON.stringify({ resource: {} }));
  symlinkSync(join(tmp, "outside.cdk.tf.json"), join(out, "stacks", "gke", "cdk.tf.json"));
  writeFileSync(join(out, "manifest.json"), JSON.stringify({ version: "0.21.0", stacks: { gke: { name: "gke", synthesizedStackPath: "stacks/gke/cdk.tf.json" } } }));
  return [out];
}

let runs: Array<{ path: string; run: CliRun }> = [];

beforeAll(async () => {
  const paths = [...smallInputs(), ...linkedOutInputs(), ...writeLargeInputs(join(tmp, "large")).map((l) => l.path), "/dev/zero", "/dev/urandom"];
  runs = await inBatches(paths, 3, async (path) => ({ path, run: await runCli([path]) }));
}, 600_000);

test("the hostile corpus is all there (small files in the repository, large ones generated)", () => {
  const names = runs.map((r) => basename(r.path));
  for (const name of Object.keys(EXPECTED)) expect(names).toContain(name);
  expect(runs.length).toBeGreaterThan(80);
});

test("every hostile input gives a clear result: a report (exit 0/1) or one line naming the file (exit 2)", () => {
  const violations = runs.flatMap(({ path, run }) => {
    const problem = contractViolation(run, basename(path));
    return problem ? [`${basename(path)}: ${problem}`] : [];
  });
  expect(violations).toEqual([]);
});

test.each(Object.entries(EXPECTED))("%s", (name, expected) => {
  const found = runs.find((r) => basename(r.path) === name);
  expect(found).toBeDefined();
  const { run } = found!;
  expect({ status: run.status, stderr: run.stderr.slice(0, 500) }).toEqual({ status: expected.status, stderr: expected.status === 2 ? expect.stringMatching(expected.stderr ?? /./) : "" });
  if (expected.stdout) expect(run.stdout).toMatch(expected.stdout);
});

test("nothing from a hostile input reaches the terminal as a control sequence, on stdout or stderr", () => {
  // eslint-disable-next-line no-control-regex
  const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
  const leaks = runs.filter(({ run }) => CONTROL.test(run.stdout) || CONTROL.test(run.stderr)).map((r) => basename(r.path));
  expect(leaks).toEqual([]);
});

test("a token in a file that is not valid JSON is not echoed in the error", () => {
  const run = runs.find((r) => basename(r.path) === "truncated-token.json")!.run;
  expect(run.stderr).not.toContain("ya29");
  expect(run.stderr).not.toContain("should-never-be-echoed");
});

test("error lines stay short even when the input holds megabytes", () => {
  const long = runs.filter(({ run }) => run.stderr.length > 2_100).map((r) => `${basename(r.path)}: ${r.run.stderr.length}`);
  expect(long).toEqual([]);
});

describe("hostile waivers files (one found beside the input may come with a pull request)", () => {
  const plan = join(ROOT, "examples", "plans", "bad-minimal-roles.plan.json");
  const waiver = (i: number) => `  - ruleId: GKE001\n    address: "a${i}*"\n    reason: r\n`;
  const cases: Array<[string, () => string[], RegExp]> = [
    ["a YAML alias bomb", () => {
      const levels = Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(",")}]\n`).join("");
      writeFileSync(join(tmp, "bomb.yaml"), `a: &a ["x","x","x","x","x","x","x","x","x"]\n${levels}waivers: *i\n`);
      return [plan, "--waivers", join(tmp, "bomb.yaml")];
    }, /bomb\.yaml: is not valid YAML: Excessive alias count/],
    ["a waivers file over 1 MB", () => {
      writeFileSync(join(tmp, "big.yaml"), `waivers:\n${Array.from({ length: 40_000 }, (_, i) => waiver(i)).join("")}`);
      return [plan, "--waivers", join(tmp, "big.yaml")];
    }, /big\.yaml: is larger than 1 MB/],
    ["a waivers file beside the input that links to /dev/zero", () => {
      const dir = join(tmp, "zero-waivers");
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "plan.json"), readFileSync(plan));
      symlinkSync("/dev/zero", join(dir, "preflight.waivers.yaml"));
      return [join(dir, "plan.json")];
    }, /preflight\.waivers\.yaml: is not a regular file/],
    ["a waivers JSON with a token in a syntax error", () => {
      writeFileSync(join(tmp, "token.json"), '{"waivers": [ya29.a0AfH6SMBx-secret]}');
      return [plan, "--waivers", join(tmp, "token.json")];
    }, /token\.json: is not valid JSON \(Unexpected token 'y'\)$/m],
    ["a waivers file beside the input that is a link to a file outside its folder", () => {
      const dir = join(tmp, "linked-waivers");
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "plan.json"), readFileSync(plan));
      writeFileSync(join(tmp, "outside.yaml"), "waivers: []\n");
      symlinkSync(join(tmp, "outside.yaml"), join(dir, "preflight.waivers.yaml"));
      return [join(dir, "plan.json")];
    }, /preflight\.waivers\.yaml: is a symbolic link that leads outside its folder; refusing to read it/],
    ["a waivers file with 1,001 waivers", () => {
      writeFileSync(join(tmp, "many.yaml"), `waivers:\n${Array.from({ length: 1001 }, (_, i) => waiver(i)).join("")}`);
      return [plan, "--waivers", join(tmp, "many.yaml")];
    }, /many\.yaml: has 1001 waivers; at most 1000 are read/],
  ];
  // A regular expression built from this glob backtracked: 12 pairs took 32 s, 25 never ended.
  test("a waiver glob made to backtrack (*?*?…Z, 25 and 1,000 pairs) is matched at once", async () => {
    writeFileSync(join(tmp, "backtrack.yaml"), `waivers:\n${[25, 1000].map((n) => `  - ruleId: GKE001\n    address: "${"*?".repeat(n)}Z"\n    reason: r\n`).join("")}`);
    const run = await runCli([plan, "--waivers", join(tmp, "backtrack.yaml")]);
    expect(run.signal).toBeNull();
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/backtrack\.yaml:2 waiver 1 .* matches no failing or undecided finding/);
  });
  test("notices quoting a waiver carry no control sequence or line break from it", async () => {
    writeFileSync(join(tmp, "escapes.yaml"), 'waivers:\n  - ruleId: GKE001\n    address: "google_container_cluster.primary\\e]0;pwned\\a\\e[2J\\nPASS forged"\n    reason: "r \\e[31mred"\n    expires: "2099-01-01"\n');
    const run = await runCli([plan, "--waivers", join(tmp, "escapes.yaml")]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^preflight: .*escapes\.yaml:2 waiver 1 \(GKE001 google_container_cluster\.primary PASS forged\) matches no failing/);
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(run.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });

  test.each(cases)("%s: one line naming it, exit 2", async (_name, args, message) => {
    const run = await runCli(args());
    expect(contractViolation(run, "")).toBeUndefined();
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toContain("ya29");
  });
});

describe("the same input gives the same bytes, from separate processes", () => {
  const inputs = [join(ROOT, "examples", "plans", "bad-minimal-roles.plan.json"), join(HOSTILE, "reference-cycle.cdk.tf.json"), join(HOSTILE, "out-good-and-odd.out")];
  test.each(inputs)("%s", async (input) => {
    const outputsOf = async (tag: string) => {
      const [first, ...rest] = ["text", "json", "sarif", "junit", "markdown"];
      const files = rest.map((f) => join(tmp, `det-${basename(input)}-${tag}.${f}`));
      const run = await runCli([input, "--include-pass", "--verbose", "--format", first, ...rest.flatMap((f, i) => ["--format", `${f}=${files[i]}`])]);
      return [String(run.status), run.stdout, run.stderr, ...files.map((f) => readFileSync(f, "utf8"))];
    };
    const [a, b] = await Promise.all([outputsOf("a"), outputsOf("b")]);
    expect(a[1].length).toBeGreaterThan(100);
    // Report files name themselves nowhere, so the two runs' bytes must be equal.
    expect(b).toEqual(a);
  });
});
