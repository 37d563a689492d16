import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputError } from "../../src/inputs/input-error";
import type { Finding } from "../../src/rules/types";
import { applyWaivers, findWaiversFile, globToRegExp, loadWaiversFile, parseWaivers, waiverNotices, type Waiver } from "../../src/waivers";
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

describe("globToRegExp", () => {
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
  ])("%s vs %s → %s", (glob, text, expected) => {
    expect(globToRegExp(glob).test(text)).toBe(expected);
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

  it("a missing --waivers file is an input error naming it", () => {
    expect(() => loadWaiversFile(join(root, "nope.yaml"))).toThrow(new InputError(join(root, "nope.yaml"), "waivers file not found"));
  });
});
