import { App, Aspects, TerraformStack, Testing, type IAspect } from "cdktf";
import type { IConstruct } from "constructs";
import { ContainerNodePool } from "@cdktf/provider-google/lib/container-node-pool";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { ArtifactRegistryRepository } from "@cdktf/provider-google/lib/artifact-registry-repository";
import { FolderIamMember } from "@cdktf/provider-google/lib/folder-iam-member";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { GkePreflight } from "../../src/cdktf";
import { addGke, MIN_ROLE } from "./fixtures";
import { annotations, readManifest, readStackJson } from "./helpers";

const LEGACY_PAIR = ["roles/logging.logWriter", "roles/monitoring.metricWriter"];

function newStack(app = Testing.app()) {
  return new TerraformStack(app, "gke");
}

function synthError(stack: TerraformStack): string {
  try {
    Testing.fullSynth(stack);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("synth did not fail");
}

describe("GkePreflight on a stack (cdktf 0.21)", () => {
  it("lets a correct stack synthesize, and reports what cannot be decided as warnings", () => {
    const stack = newStack();
    addGke(stack);
    Aspects.of(stack).add(new GkePreflight());
    const out = Testing.fullSynth(stack);
    expect(readStackJson(out, "gke").resource.google_container_cluster.cluster).toBeDefined();
    expect(annotations(stack, "error")).toEqual([]);
    // An existing project: whether the GKE agent still holds its role is not in the config.
    expect(annotations(stack, "warn").some((a) => /^\[gke\/cluster\] GKE002 cannot be decided before apply/.test(a))).toBe(true);
  });

  it("GKE001: fails at the cluster and at the node pool whose node service account lacks the minimum role", () => {
    const stack = newStack();
    addGke(stack, { nodeRoles: LEGACY_PAIR });
    GkePreflight.of(stack);
    const message = synthError(stack);
    expect(message).toMatch(/^\[gke\/cluster\] GKE001 /m);
    expect(message).toMatch(/^\[gke\/pool\] GKE001 /m);
    const poolLine = message.split("\n").find((l) => l.startsWith("[gke/pool] GKE001"))!;
    expect(poolLine).toMatch(/monitoring\.timeSeries\.list/);
    expect(poolLine).toContain(`Fix: Grant ${MIN_ROLE}`);
    // the CDKTF fix uses the user's own construct (nodes_sa → nodesSa)
    expect(poolLine).toContain("CDKTF: import { ProjectIamMember } from \"@cdktf/provider-google/lib/project-iam-member\";");
    expect(poolLine).toContain("member: `serviceAccount:${nodesSa.email}`");
  });

  it("GKE002: fails at the authoritative binding that drops the GKE service agent", () => {
    const stack = newStack();
    addGke(stack, { stripServiceAgent: true });
    GkePreflight.of(stack);
    const message = synthError(stack);
    expect(message).toMatch(/^\[gke\/service_agents\] GKE002 .*roles\/container\.serviceAgent/m);
  });

  it("GKE003: fails at the cluster when the project it creates does not enable the APIs", () => {
    const stack = newStack();
    addGke(stack, { apis: false, createProject: true });
    GkePreflight.of(stack);
    const message = synthError(stack);
    expect(message).toMatch(/^\[gke\/cluster\] GKE003 .*container\.googleapis\.com/m);
    expect(message).toMatch(/^\[gke\/cluster\] GKE003 .*compute\.googleapis\.com/m);
    expect(message).toContain("disableOnDestroy: false");
  });

  it("prints one line per finding and no stack trace (what `cdktf synth` reads from the manifest)", () => {
    const previous = process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;
    process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = "true"; // as the cdktf CLI sets it
    try {
      const app = Testing.app();
      const stack = newStack(app);
      addGke(stack, { nodeRoles: LEGACY_PAIR, stripServiceAgent: true });
      GkePreflight.of(app);
      app.synth();
      const errors = readManifest(app.outdir).stacks.gke.annotations.filter((a: any) => a.level === "@cdktf/error");
      expect(errors.map((a: any) => `${a.constructPath} ${a.message.split(" ")[0]}`).sort()).toEqual([
        "gke/cluster GKE001",
        "gke/pool GKE001",
        "gke/service_agents GKE002",
      ]);
      for (const a of errors) {
        expect(a.message).not.toContain("\n");
        expect(a.stacktrace).toBeUndefined();
      }
    } finally {
      if (previous === undefined) delete process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;
      else process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = previous;
    }
  });

  it("unknown findings: warn by default, pass (info) or fail when asked, with the CLI's names; the old names still work", () => {
    const build = (unknown?: "pass" | "warn" | "fail" | "ignore" | "error") => {
      const stack = newStack();
      addGke(stack, { apis: false }); // existing project: APIs may be enabled outside Terraform
      GkePreflight.of(stack, unknown ? { unknown } : {});
      return stack;
    };
    const warned = build();
    Testing.fullSynth(warned);
    expect(annotations(warned, "warn").filter((a) => a.includes("GKE003 cannot be decided"))).toHaveLength(2);

    for (const name of ["pass", "ignore"] as const) {
      const passed = build(name);
      Testing.fullSynth(passed);
      expect(annotations(passed, "warn")).toEqual([]);
      expect(annotations(passed, "info").filter((a) => a.includes("GKE003 cannot be decided"))).toHaveLength(2);
    }

    for (const name of ["fail", "error"] as const) {
      expect(synthError(build(name))).toMatch(/^\[gke\/cluster\] GKE003 cannot be decided before apply: Nothing in this input enables container\.googleapis\.com/m);
    }
  });

  it("a failing warning (GKE004) is annotated as a warning and lets synth pass, as the CLI exits 0; failOn decides as --fail-on", () => {
    const build = (options: ConstructorParameters<typeof GkePreflight>[0] = {}) => {
      const stack = newStack();
      const { cluster, pool } = addGke(stack);
      // nodes run as the Compute Engine default service account
      cluster.addOverride("node_config.service_account", "default");
      pool.addOverride("node_config.service_account", "default");
      const preflight = GkePreflight.of(stack, options);
      return { stack, preflight };
    };
    const { stack, preflight } = build();
    Testing.fullSynth(stack);
    expect(annotations(stack, "error")).toEqual([]);
    expect(annotations(stack, "warn").filter((a) => /^\[gke\/(cluster|pool)\] GKE004 /.test(a))).toHaveLength(2);
    expect(preflight.policy).toEqual({ failOn: "error", unknown: "warn" });
    expect(preflight.lastResults.get("gke")!.gate).toBe("pass");

    const strict = build({ failOn: "warning" });
    expect(synthError(strict.stack)).toMatch(/^\[gke\/pool\] GKE004 Nodes of google_container_node_pool\.pool/m);
    expect(strict.preflight.lastResults.get("gke")!.gate).toBe("fail");

    // report-only: even a failing error is a warning
    const reportOnly = newStack();
    addGke(reportOnly, { nodeRoles: LEGACY_PAIR });
    GkePreflight.of(reportOnly, { failOn: "never" });
    Testing.fullSynth(reportOnly);
    expect(annotations(reportOnly, "error")).toEqual([]);
    expect(annotations(reportOnly, "warn").filter((a) => /GKE001 /.test(a))).toHaveLength(2);
  });

  it("GKE011 through the aspect: node scopes without a storage scope are a WARN by default, an ERROR with failOn warning", () => {
    const build = (scopes: string[], failOn?: "warning") => {
      const stack = newStack();
      const { sa, pool } = addGke(stack);
      new ArtifactRegistryRepository(stack, "images", { project: "p1", location: "europe-west1", repositoryId: "images", format: "DOCKER" });
      new ProjectIamMember(stack, "nodes_reader", { project: "p1", role: "roles/artifactregistry.reader", member: `serviceAccount:${sa.email}` });
      pool.addOverride("node_config.oauth_scopes", scopes);
      GkePreflight.of(stack, failOn ? { failOn } : {});
      return stack;
    };
    const byDefault = build(["https://www.googleapis.com/auth/logging.write"]);
    Testing.fullSynth(byDefault);
    expect(annotations(byDefault, "warn").filter((a) => /^\[gke\/pool\] GKE011 .*neither cloud-platform nor a devstorage scope/.test(a))).toHaveLength(1);
    expect(synthError(build(["logging-write"], "warning"))).toMatch(/^\[gke\/pool\] GKE011 /m);
    const ok = build(["storage-ro"], "warning");
    Testing.fullSynth(ok);
    expect(annotations(ok, "warn").concat(annotations(ok, "error")).filter((a) => a.includes("GKE011"))).toEqual([]);
  });

  it("a folder grant the stack does not link to its project: GKE001 is a WARN (unknown), not an ERROR", () => {
    const stack = newStack();
    const { sa } = addGke(stack, { nodeRoles: [] });
    new FolderIamMember(stack, "nodes_on_folder", { folder: "folders/78", role: MIN_ROLE, member: `serviceAccount:${sa.email}` });
    GkePreflight.of(stack);
    Testing.fullSynth(stack);
    expect(annotations(stack, "error").filter((a) => a.includes("GKE001"))).toEqual([]);
    expect(annotations(stack, "warn").filter((a) => /GKE001 cannot be decided before apply: .*google_folder_iam_member\.nodes_on_folder grants/.test(a)).length).toBeGreaterThan(0);
  });

  it("has no option that quietly checks less than asked", () => {
    expect(() => new GkePreflight({ unknown: "off" as any })).toThrow(/unknown must be "pass", "warn" or "fail", got "off"/);
    expect(() => new GkePreflight({ unknown: "toString" as any })).toThrow(/unknown must be/);
    expect(() => new GkePreflight({ failOn: "fatal" as any })).toThrow(/failOn must be "error", "warning" or "never", got "fatal"/);
    expect(() => new GkePreflight({ rules: [] })).toThrow(/at least one rule/);
    expect(() => new GkePreflight({ rules: ["GKE001", "GKE42"] })).toThrow(/unknown rule "GKE42"/);
    const stack = newStack();
    addGke(stack, { nodeRoles: LEGACY_PAIR, stripServiceAgent: true });
    GkePreflight.of(stack, { rules: ["container-service-agent"] });
    const message = synthError(stack);
    expect(message).toMatch(/^\[gke\/service_agents\] GKE002/m);
    expect(message).not.toMatch(/GKE001/);
  });

  it("skipRules leaves rules out by id or slug, as the CLI's --skip-rules", () => {
    expect(() => new GkePreflight({ skipRules: ["GKE42"] })).toThrow(/unknown rule "GKE42" in skipRules/);
    expect(() => new GkePreflight({ skipRules: [] })).toThrow(/skipRules must name at least one rule/);
    const stack = newStack();
    addGke(stack, { nodeRoles: LEGACY_PAIR, stripServiceAgent: true });
    const all = GkePreflight.check(stack).map((f) => f.ruleId);
    expect(all).toEqual(expect.arrayContaining(["GKE001", "GKE002"]));
    const skipped = GkePreflight.check(stack, { skipRules: ["node-sa-permissions", "GKE009"] }).map((f) => f.ruleId);
    expect(skipped).toContain("GKE002");
    expect(skipped).not.toContain("GKE001");
    expect(skipped).not.toContain("GKE009");
    expect(new Set(GkePreflight.check(stack, { rules: ["GKE001", "GKE002"], skipRules: ["GKE001"] }).map((f) => f.ruleId))).toEqual(new Set(["GKE002"]));
  });

  it("checks the configuration after addOverride escape hatches", () => {
    // typed config says the good account, the override swaps in one without any grant
    const bad = newStack();
    const { pool } = addGke(bad);
    new ServiceAccount(bad, "other_sa", { project: "p1", accountId: "other" });
    pool.addOverride("node_config.service_account", "${google_service_account.other_sa.email}");
    GkePreflight.of(bad);
    expect(synthError(bad)).toMatch(/^\[gke\/pool\] GKE001 .*other@p1\.iam\.gserviceaccount\.com.* used by google_container_node_pool\.pool/im);

    // and the reverse: an override that repairs a bad typed config passes
    const repaired = newStack();
    const fixture = addGke(repaired, { nodeRoles: LEGACY_PAIR });
    fixture.grants[0].addOverride("role", MIN_ROLE);
    GkePreflight.of(repaired);
    Testing.fullSynth(repaired);
    expect(annotations(repaired, "error")).toEqual([]);
  });

  it("checks the configuration after other aspects, whichever order they were added in", () => {
    /** A team aspect that moves every node pool to another account, which has no grant. */
    class MovePoolsAspect implements IAspect {
      visit(node: IConstruct) {
        if (node instanceof ContainerNodePool) node.addOverride("node_config.service_account", "${google_service_account.other_sa.email}");
      }
    }
    for (const order of ["preflight-first", "preflight-last"]) {
      const stack = newStack();
      addGke(stack);
      new ServiceAccount(stack, "other_sa", { project: "p1", accountId: "other" });
      if (order === "preflight-first") Aspects.of(stack).add(new GkePreflight());
      Aspects.of(stack).add(new MovePoolsAspect());
      if (order === "preflight-last") Aspects.of(stack).add(new GkePreflight());
      expect(synthError(stack)).toMatch(/^\[gke\/pool\] GKE001 /m);
    }
  });

  it("cannot be switched off by skipValidation", () => {
    const app = new App({ outdir: Testing.app().outdir, skipValidation: true });
    const stack = newStack(app);
    addGke(stack, { nodeRoles: LEGACY_PAIR });
    GkePreflight.of(app);
    expect(() => app.synth()).toThrow(/\[gke\/pool\] GKE001/);
  });

  it("GkePreflight.check gives the findings for Testing.synth users", () => {
    const stack = newStack();
    addGke(stack, { nodeRoles: LEGACY_PAIR });
    Testing.synth(stack); // runs aspects only: no annotations are checked here
    const findings = GkePreflight.check(stack);
    expect(findings.filter((f) => f.status === "fail").map((f) => `${f.constructPath} ${f.ruleId}`)).toEqual([
      "gke/cluster GKE001",
      "gke/pool GKE001",
    ]);
    expect(() => GkePreflight.check(Testing.app())).toThrow(/not in a TerraformStack/);
  });
});

describe("attaching to the App", () => {
  it("GkePreflight.of(app) attaches to stacks that exist already and to those created later", () => {
    const app = Testing.app();
    const early = new TerraformStack(app, "early");
    addGke(early, { nodeRoles: LEGACY_PAIR });
    GkePreflight.of(app);
    const late = new TerraformStack(app, "late");
    addGke(late, { stripServiceAgent: true });
    let message = "";
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^\[early\/pool\] GKE001/m);
    // app.synth() stops at the first failing stack; check the late one on its own
    expect(GkePreflight.check(late).some((f) => f.status === "fail" && f.constructPath === "late/service_agents")).toBe(true);
    const lateOnly = Testing.app();
    GkePreflight.of(lateOnly);
    addGke(new TerraformStack(lateOnly, "late"), { stripServiceAgent: true });
    expect(() => lateOnly.synth()).toThrow(/\[late\/service_agents\] GKE002/);
  });

  it("one preflight attached twice to a stack reports each finding once", () => {
    const app = Testing.app();
    const stack = newStack(app);
    addGke(stack, { nodeRoles: LEGACY_PAIR });
    const p = GkePreflight.of(app);
    Aspects.of(stack).add(p);
    expect(synthError(stack).match(/\[gke\/pool\] GKE001/g)).toHaveLength(1);
  });

  it("keeps the last results per stack for programmatic use", () => {
    const app = Testing.app();
    addGke(newStack(app));
    const p = GkePreflight.of(app);
    app.synth();
    const result = p.lastResults.get("gke")!;
    expect(result.findings.every((f) => f.status !== "fail")).toBe(true);
    expect(result.fixes.additions).toEqual([]);
  });
});
