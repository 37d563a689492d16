import { TerraformStack, Testing } from "cdktf";
import { GkePreflight } from "../../src/cdktf";
import { checkTerraformJson } from "../../src/library";
import { applyFixes } from "../../src/cdktf/fix";
import { addGke, MIN_ROLE } from "./fixtures";
import { annotations, readStackJson } from "./helpers";

const LEGACY_PAIR = ["roles/logging.logWriter", "roles/monitoring.metricWriter"];

describe("auto-fix (opt-in)", () => {
  it("adds the minimum grant and the APIs, makes the cluster depend on them, and the result passes", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "gke");
    addGke(stack, { nodeRoles: LEGACY_PAIR, apis: false, createProject: true });
    const preflight = GkePreflight.of(app, { fix: true });
    app.synth();

    const json = readStackJson(app.outdir, "gke");
    const members = Object.values(json.resource.google_project_iam_member) as any[];
    const added = members.filter((m) => m.role === MIN_ROLE);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ project: "p1", member: "serviceAccount:${google_service_account.nodes_sa.email}" });
    const services = Object.entries(json.resource.google_project_service) as [string, any][];
    expect(services.map(([, s]) => s.service).sort()).toEqual(["compute.googleapis.com", "container.googleapis.com"]);
    for (const [, s] of services) expect(s.disable_on_destroy).toBe(false);

    // the cluster waits for everything that was added; the pool for the grant it needs
    const addedAddresses = [
      ...Object.entries(json.resource.google_project_iam_member).filter(([, m]: any) => m.role === MIN_ROLE).map(([n]) => `google_project_iam_member.${n}`),
      ...services.map(([n]) => `google_project_service.${n}`),
    ];
    expect(json.resource.google_container_cluster.cluster.depends_on).toEqual(expect.arrayContaining(addedAddresses));
    expect(json.resource.google_container_node_pool.pool.depends_on).toEqual(expect.arrayContaining([addedAddresses[0]]));

    // nothing authoritative, nothing broader than the minimum role
    expect(json.resource.google_project_iam_binding).toBeUndefined();
    expect(json.resource.google_project_iam_policy).toBeUndefined();
    expect(members.map((m) => m.role).sort()).toEqual([...LEGACY_PAIR, MIN_ROLE].sort());

    // each addition is reported as info on the added resource
    const info = annotations(stack, "info").filter((a) => a.includes("auto-fix"));
    expect(info).toHaveLength(3);
    expect(info.some((a) => /GKE001 auto-fix for gke\/cluster: added google_project_iam_member\.\S+, granted roles\/container\.defaultNodeServiceAccount/.test(a))).toBe(true);

    // the written configuration passes the same engine on its own (as the CLI would check it)
    const again = checkTerraformJson(json, { file: "cdk.tf.json", stack: "gke" });
    expect(again.filter((f) => f.status === "fail")).toEqual([]);
    expect(preflight.lastResults.get("gke")!.fixes.additions).toHaveLength(3);
  });

  it("enables APIs on an existing project (unknown there) but never fixes an authoritative binding", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "gke");
    addGke(stack, { apis: false, stripServiceAgent: true });
    GkePreflight.of(app, { fix: true });
    let message = "";
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    // GKE002 (authoritative binding) is never auto-fixed: synth still fails on it
    expect(message).toMatch(/^\[gke\/service_agents\] GKE002/m);
    const added = stack.node.findAll().filter((c) => c.node.id.startsWith("preflight_fix_"));
    expect(added.map((c) => (c as any).terraformResourceType)).toEqual(["google_project_service", "google_project_service"]);
    expect(annotations(stack, "warn").filter((a) => a.includes("GKE003"))).toEqual([]);
  });

  it("does not grant to the Compute Engine default account: it says why instead", () => {
    // The engine reports the default account as undecidable today; the fix must refuse it even
    // if a failing verdict says it lacks the role, so drive applyFixes with such a finding.
    const app = Testing.app();
    const stack = new TerraformStack(app, "gke");
    const { pool } = addGke(stack);
    pool.addOverride("node_config.service_account", "default");
    const json = stack.toTerraform();
    const failing = {
      ...GkePreflight.check(stack).find((f) => f.ruleId === "GKE001" && f.constructPath === "gke/pool")!,
      status: "fail" as const,
    };
    const result = applyFixes(stack as any, json, [failing]);
    expect(result.additions).toEqual([]);
    expect(result.skipped.map((s) => `${s.construct.node.path} ${s.ruleId} ${s.why}`)).toEqual([
      "gke/pool GKE001 the node service account is the Compute Engine default one or not a known email; set a dedicated node service account",
    ]);
    expect(stack.node.findAll().filter((c) => c.node.id.startsWith("preflight_fix_"))).toEqual([]);
  });

  it("makes a cluster wait for the grant and APIs it does not wait for (GKE007), adding nothing else", () => {
    const unordered = () => {
      const app = Testing.app();
      const stack = new TerraformStack(app, "gke");
      addGke(stack, { ordered: false, createProject: true });
      return { app, stack };
    };
    const before = unordered();
    expect(GkePreflight.check(before.stack).filter((f) => f.status === "fail").map((f) => `${f.constructPath} ${f.ruleId}`)).toContain(
      "gke/cluster GKE007",
    );

    const { app, stack } = unordered();
    GkePreflight.of(app, { fix: true });
    app.synth();
    const json = readStackJson(app.outdir, "gke");
    expect(json.resource.google_container_cluster.cluster.depends_on).toEqual(
      expect.arrayContaining([
        "google_project_iam_member.nodes_container_defaultNodeServiceAccount",
        "google_project_service.container_api",
      ]),
    );
    expect(stack.node.findAll().filter((c) => c.node.id.startsWith("preflight_fix_"))).toEqual([]);
    expect(annotations(stack, "info").some((a) => a.startsWith("[gke/cluster] GKE007 auto-fix for gke/cluster: made it depend on "))).toBe(true);
    expect(checkTerraformJson(json, { file: "cdk.tf.json", stack: "gke" }).filter((f) => f.status === "fail")).toEqual([]);
  });

  it("does nothing to a stack that passes", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "gke");
    addGke(stack);
    GkePreflight.of(app, { fix: true });
    app.synth();
    expect(stack.node.findAll().filter((c) => c.node.id.startsWith("preflight_fix_"))).toEqual([]);
  });
});
