import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputError } from "../../src/inputs/input-error";
import type { Finding } from "../../src/rules/types";
import { applyWaivers, findWaiversFile, globMatcher, globMatches, loadWaiversFile, MAX_WAIVERS, parseWaivers, waiverNotices, type Waiver } from "../../src/waivers";
import { failGke001, passGke003, unknownGke002 } from "../report/fixtures/findings";

const now = new Date("2026-11-28T15:00:00Z");
const src = (index: number) => ({ file: "preflight.waivers.yaml", index });

describe("parseWaivers", () => {
  it("reads YAML with line numbers; dates stay strings; rule alias and numeric tickets are accepted", () => {
    const yaml = [
      "# accepted risks",
      "waivers:",
      "  - ruleId: GKE001",
      '    address: "google_container_node_pool.legacy*"',
      "    reason: Legacy pool is drained by end of January",
      "    expires: 2027-01-31",
      "    ticket: PLAT-1234",
      "  - rule: GKE003",
      "    constructPath: app/shared/**",
      "    reason: APIs are enabled by the org bootstrap",
      "    ticket: 42",
    ].join("\n");
    expect(parseWaivers(yaml, "w.yaml")).toEqual([
      {
        ruleId: "GKE001",
        address: "google_container_node_pool.legacy*",
        reason: "Legacy pool is drained by end of January",
        expires: "2027-01-31",
        ticket: "PLAT-1234",
        source: { file: "w.yaml", index: 1, line: 3 },
      },
      { ruleId: "GKE003", constructPath: "app/shared/**", reason: "APIs are enabled by the org bootstrap", ticket: "42", source: { file: "w.yaml", index: 2, line: 8 } },
    ]);
  });

  it("reads JSON (object or bare list) with line numbers", () => {
    const json = '{\n  "waivers": [\n    {"ruleId": "GKE002", "address": "*", "reason": "r"}\n  ]\n}';
    expect(parseWaivers(json, "w.json")[0]!.source).toEqual({ file: "w.json", index: 1, line: 3 });
    expect(parseWaivers('[{"ruleId": "GKE002", "address": "*", "reason": "r"}]', "w.json")).toHaveLength(1);
    expect(parseWaivers("", "w.yaml")).toEqual([]);
    expect(parseWaivers("waivers: []\n", "w.yaml")).toEqual([]);
  });

  it.each([
    ["waivers:\n  - ruleId: GKE001\n    address: x\n", "w.yaml: line 2, waiver 1: (GKE001) has no reason; every waiver must say why the risk is accepted"],
    ["waivers:\n  - ruleId: GKE001\n    address: x\n    reason: '  '\n", "w.yaml: line 2, waiver 1: (GKE001) has no reason"],
    ["waivers:\n  - ruleId: GKE001\n    reason: r\n", "w.yaml: line 2, waiver 1: (GKE001) names no resource: give address or constructPath"],
    ["waivers:\n  - address: x\n    reason: r\n", "w.yaml: line 2, waiver 1: ruleId is missing"],
    ["waivers:\n  - {ruleId: GKE001, address: x, reason: r, expires: 2027-02-30}\n", 'w.yaml: line 2, waiver 1: (GKE001) expires "2027-02-30" is not a date YYYY-MM-DD'],
    ["waivers:\n  - {ruleId: GKE001, address: x, reason: r, expiry: 2027-01-01}\n", 'w.yaml: line 2, waiver 1: unknown key "expiry"'],
    ["waivers: {ruleId: GKE001}\n", "w.yaml: `waivers` is not a list"],
    ["waiver:\n  - {}\n", 'w.yaml: unknown top-level key "waiver"'],
    ["waivers:\n  - ruleId: [\n", "w.yaml: is not valid YAML (line"],
  ])("rejects %j with one line naming file and waiver", (text, message) => {
    let error: unknown;
    try {
      parseWaivers(text, "w.yaml");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain("\n");
  });

  it("a missing reason in JSON names the waiver by position and line", () => {
    const json = '{"waivers": [\n {"ruleId": "GKE001", "address": "*", "reason": "ok"},\n {"ruleId": "GKE002", "address": "*"}\n]}';
    expect(() => parseWaivers(json, "p.json")).toThrow("p.json: line 3, waiver 2: (GKE002) has no reason");
  });
});

describe("glob matching", () => {
  it.each([
    ["google_container_node_pool.*", "google_container_node_pool.primary", true],
    ["google_container_node_pool.*", 'google_container_node_pool.pools["a"]', true],
    ["module.gke.*", "module.gke.google_container_cluster.main", true],
    ["google_x.y[0]", "google_x.y[0]", true],
    ["google_x.y[0]", "google_x.y0", false],
    ["app/*/pool", "app/stack/pool", true],
    ["app/*/pool", "app/a/b/pool", false],
    ["app/**/pool", "app/a/b/pool", true],
    ["app/??/x", "app/ab/x", true],
    ["a.b", "aXb", false],
    ["*", "", true],
    ["**", "a/b/c", true],
    ["*", "a/b", false],
    ["a***b", "a/x/b", true],
    ["a*/**/b", "ax/b", false],
    ["a*/**/b", "ax//b", true],
    ["a/**", "a/", true],
    ["?", "é", true],
    ["?", "😀", true],
    ["x?y", "x/y", false],
    ["a*b*c", "aXbYbc", true],
    ["a*b*c", "aXbYb", false],
    ["pools[\"*\"]", 'pools["a"]', true],
    ["(a|b)+$", "(a|b)+$", true],
    ["(a|b)+$", "a", false],
  ])("%s vs %s → %s", (glob, text, expected) => {
    expect(globMatches(glob, text)).toBe(expected);
  });

  /** What the glob means, written as plainly as possible (exponential, so small cases only). */
  const slowly = (glob: string, text: string): boolean => {
    if (glob === "") return text === "";
    if (glob.startsWith("**")) return [...Array(text.length + 1).keys()].some((i) => slowly(glob.slice(2), text.slice(i)));
    if (glob[0] === "*") return [...Array(text.length + 1).keys()].some((i) => !text.slice(0, i).includes("/") && slowly(glob.slice(1), text.slice(i)));
    if (text === "") return false;
    if (glob[0] === "?") return text[0] !== "/" && slowly(glob.slice(1), text.slice(1));
    return glob[0] === text[0] && slowly(glob.slice(1), text.slice(1));
  };

  it("agrees with the plain definition on every small glob and text over a, b, / and the wildcards", () => {
    const words = (alphabet: string[], max: number): string[] => {
      const out = [""];
      for (let n = 0; n < max; n++) for (const w of out.filter((x) => x.length === n)) for (const c of alphabet) out.push(w + c);
      return out;
    };
    const globs = words(["a", "/", "*", "?"], 4);
    const texts = words(["a", "b", "/"], 4);
    const disagreements: string[] = [];
    for (const g of globs) {
      const m = globMatcher(g);
      for (const t of texts) if (m.test(t) !== slowly(g, t)) disagreements.push(`${g} vs ${t}`);
    }
    expect(disagreements).toEqual([]);
  });

  it("matches in steps linear in the text, however many stars: no backtracking (*?*?…Z, 1000 pairs)", () => {
    // A regular expression built from this glob backtracked for ever (12 pairs took 32 s).
    const glob = `${"*?".repeat(1000)}Z`;
    const text = "a".repeat(4000);
    const m = globMatcher(glob);
    expect(m.test(text)).toBe(false);
    expect(m.test(`${text}Z`)).toBe(true);
    expect(m.test("a".repeat(999))).toBe(false);
    // 2,002 states in 63 words of 32 bits: one pass over the words per character, one to start.
    const words = Math.ceil((2 * 1000 + 2) / 32);
    expect(m.steps).toBeLessThanOrEqual((text.length + 1 + text.length + 2 + 1000) * words);
    const deep = globMatcher(`${"**a".repeat(25)}Z`);
    expect(deep.test("a".repeat(3000))).toBe(false);
    expect(deep.steps).toBeLessThanOrEqual(3001 * Math.ceil(52 / 32));
  });

  it("a waiver with the pathological pattern is applied to findings at once", () => {
    const w: Waiver = { ruleId: "GKE001", address: `${"*?".repeat(25)}Z`, reason: "r", source: src(1) };
    const { outcomes } = applyWaivers([{ ...failGke001, address: `google_container_node_pool.${"x".repeat(100)}` }], [w], now);
    expect(outcomes[0]!.state).toBe("stale");
  });
});

describe("applyWaivers", () => {
  const legacyPool: Finding = { ...failGke001, address: "google_container_node_pool.legacy", constructPath: "app/legacy/pool" };
  const waiver = (w: Partial<Waiver> & { ruleId: string }, index: number): Waiver => ({ reason: "accepted", source: src(index), ...w });

  it("waives a matching failing finding (valid), carries expiry and ticket, and reports applied", () => {
    const w = waiver({ ruleId: "GKE001", address: "google_container_node_pool.legacy*", expires: "2026-11-28", ticket: "PLAT-1" }, 1);
    const { findings, outcomes } = applyWaivers([legacyPool, failGke001], [w], now);
    expect(findings[0]!.suppressed).toEqual({ reason: "accepted", source: "waiver", expires: "2026-11-28", ticket: "PLAT-1" });
    expect(findings[1]!.suppressed).toBeUndefined();
    expect(outcomes).toEqual([{ waiver: w, state: "applied", matched: 1 }]);
    expect(waiverNotices(outcomes)).toEqual([]);
  });

  it("an expired waiver stops waiving, marks the finding and says so", () => {
    const w = waiver({ ruleId: "GKE001", constructPath: "app/legacy/**", expires: "2026-11-27" }, 2);
    const { findings, outcomes } = applyWaivers([legacyPool], [w], now);
    expect(findings[0]!.suppressed).toBeUndefined();
    expect(findings[0]!.expiredSuppression).toEqual({ reason: "accepted", expires: "2026-11-27", source: "waiver" });
    expect(outcomes[0]).toMatchObject({ state: "expired", matched: 1 });
    expect(waiverNotices(outcomes)).toEqual(["preflight.waivers.yaml waiver 2 (GKE001 app/legacy/**) expired on 2026-11-27 and no longer waives (1 finding counts again)"]);
  });

  it("a waiver that matches nothing, or only passing findings, is stale", () => {
    const typo = waiver({ ruleId: "GKE001", address: "google_container_nodepool.*" }, 1);
    const onlyPass = waiver({ ruleId: "GKE003", address: "google_container_cluster.other" }, 2);
    const otherRule = waiver({ ruleId: "GKE002", address: "google_container_node_pool.legacy" }, 3);
    const { findings, outcomes } = applyWaivers([legacyPool, passGke003], [typo, onlyPass, otherRule], now);
    expect(findings[1]).toBe(passGke003);
    expect(outcomes.map((o) => o.state)).toEqual(["stale", "stale", "stale"]);
    expect(waiverNotices(outcomes)[0]).toBe("preflight.waivers.yaml waiver 1 (GKE001 google_container_nodepool.*) matches no failing or undecided finding: remove it or fix its pattern");
  });

  it("waives undecided findings too; a constructPath waiver never matches a finding without a path", () => {
    const { findings, outcomes } = applyWaivers([unknownGke002], [waiver({ ruleId: "GKE002", address: "*" }, 1), waiver({ ruleId: "GKE002", constructPath: "**" }, 2)], now);
    expect(findings[0]!.suppressed?.source).toBe("waiver");
    expect(outcomes.map((o) => o.state)).toEqual(["applied", "stale"]);
  });

  it("keeps a construct suppression, yet counts the waiver as used; a valid waiver beats an expired one", () => {
    const construct: Finding = { ...legacyPool, suppressed: { reason: "in code", source: "construct" } };
    const expired = waiver({ ruleId: "GKE001", address: "*", expires: "2020-01-01" }, 1);
    const valid = waiver({ ruleId: "GKE001", address: "*", reason: "valid one" }, 2);
    const { findings, outcomes } = applyWaivers([construct, failGke001], [expired, valid], now);
    expect(findings[0]!.suppressed).toEqual({ reason: "in code", source: "construct" });
    expect(findings[1]!.suppressed?.reason).toBe("valid one");
    expect(outcomes.map((o) => [o.state, o.matched])).toEqual([["expired", 2], ["applied", 2]]);
  });

  it("names the rule by id or by slug, like suppressions on constructs", () => {
    const { findings, outcomes } = applyWaivers([legacyPool], [waiver({ ruleId: "node-sa-permissions", address: "*" }, 1)], now);
    expect(findings[0]!.suppressed?.source).toBe("waiver");
    expect(outcomes[0]!.state).toBe("applied");
  });

  it("does not change its input", () => {
    const input = [legacyPool];
    applyWaivers(input, [waiver({ ruleId: "GKE001", address: "*" }, 1)], now);
    expect(input[0]!.suppressed).toBeUndefined();
  });
});

describe("finding and loading the waivers file", () => {
  const root = mkdtempSync(join(tmpdir(), "waivers-"));

  it("finds the file beside an input file, beside a cdktf.out folder, else inside it", () => {
    const a = join(root, "a");
    mkdirSync(join(a, "cdktf.out"), { recursive: true });
    writeFileSync(join(a, "plan.json"), "{}");
    expect(findWaiversFile(join(a, "plan.json"))).toBeUndefined();
    writeFileSync(join(a, "cdktf.out", "preflight.waivers.json"), "[]");
    expect(findWaiversFile(join(a, "cdktf.out"))).toBe(join(a, "cdktf.out", "preflight.waivers.json"));
    writeFileSync(join(a, "preflight.waivers.yaml"), "waivers: []\n");
    expect(findWaiversFile(join(a, "plan.json"))).toBe(join(a, "preflight.waivers.yaml"));
    expect(findWaiversFile(join(a, "cdktf.out"))).toBe(join(a, "preflight.waivers.yaml"));
  });

  it("two waivers files in one place are ambiguous", () => {
    const b = join(root, "b");
    mkdirSync(b);
    writeFileSync(join(b, "plan.json"), "{}");
    writeFileSync(join(b, "preflight.waivers.yaml"), "");
    writeFileSync(join(b, "preflight.waivers.json"), "[]");
    expect(() => findWaiversFile(join(b, "plan.json"))).toThrow(/is ambiguous: preflight.waivers.yaml and preflight.waivers.json/);
  });

  it("a waivers file found beside the input that is a link out of its folder is refused; one that stays inside is read", () => {
    const c = join(root, "c");
    const elsewhere = join(root, "elsewhere");
    mkdirSync(join(c, "sub"), { recursive: true });
    mkdirSync(elsewhere);
    writeFileSync(join(c, "plan.json"), "{}");
    writeFileSync(join(elsewhere, "secret.yaml"), "waivers: []\n");
    symlinkSync(join(elsewhere, "secret.yaml"), join(c, "preflight.waivers.yaml"));
    expect(() => findWaiversFile(join(c, "plan.json"))).toThrow(
      new InputError(join(c, "preflight.waivers.yaml"), "is a symbolic link that leads outside its folder; refusing to read it (name the file with --waivers to use it)"),
    );
    // Inside a cdktf.out folder too.
    mkdirSync(join(c, "sub", "cdktf.out"));
    symlinkSync("../../../elsewhere/secret.yaml", join(c, "sub", "cdktf.out", "preflight.waivers.yml"));
    expect(() => findWaiversFile(join(c, "sub", "cdktf.out"))).toThrow(/cdktf\.out\/preflight\.waivers\.yml: is a symbolic link that leads outside its folder/);
    // A link that stays in the folder is fine, and a file named with --waivers is read where it is.
    const d = join(root, "d");
    mkdirSync(d);
    writeFileSync(join(d, "plan.json"), "{}");
    writeFileSync(join(d, "real.yaml"), "waivers: []\n");
    symlinkSync("real.yaml", join(d, "preflight.waivers.yaml"));
    expect(findWaiversFile(join(d, "plan.json"))).toBe(join(d, "preflight.waivers.yaml"));
    expect(loadWaiversFile(join(c, "preflight.waivers.yaml"))).toEqual([]);
  });

  it(`at most ${MAX_WAIVERS} waivers, and patterns of at most 4096 characters, are read`, () => {
    const item = (i: number) => `  - {ruleId: GKE001, address: "a${i}", reason: r}\n`;
    expect(parseWaivers(`waivers:\n${Array.from({ length: MAX_WAIVERS }, (_, i) => item(i)).join("")}`, "w.yaml")).toHaveLength(MAX_WAIVERS);
    expect(() => parseWaivers(`waivers:\n${Array.from({ length: MAX_WAIVERS + 1 }, (_, i) => item(i)).join("")}`, "w.yaml")).toThrow(
      new InputError("w.yaml", `has ${MAX_WAIVERS + 1} waivers; at most ${MAX_WAIVERS} are read (waive a rule for many resources with one glob)`),
    );
    expect(() => parseWaivers(`[{"ruleId": "GKE001", "address": "${"*".repeat(4097)}", "reason": "r"}]`, "w.json")).toThrow(
      "w.json: line 1, waiver 1: address is 4097 characters long; a pattern has at most 4096",
    );
  });

  it("a missing --waivers file is an input error naming it", () => {
    expect(() => loadWaiversFile(join(root, "nope.yaml"))).toThrow(new InputError(join(root, "nope.yaml"), "waivers file not found"));
  });
});
