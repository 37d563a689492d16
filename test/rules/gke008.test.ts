import { computed } from "../support/plan-builder";
import { cluster, projectData, PROJECT, cdkTfJson } from "../support/scenarios";
import { possibleMajors, unsetDisableOnDestroy } from "../../src/facts/gke/provider-version";
import { planFindings, tfFindings, stack, verdicts } from "./helpers";

const RULE = "GKE008";
const service = (api: string, extra: Record<string, unknown> = {}, actions?: string[]) => ({
  type: "google_project_service",
  name: `${api}_api`,
  ...(actions ? { actions } : {}),
  values: { project: PROJECT, service: `${api}.googleapis.com`, id: computed, ...(extra as Record<string, never>) },
});

describe("GKE008 api-disable-on-destroy on plan JSON", () => {
  test("fail: disable_on_destroy = true on container", () => {
    const findings = planFindings(RULE, [service("container", { disable_on_destroy: true })]);
    expect(verdicts(findings)).toEqual(["fail google_project_service.container_api"]);
    expect(findings[0].remediation.hcl).toContain("disable_on_destroy = false");
  });

  test("fail: unset under provider ~> 6.0, where it defaults to true", () => {
    const findings = planFindings(RULE, [service("compute")], { providerVersion: "~> 6.0" });
    expect(verdicts(findings)).toEqual(["fail google_project_service.compute_api"]);
    expect(findings[0].message).toContain("disable_on_destroy is unset");
  });

  test("fail: compute destroyed while container stays enabled (dependent service error)", () => {
    const findings = planFindings(RULE, [service("container", { disable_on_destroy: false }), { ...service("compute", { disable_on_destroy: true }, ["delete"]), before: { project: PROJECT, service: "compute.googleapis.com", disable_on_destroy: true } }]);
    const compute = findings.find((f) => f.address === "google_project_service.compute_api")!;
    expect(compute.status).toBe("fail");
    expect(compute.message).toContain("is depended on by");
  });

  test("unknown: unset and no provider version in the input", () => {
    const findings = planFindings(RULE, [service("container")], { providerVersion: null });
    expect(verdicts(findings)).toEqual(["unknown google_project_service.container_api"]);
    expect(findings[0].decideWith).toMatch(/disable_on_destroy = false/);
  });

  test("pass: false, or unset from provider 7, or a project this configuration creates", () => {
    expect(verdicts(planFindings(RULE, [service("container", { disable_on_destroy: false })]))).toEqual(["pass google_project_service.container_api"]);
    expect(verdicts(planFindings(RULE, [service("container")], { providerVersion: ">= 7.0, < 8.0" }))).toEqual(["pass google_project_service.container_api"]);
    const project = { type: "google_project", name: "p", values: { project_id: PROJECT, name: PROJECT, number: computed } };
    expect(verdicts(planFindings(RULE, [project, service("container", { disable_on_destroy: true }), cluster(computed), projectData].slice(0, 3)))).toEqual(["pass google_project_service.container_api"]);
  });
});

describe("GKE008 api-disable-on-destroy on cdk.tf.json", () => {
  test("fail: unset with the 6.x provider the prebuilt bindings pin", () => {
    const findings = tfFindings(RULE, stack({ google_project_service: { container_api: { service: "container.googleapis.com" } } }));
    expect(verdicts(findings)).toEqual(["fail google_project_service.container_api"]);
    expect(findings[0].remediation.cdktf).toContain("containerApi.disableOnDestroy = false;");
  });

  test("unknown: unset, provider version not stated", () => {
    expect(verdicts(tfFindings(RULE, stack({ google_project_service: { container_api: { service: "container.googleapis.com" } } }, { version: null })))).toEqual(["unknown google_project_service.container_api"]);
  });

  test("pass: the good stack sets false", () => {
    expect(verdicts(tfFindings(RULE, cdkTfJson("good")))).toEqual(["pass google_project_service.compute_api", "pass google_project_service.container_api"]);
  });
});

describe("possibleMajors: Terraform version constraints", () => {
  const I = Infinity;
  test.each([
    ["6.50.0", [6, 6]], ["= 6.1", [6, 6]], ["~> 6.0", [6, 6]], ["~> 6.1.2", [6, 6]], [">= 6.1, < 7", [6, 6]], [">= 6.1, < 7.0.0", [6, 6]],
    [">= 7.0, < 8.0", [7, 7]], [">= 5", [5, I]], ["~> 6", [6, I]], [">= 6.0, < 8", [6, 7]], ["< 7.0.1", [0, 7]], ["<= 7.0.0", [0, 7]],
    ["> 6.99.99", [6, I]], ["!= 7.0.0, ~> 6.10", [6, 6]], ["!= 7.0.0", [0, I]], [">= 7.0.0, <= 7.0.0, != 7.0.0", undefined],
    ["> 7.0.0, < 7.0.0", undefined], ["~> 6.10.0-beta1", [6, 6]], [" >=6.1 ,<7 ", [6, 6]], ["v6.1.0", [6, 6]],
    ["latest", undefined], [">= 6.x", undefined], ["", undefined], [undefined, undefined],
  ] as const)("%s → %j", (constraint, majors) => {
    expect(possibleMajors(constraint)).toEqual(majors === undefined ? undefined : { min: majors[0], max: majors[1] });
  });

  test("the default of an unset disable_on_destroy is decided only when every admitted major agrees", () => {
    expect(unsetDisableOnDestroy({ min: 5, max: 6 })).toBe(true);
    expect(unsetDisableOnDestroy({ min: 7, max: Infinity })).toBe(false);
    expect(unsetDisableOnDestroy({ min: 6, max: 7 })).toBe("unknown");
    expect(unsetDisableOnDestroy(undefined)).toBe("unknown");
  });
});
