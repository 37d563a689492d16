import { annotate, annotationFor, oneLine } from "../../src/cdktf/annotate";
import { Construct } from "constructs";
import { defaultPolicy, type GatePolicy } from "../../src/report/policy";

const policy = (failOn: GatePolicy["failOn"], unknown: GatePolicy["unknown"]): GatePolicy => ({ failOn, unknown });
import type { Finding } from "../../src/rules/types";

const base: Finding = {
  ruleId: "GKE003",
  slug: "required-apis",
  title: "t",
  severity: "error",
  status: "unknown",
  address: "google_container_cluster.c",
  file: "cdk.tf.json",
  message: "Nothing in this input enables compute.googleapis.com on p1",
  reason: "the enabled services of an existing project are not in the plan",
  decideWith: "--live",
  remediation: {
    summary: "Enable compute.googleapis.com on p1.",
    gcloud: [],
    cdktf: 'const computeApi = new ProjectService(this, "compute-api", {\n  service: "compute.googleapis.com",\n});\n// and make the cluster wait for it: dependsOn: [computeApi]',
    hcl: "",
  },
  docUrl: "",
  googleDocUrl: "",
};

describe("annotation text", () => {
  it("keeps code comments as block comments on one line", () => {
    expect(oneLine(base.remediation.cdktf)).toBe(
      'const computeApi = new ProjectService(this, "compute-api", { service: "compute.googleapis.com", }); /* and make the cluster wait for it: dependsOn: [computeApi] */',
    );
  });

  it("unknown: level by the --unknown policy, reason in parentheses, one line", () => {
    expect(annotationFor(base, policy("error", "pass"))!.level).toBe("@cdktf/info");
    expect(annotationFor(base, policy("error", "fail"))!.level).toBe("@cdktf/error");
    // an unknown counted as failing still fails only when its severity reaches failOn, as in the CLI
    expect(annotationFor({ ...base, severity: "warning" }, policy("error", "fail"))!.level).toBe("@cdktf/warn");
    expect(annotationFor(base, policy("never", "fail"))!.level).toBe("@cdktf/warn");
    const warn = annotationFor(base, policy("error", "warn"))!;
    expect(warn.level).toBe("@cdktf/warn");
    expect(warn.message).toBe(
      "GKE003 cannot be decided before apply: Nothing in this input enables compute.googleapis.com on p1 " +
        "(the enabled services of an existing project are not in the plan). Decide with: --live. " +
        "Fix: Enable compute.googleapis.com on p1. CDKTF: " +
        oneLine(base.remediation.cdktf),
    );
    expect(warn.message).not.toContain("\n");
  });

  it("fail is an error; suppressed is info with the reason; pass says nothing", () => {
    const fail = { ...base, status: "fail" as const };
    expect(annotationFor(fail, policy("error", "pass"))!.level).toBe("@cdktf/error");
    const suppressed = annotationFor({ ...fail, suppressed: { reason: "Accepted by the platform team.", source: "construct" } }, defaultPolicy)!;
    expect(suppressed).toEqual({
      level: "@cdktf/info",
      message: "GKE003 suppressed (reason: Accepted by the platform team): Nothing in this input enables compute.googleapis.com on p1.",
    });
    expect(annotationFor({ ...base, status: "pass" }, policy("warning", "fail"))).toBeUndefined();
  });

  it("a failing warning is a warning unless failOn is warning; failOn never makes every failure a warning", () => {
    const warning = { ...base, ruleId: "GKE004", severity: "warning" as const, status: "fail" as const };
    expect(annotationFor(warning, defaultPolicy)!.level).toBe("@cdktf/warn");
    expect(annotationFor(warning, defaultPolicy)!.message).toMatch(/^GKE004 Nothing in this input/);
    expect(annotationFor(warning, policy("warning", "warn"))!.level).toBe("@cdktf/error");
    expect(annotationFor({ ...warning, severity: "error" }, policy("never", "warn"))!.level).toBe("@cdktf/warn");
  });
});

test("an annotation is one line whatever the finding quotes from the input (synth prints one ERROR line per finding)", () => {
  const root = new Construct(undefined as unknown as Construct, "root");
  annotate(root, { level: "@cdktf/error", message: "GKE001 google_x.a\nERROR [stack]: GKE002 forged\u001b[2J\u2028x" });
  annotate(root, { level: "@cdktf/error", message: "GKE001 google_x.a\nERROR [stack]: GKE002 forged\u001b[2J\u2028x" });
  const data = root.node.metadata.map((m) => m.data as string);
  expect(data).toHaveLength(1);
  // eslint-disable-next-line no-control-regex
  expect(data[0]).not.toMatch(/[\u0000-\u001f\u2028\u2029]/);
  expect(data[0]).toContain("GKE001 google_x.a ERROR [stack]: GKE002 forged");
});
