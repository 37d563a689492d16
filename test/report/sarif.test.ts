import { renderSarif, toUri } from "../../src/report/sarif";
import { jsonLocator } from "../../src/text/json-position";
import type { RuleMeta } from "../../src/rules/types";
import type { WaiverOutcome } from "../../src/waivers/types";
import { failGke001, hostile, passGke003, reportOf, unknownGke002, waivedGke003 } from "./fixtures/findings";
import { sarifSchemaErrors } from "./sarif-validator";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const planText = `{
  "format_version": "1.2",
  "planned_values": {
    "root_module": {
      "resources": [
        { "address": "google_project_iam_policy.project" },
        {
          "address": "google_container_node_pool.primary"
        }
      ]
    }
  }
}
`;

const meta = (id: string, slug: string): RuleMeta => ({
  id,
  slug,
  title: `${id} title`,
  severity: "error",
  rationale: `${id} prevents a 403 at node start`,
  googleDocUrl: "https://cloud.google.com/kubernetes-engine/docs/troubleshooting/troubleshoot-4xx-errors",
  resourceTypes: ["google_container_cluster"],
});

describe("renderSarif", () => {
  const report = reportOf([failGke001, unknownGke002, waivedGke003, passGke003]);
  const locate = (file: string, pointer: string) => (file === "plan.json" ? jsonLocator(planText)(pointer) : undefined);

  it("is valid SARIF 2.1.0 with one run, every status and a located result", () => {
    const log = JSON.parse(renderSarif(report, { locate, rules: [meta("GKE001", "node-sa-permissions")] }));
    expect(sarifSchemaErrors(log)).toEqual([]);
    expect(log.version).toBe("2.1.0");
    expect(log.runs).toHaveLength(1);
    const [fail, unknown, waived, pass] = log.runs[0].results as Any[];
    expect(fail).toMatchObject({ ruleId: "GKE001", kind: "fail", level: "error" });
    expect(fail.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: "plan.json", index: 0 },
      region: { startLine: 7, startColumn: 9 },
    });
    expect(fail.locations[0].logicalLocations[0]).toMatchObject({ fullyQualifiedName: "google_container_node_pool.primary", kind: "resource" });
    expect(fail.message.text).toContain("Fix: Grant roles/container.defaultNodeServiceAccount");
    expect(fail.properties.details.missingPermissions).toContain("monitoring.timeSeries.create");
    expect(unknown).toMatchObject({ kind: "fail", level: "warning" });
    expect(unknown.message.text).toMatch(/^Undecided: .*the project number is known only after apply\. Decide with: run with --live/);
    expect(unknown.locations[0].physicalLocation.region).toEqual({ startLine: 6, startColumn: 9, endLine: 6, endColumn: 59 });
    expect(waived.suppressions).toEqual([
      { kind: "external", status: "accepted", justification: "APIs are enabled by the org bootstrap", properties: { source: "waiver", expires: "2099-12-31", ticket: "PLAT-42" } },
    ]);
    expect(pass).toMatchObject({ kind: "pass", level: "none" });
  });

  it("declares every rule given, with help text and an absolute help URI, and rules seen only in findings", () => {
    const log = JSON.parse(renderSarif(report, { rules: [meta("GKE001", "node-sa-permissions"), meta("GKE009", "not-run-here")] }));
    const rules = log.runs[0].tool.driver.rules as Any[];
    expect(rules.map((r) => r.id)).toEqual(["GKE001", "GKE009", "GKE002", "GKE003"]);
    expect(rules[0]).toMatchObject({
      name: "NodeSaPermissions",
      helpUri: "https://example.test/docs/rules/GKE001.md",
      fullDescription: { text: "GKE001 prevents a 403 at node start" },
    });
    expect(rules[0].help.text).toContain("GKE001 prevents a 403 at node start");
    expect(rules[1].helpUri).toMatch(/^https:\/\/cloud\.google\.com\//);
    for (const r of log.runs[0].results as Any[]) expect(rules[r.ruleIndex].id).toBe(r.ruleId);
  });

  it("maps the unknown policy and severities onto kind and level", () => {
    const levels = (unknown: "pass" | "warn" | "fail") =>
      (JSON.parse(renderSarif(reportOf([unknownGke002]), { policy: { failOn: "error", unknown } })).runs[0].results as Any[]).map((r) => [r.kind, r.level]);
    expect(levels("pass")).toEqual([["review", "none"]]);
    expect(levels("warn")).toEqual([["fail", "warning"]]);
    expect(levels("fail")).toEqual([["fail", "error"]]);
    const warningFail = { ...waivedGke003, suppressed: undefined };
    const r = JSON.parse(renderSarif(reportOf([warningFail]))).runs[0].results[0];
    expect([r.kind, r.level, r.suppressions]).toEqual(["fail", "warning", undefined]);
  });

  it("marks construct suppressions in source, and notes an expired one without suppressing", () => {
    const construct = { ...failGke001, suppressed: { reason: "legacy pool", source: "construct" as const } };
    const expired = { ...failGke001, address: "google_container_node_pool.b", expiredSuppression: { reason: "until migration", expires: "2020-01-01", source: "waiver" as const } };
    const log = JSON.parse(renderSarif(reportOf([construct, expired])));
    expect(sarifSchemaErrors(log)).toEqual([]);
    const [a, b] = log.runs[0].results;
    expect(a.suppressions[0]).toMatchObject({ kind: "inSource", status: "accepted", justification: "legacy pool" });
    expect(b.suppressions).toBeUndefined();
    expect(b.message.text).toContain("expired on 2020-01-01");
  });

  it("keeps hostile text as data and still validates", () => {
    const text = renderSarif(reportOf([hostile], [{ file: hostile.file, format: "terraform-json", stack: hostile.stack, resources: 1 }]));
    const log = JSON.parse(text);
    expect(sarifSchemaErrors(log)).toEqual([]);
    const r = log.runs[0].results[0];
    expect(r.properties.address).toBe(hostile.address);
    expect(r.locations[0].physicalLocation.artifactLocation.uri).toBe("dir%20with%20space/plan%20%231.json");
    expect(r.locations[0].logicalLocations[1]).toEqual({ fullyQualifiedName: hostile.constructPath, kind: "module" });
  });

  it("gives the same fingerprint to the same rule × resource and different ones otherwise", () => {
    const fp = (f: typeof failGke001) => JSON.parse(renderSarif(reportOf([f]))).runs[0].results[0].partialFingerprints["preflightFinding/v1"];
    expect(fp({ ...failGke001, message: "other words", pointer: "/x" })).toBe(fp(failGke001));
    expect(fp({ ...failGke001, address: "google_container_node_pool.other" })).not.toBe(fp(failGke001));
    expect(fp({ ...failGke001, stack: "prod" })).not.toBe(fp(failGke001));
  });

  it("reports stale and expired waivers as tool notifications at the waiver's line", () => {
    const waivers: WaiverOutcome[] = [
      { state: "stale", matched: 0, waiver: { ruleId: "GKE002", address: "google_x.*", reason: "r", source: { file: "preflight.waivers.yaml", index: 1, line: 3 } } },
      { state: "expired", matched: 1, waiver: { ruleId: "GKE001", address: "*", reason: "r", expires: "2020-01-01", source: { file: "preflight.waivers.yaml", index: 2, line: 7 } } },
      { state: "applied", matched: 1, waiver: { ruleId: "GKE003", address: "*", reason: "r", source: { file: "preflight.waivers.yaml", index: 3 } } },
    ];
    const log = JSON.parse(renderSarif(report, { waivers }));
    expect(sarifSchemaErrors(log)).toEqual([]);
    const notes = log.runs[0].invocations[0].toolExecutionNotifications as Any[];
    expect(notes.map((n) => n.descriptor.id)).toEqual(["waiver-stale", "waiver-expired"]);
    expect(notes[1].message.text).toContain("expired on 2020-01-01 and no longer waives (1 finding counts again)");
    expect(notes[1].locations[0].physicalLocation).toEqual({ artifactLocation: { uri: "preflight.waivers.yaml" }, region: { startLine: 7 } });
  });

  it("an empty run is still a valid log that declares its rules", () => {
    const log = JSON.parse(renderSarif(reportOf([]), { rules: [meta("GKE001", "node-sa-permissions")] }));
    expect(sarifSchemaErrors(log)).toEqual([]);
    expect(log.runs[0].results).toEqual([]);
    expect(log.runs[0].tool.driver.rules).toHaveLength(1);
  });

  it("the validator rejects broken logs (it can fail)", () => {
    const log = JSON.parse(renderSarif(report));
    log.runs[0].results[0].level = "fatal";
    delete log.runs[0].tool.driver.name;
    expect(sarifSchemaErrors(log).length).toBeGreaterThanOrEqual(2);
  });
});

describe("toUri", () => {
  it("relativises under the base folder, else gives a file URI", () => {
    expect(toUri("/repo/stacks/cdk.tf.json", "/repo")).toBe("stacks/cdk.tf.json");
    expect(toUri("/elsewhere/plan.json", "/repo")).toBe("file:///elsewhere/plan.json");
    expect(toUri("cdktf.out/stacks/a b/cdk.tf.json", "/repo")).toBe("cdktf.out/stacks/a%20b/cdk.tf.json");
  });
});

describe("renderSarif limits", () => {
  it("keeps at most maxResults results, failing ones first, and says how many were left out", () => {
    const findings = [passGke003, unknownGke002, failGke001, waivedGke003];
    const log = JSON.parse(renderSarif(reportOf(findings), { maxResults: 2 }));
    expect(sarifSchemaErrors(log)).toEqual([]);
    expect(log.runs[0].results.map((r: Any) => r.ruleId)).toEqual(["GKE002", "GKE001"]);
    const note = log.runs[0].invocations[0].toolExecutionNotifications[0];
    expect(note.descriptor.id).toBe("results-left-out");
    expect(note.message.text).toBe("2 of 4 results were left out (at most 2 per run); failing ones were kept first. The JSON report has them all.");
    expect(JSON.parse(renderSarif(reportOf(findings))).runs[0].results).toHaveLength(4);
  });
});
