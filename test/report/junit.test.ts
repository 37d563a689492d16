import { XMLParser, XMLValidator } from "fast-xml-parser";
import { renderJunit } from "../../src/report/junit";
import type { WaiverOutcome } from "../../src/waivers/types";
import { failGke001, hostile, passGke003, reportOf, unknownGke002, waivedGke003 } from "./fixtures/findings";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", isArray: (name) => ["testsuite", "testcase"].includes(name) });

function parse(xml: string): Any {
  expect(XMLValidator.validate(xml)).toBe(true);
  return parser.parse(xml);
}

describe("renderJunit", () => {
  it("writes a suite per rule and a case per rule × resource, failures with message and fix", () => {
    const xml = renderJunit(reportOf([failGke001, unknownGke002, waivedGke003, passGke003]));
    const doc = parse(xml);
    expect(doc.testsuites).toMatchObject({ name: "cdktf-gke-preflight", tests: "4", failures: "1", errors: "0", skipped: "2" });
    const suites = doc.testsuites.testsuite as Any[];
    expect(suites.map((s) => s.name)).toEqual([
      "GKE001 node-sa-permissions: Node service account lacks the permissions GKE nodes need",
      "GKE002 container-service-agent: GKE service agent keeps roles/container.serviceAgent",
      "GKE003 required-apis: Container and Compute APIs are enabled",
    ]);
    const failCase = suites[0].testcase[0];
    expect(failCase).toMatchObject({ name: "google_container_node_pool.primary", classname: "GKE001.node-sa-permissions", file: "plan.json" });
    expect(failCase.failure.message).toBe(failGke001.message);
    expect(failCase.failure["#text"]).toContain("Fix: Grant roles/container.defaultNodeServiceAccount");
    expect(failCase.failure["#text"]).toContain("gcloud projects add-iam-policy-binding my-proj");
    expect(failCase.failure["#text"]).toContain("Missing permissions: monitoring.timeSeries.create");
    expect(suites[1].testcase[0].skipped.message).toBe(`undecided: ${unknownGke002.message}`);
    expect(suites[2].testcase[0].skipped.message).toBe("waived by waiver: APIs are enabled by the org bootstrap (until 2099-12-31) [PLAT-42]");
    expect(suites[2].testcase[1].name).toBe("google_container_cluster.other");
    expect(suites[2].testcase[1].failure).toBeUndefined();
    expect(suites[2].testcase[1].skipped).toBeUndefined();
  });

  it("turns undecided findings into failures with --unknown fail, and passes them with --unknown pass", () => {
    const failing = parse(renderJunit(reportOf([unknownGke002]), { policy: { failOn: "error", unknown: "fail" } }));
    expect(failing.testsuites.failures).toBe("1");
    expect(failing.testsuites.testsuite[0].testcase[0].failure.type).toBe("GKE002 undecided");
    const passing = parse(renderJunit(reportOf([unknownGke002]), { policy: { failOn: "error", unknown: "pass" } }));
    expect(passing.testsuites).toMatchObject({ failures: "0", skipped: "0", tests: "1" });
    expect(passing.testsuites.testsuite[0].testcase[0]["system-out"]).toBe(`UNDECIDED (counted as passing) ${unknownGke002.message}`);
  });

  it("report-only mode (--fail-on never) keeps failures visible as skipped warnings", () => {
    const doc = parse(renderJunit(reportOf([failGke001]), { policy: { failOn: "never", unknown: "warn" } }));
    expect(doc.testsuites).toMatchObject({ failures: "0", skipped: "1" });
    expect(doc.testsuites.testsuite[0].testcase[0].skipped.message).toBe(`error: ${failGke001.message}`);
  });

  it("folds several verdicts on one resource into one case, the worst deciding", () => {
    const second = { ...failGke001, status: "unknown" as const, message: "second verdict" };
    const doc = parse(renderJunit(reportOf([second, failGke001])));
    expect(doc.testsuites.tests).toBe("1");
    expect(doc.testsuites.testsuite[0].testcase[0].failure["#text"]).not.toContain("second verdict");
  });

  it("escapes hostile text from inputs and removes characters XML cannot hold", () => {
    const xml = renderJunit(reportOf([hostile], [{ file: "a.json", format: "plan", resources: 1 }, { file: "b.json", format: "plan", resources: 1 }]));
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
    expect(xml).not.toContain("<script>");
    expect(xml).not.toContain("</testcase>]]>");
    const doc = parse(xml);
    const c = doc.testsuites.testsuite[0].testcase[0];
    // Several inputs: the case name says which one.
    expect(c.name).toBe(`${hostile.stack}: ${hostile.address.replace("\u0001", "\uFFFD")}`);
    expect(c.failure.message).toContain("<script>alert(1)</script> & @team/admins");
  });

  it("lists waivers as their own suite: applied passes, stale and expired are skipped with why", () => {
    const source = { file: "preflight.waivers.yaml", index: 1, line: 2 };
    const waivers: WaiverOutcome[] = [
      { state: "applied", matched: 1, waiver: { ruleId: "GKE003", address: "*", reason: "org bootstrap", source } },
      { state: "stale", matched: 0, waiver: { ruleId: "GKE002", address: "x.*", reason: "r", source: { ...source, index: 2 } } },
      { state: "expired", matched: 2, waiver: { ruleId: "GKE001", address: "*", reason: "r", expires: "2020-01-01", source: { ...source, index: 3 } } },
    ];
    const doc = parse(renderJunit(reportOf([]), { waivers }));
    const suite = doc.testsuites.testsuite[0];
    expect(suite).toMatchObject({ name: "waivers", tests: "3", skipped: "2" });
    expect(suite.testcase[1].skipped.message).toBe("stale: matches no failing or undecided finding");
    expect(suite.testcase[2].skipped.message).toBe("expired on 2020-01-01: no longer waives 2 finding(s)");
    expect(suite.testcase[0].name).toBe("preflight.waivers.yaml:2 waiver 1 (GKE003 *)");
  });

  it("an empty report is an empty, valid test report", () => {
    const doc = parse(renderJunit(reportOf([])));
    expect(doc.testsuites).toMatchObject({ tests: "0", failures: "0" });
  });
});
