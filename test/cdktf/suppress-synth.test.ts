import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { TerraformStack, Testing } from "cdktf";
import { GkePreflight } from "../../src/cdktf";
import { loadInputs } from "../../src/inputs/load";
import { checkModel } from "../../src/engine/check";
import { addGke } from "./fixtures";
import { annotations, readStackJson, REPO } from "./helpers";

const LEGACY_PAIR = ["roles/logging.logWriter", "roles/monitoring.metricWriter"];
const REASON = "These nodes ship logs through a sidecar and need no metric permissions (RFC-42).";

function badStack() {
  const app = Testing.app();
  const stack = new TerraformStack(app, "gke");
  const fixture = addGke(stack, { nodeRoles: LEGACY_PAIR });
  return { app, stack, ...fixture };
}

describe("suppressions at synth", () => {
  it("a suppressed finding no longer fails synth and is reported as suppressed, with its reason", () => {
    const { stack, cluster, pool } = badStack();
    GkePreflight.suppress(cluster, "GKE001", REASON);
    GkePreflight.suppress(pool, "node-sa-permissions", REASON, { expires: "2999-12-31" });
    GkePreflight.of(stack);
    Testing.fullSynth(stack);
    expect(annotations(stack, "error")).toEqual([]);
    const info = annotations(stack, "info");
    expect(info).toContain(`[gke/cluster] GKE001 suppressed (reason: ${REASON.replace(/\.$/, "")}): ${info.find((a) => a.startsWith("[gke/cluster] GKE001"))!.split("): ")[1]}`);
    expect(info.some((a) => a.startsWith("[gke/pool] GKE001 suppressed until 2999-12-31 (reason: These nodes ship logs"))).toBe(true);
  });

  it("an expired suppression stops applying and says so", () => {
    const { stack, cluster, pool } = badStack();
    GkePreflight.suppress(cluster, "GKE001", REASON, { expires: "2026-01-31" });
    GkePreflight.suppress(pool, "GKE001", REASON, { expires: "2026-01-31" });
    GkePreflight.of(stack, { now: new Date("2026-02-01T00:00:00Z") });
    expect(() => Testing.fullSynth(stack)).toThrow(
      /\[gke\/pool\] GKE001 .*The suppression of GKE001 expired on 2026-01-31 and no longer applies \(reason was: These nodes ship logs/,
    );
    // the day itself still counts
    const sameDay = badStack();
    GkePreflight.suppress(sameDay.cluster, "GKE001", REASON, { expires: "2026-01-31" });
    GkePreflight.suppress(sameDay.pool, "GKE001", REASON, { expires: "2026-01-31" });
    GkePreflight.of(sameDay.stack, { now: new Date("2026-01-31T12:00:00Z") });
    expect(() => Testing.fullSynth(sameDay.stack)).not.toThrow();
  });

  it("a suppression on a parent scope covers resources created after it", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "gke");
    GkePreflight.of(app);
    GkePreflight.suppress(stack, "GKE001", REASON);
    addGke(stack, { nodeRoles: LEGACY_PAIR });
    const json = readStackJson(Testing.fullSynth(stack), "gke");
    expect(json.resource.google_container_node_pool.pool["//"].preflight.suppressions).toEqual([{ ruleId: "GKE001", reason: REASON }]);
  });

  it("is written into cdk.tf.json and honoured by the CLI's reader of cdktf.out/", () => {
    const { app, cluster, pool } = badStack();
    GkePreflight.suppress(cluster, "GKE001", REASON);
    GkePreflight.suppress(pool, "GKE001", REASON);
    GkePreflight.of(app);
    app.synth();
    const json = readStackJson(app.outdir, "gke");
    expect(json.resource.google_container_cluster.cluster["//"].preflight.suppressions).toEqual([{ ruleId: "GKE001", reason: REASON }]);

    const findings = loadInputs(app.outdir).flatMap((m) => checkModel(m));
    const gke001 = findings.filter((f) => f.ruleId === "GKE001");
    expect(gke001.map((f) => f.constructPath).sort()).toEqual(["gke/cluster", "gke/pool"]);
    for (const f of gke001) expect(f.suppressed).toEqual({ reason: REASON, source: "construct" });

    // and without the suppressions the same folder fails
    process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = "true";
    try {
      const again = badStack();
      GkePreflight.of(again.app);
      again.app.synth();
      const failing = loadInputs(again.app.outdir).flatMap((m) => checkModel(m)).filter((f) => f.status === "fail" && !f.suppressed);
      expect(failing.map((f) => f.constructPath).sort()).toEqual(["gke/cluster", "gke/pool"]);
    } finally {
      delete process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;
    }
  });

  const cli = path.join(REPO, "dist/cli/main.js");
  (fs.existsSync(cli) ? it : it.skip)("the built CLI passes the suppressed folder and fails the same one without them (run `npm run build` first)", () => {
    const folder = (suppressed: boolean) => {
      // read when the stack is constructed: set it first, as the cdktf CLI does
      process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = "true";
      try {
        const { app, cluster, pool } = badStack();
        if (suppressed) {
          GkePreflight.suppress(cluster, "GKE001", REASON);
          GkePreflight.suppress(pool, "GKE001", REASON);
        }
        GkePreflight.of(app);
        app.synth();
        return app.outdir;
      } finally {
        delete process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;
      }
    };
    const ok = spawnSync(process.execPath, [cli, folder(true)], { encoding: "utf8" });
    expect(ok.stdout).toMatch(/suppressed/i);
    expect(ok.status).toBe(0);
    const bad = spawnSync(process.execPath, [cli, folder(false)], { encoding: "utf8" });
    expect(bad.stdout).toMatch(/GKE001/);
    expect(bad.status).toBe(1);
  });
});
