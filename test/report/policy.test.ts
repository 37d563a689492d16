import { gateFails, gateSummary, outcomeOf, parseFailOn, parseUnknownPolicy, policyFromOptions, type GatePolicy } from "../../src/report/policy";
import { renderJson } from "../../src/report/json";
import type { Finding } from "../../src/rules/types";
import { failGke001, passGke003, unknownGke002, waivedGke003 } from "./fixtures/findings";

function countOutcomes(findings: readonly Finding[], policy: GatePolicy): Record<string, number> {
  const counts: Record<string, number> = { fail: 0, warn: 0, pass: 0, suppressed: 0 };
  for (const f of findings) counts[outcomeOf(f, policy)]++;
  return counts;
}

const warnFail: Finding = { ...failGke001, severity: "warning" };
const infoFail: Finding = { ...failGke001, severity: "info" };
const p = (failOn: GatePolicy["failOn"], unknown: GatePolicy["unknown"]): GatePolicy => ({ failOn, unknown });

describe("gate policy", () => {
  it.each([
    [failGke001, p("error", "warn"), "fail"],
    [warnFail, p("error", "warn"), "warn"],
    [warnFail, p("warning", "warn"), "fail"],
    [infoFail, p("warning", "warn"), "warn"],
    [failGke001, p("never", "fail"), "warn"],
    [unknownGke002, p("error", "warn"), "warn"],
    [unknownGke002, p("error", "pass"), "pass"],
    [unknownGke002, p("error", "fail"), "fail"],
    [unknownGke002, p("never", "fail"), "warn"],
    [waivedGke003, p("warning", "fail"), "suppressed"],
    [passGke003, p("warning", "fail"), "pass"],
  ] as const)("%#: %s under %j is %s", (finding, policy, expected) => {
    expect(outcomeOf(finding, policy)).toBe(expected);
  });

  it("fails the run only when some finding fails", () => {
    expect(gateFails([unknownGke002, waivedGke003, passGke003], p("error", "warn"))).toBe(false);
    expect(gateFails([unknownGke002], p("error", "fail"))).toBe(true);
    expect(gateFails([failGke001], p("never", "fail"))).toBe(false);
    expect(countOutcomes([failGke001, unknownGke002, waivedGke003, passGke003], p("error", "warn"))).toEqual({ fail: 1, warn: 1, suppressed: 1, pass: 1 });
  });

  it("parses option values and rejects others with a message naming the option", () => {
    expect(parseFailOn("warning")).toBe("warning");
    expect(parseUnknownPolicy("fail")).toBe("fail");
    expect(() => parseFailOn("errors")).toThrow('--fail-on must be error, warning or never (got "errors")');
    expect(() => parseUnknownPolicy("maybe")).toThrow("--unknown must be pass, warn or fail");
  });
});

describe("gate summary (JSON) and the aspect's options", () => {
  const findings = [failGke001, warnFail, unknownGke002, waivedGke003, passGke003];
  it("counts by status and by severity, with the policy and the verdict of gateFails", () => {
    const summary = gateSummary(findings, p("error", "warn"));
    expect(summary).toMatchObject({ fail: 2, unknown: 1, pass: 1, suppressed: 1, policy: p("error", "warn"), gate: "fail" });
    expect(summary.bySeverity.warning.fail).toBe(1);
    expect(summary.bySeverity.error.fail).toBe(1);
    expect(gateSummary([warnFail, unknownGke002], p("error", "warn")).gate).toBe("pass");
    expect(gateSummary([warnFail], p("warning", "warn")).gate).toBe("fail");
  });

  it("the JSON report's summary is the gate summary when the policy is given", () => {
    const report = { tool: { name: "cdktf-gke-preflight" as const, version: "0" }, inputs: [], findings: [warnFail], summary: { fail: 1, unknown: 0, pass: 0, suppressed: 0 } };
    expect(JSON.parse(renderJson(report, "lines", p("warning", "pass"))).summary.gate).toBe("fail");
    expect(JSON.parse(renderJson(report, "lines", p("error", "pass"))).summary.gate).toBe("pass");
    expect(JSON.parse(renderJson(report)).summary.gate).toBeUndefined();
  });

  it("the aspect takes the CLI's names and defaults, and the deprecated ones mapped", () => {
    expect(policyFromOptions({}, "X")).toEqual(p("error", "warn"));
    expect(policyFromOptions({ failOn: "warning", unknown: "fail" }, "X")).toEqual(p("warning", "fail"));
    expect(policyFromOptions({ unknown: "ignore" }, "X")).toEqual(p("error", "pass"));
    expect(policyFromOptions({ unknown: "error" }, "X")).toEqual(p("error", "fail"));
    expect(() => policyFromOptions({ unknown: "hasOwnProperty" }, "X")).toThrow(/X: unknown must be/);
    expect(() => policyFromOptions({ failOn: "info" }, "X")).toThrow(/X: failOn must be/);
  });
});
