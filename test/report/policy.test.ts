import { countOutcomes, gateFails, outcomeOf, parseFailOn, parseUnknownPolicy, type GatePolicy } from "../../src/report/policy";
import type { Finding } from "../../src/rules/types";
import { failGke001, passGke003, unknownGke002, waivedGke003 } from "./fixtures/findings";

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
