import { App, TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { ContainerCluster } from "@cdktf/provider-google/lib/container-cluster";
import { ContainerNodePool } from "@cdktf/provider-google/lib/container-node-pool";
import {
  effectiveSuppressions,
  suppress,
  writeSuppressionsUnder,
  SUPPRESSION_METADATA_TYPE,
  validateSuppression,
} from "../../src/cdktf/suppress";
import { readStackJson } from "./helpers";

const REASON = "Logging is exported by a sidecar agent on these nodes, approved in RFC-42.";

function stackWithCluster() {
  const app = Testing.app();
  const stack = new TerraformStack(app, "gke");
  new GoogleProvider(stack, "google", { project: "p1" });
  const sa = new ServiceAccount(stack, "nodes_sa", { accountId: "nodes" });
  const cluster = new ContainerCluster(stack, "cluster", {
    name: "c",
    location: "europe-west1",
    nodeConfig: { serviceAccount: sa.email },
  });
  return { app, stack, sa, cluster };
}

describe("suppression input", () => {
  it("requires a known rule, by id or slug, and stores its id", () => {
    expect(() => validateSuppression("gke1", REASON)).toThrow(/unknown rule "gke1"/);
    expect(() => validateSuppression("GKE999", REASON)).toThrow(/unknown rule "GKE999"/);
    expect(validateSuppression("gke001", REASON).ruleId).toBe("GKE001");
    expect(validateSuppression("node-sa-permissions", REASON).ruleId).toBe("GKE001");
  });
  it("requires a reason of at least a sentence", () => {
    expect(() => validateSuppression("GKE001", "")).toThrow(/a reason is required/);
    expect(() => validateSuppression("GKE001", "ok")).toThrow(/a reason is required/);
    expect(() => validateSuppression("GKE001", "temporarily accepted risk")).toThrow(/a reason is required/);
    expect(() => (validateSuppression as any)("GKE001")).toThrow(/a reason is required/);
  });
  it("accepts a real calendar date as expiry and rejects others", () => {
    expect(validateSuppression("GKE001", REASON, { expires: "2027-01-31" })).toEqual({
      ruleId: "GKE001",
      reason: REASON,
      expires: "2027-01-31",
    });
    expect(() => validateSuppression("GKE001", REASON, { expires: "2027-02-30" })).toThrow(/YYYY-MM-DD/);
    expect(() => validateSuppression("GKE001", REASON, { expires: "31.01.2027" })).toThrow(/YYYY-MM-DD/);
  });
  it("normalises whitespace in the reason", () => {
    expect(validateSuppression("GKE003", `  ${REASON.replace(/ /g, "\n  ")} `).reason).toBe(REASON);
  });
});

describe("suppression storage", () => {
  it("records construct metadata and writes the resource's '//' block in cdk.tf.json", () => {
    const { stack, cluster } = stackWithCluster();
    suppress(cluster, "GKE001", REASON, { expires: "2027-01-31" });
    expect(cluster.node.metadata.filter((m) => m.type === SUPPRESSION_METADATA_TYPE).map((m) => m.data)).toEqual([
      { ruleId: "GKE001", reason: REASON, expires: "2027-01-31" },
    ]);
    const json = readStackJson(Testing.fullSynth(stack), "gke");
    const block = json.resource.google_container_cluster.cluster["//"];
    expect(block.preflight).toEqual({ suppressions: [{ ruleId: "GKE001", reason: REASON, expires: "2027-01-31" }] });
    // cdktf's own metadata stays intact beside it
    expect(block.metadata.path).toBe("gke/cluster");
  });

  it("keeps several rules on one resource", () => {
    const { stack, cluster } = stackWithCluster();
    suppress(cluster, "GKE003", REASON);
    suppress(cluster, "GKE001", REASON);
    const json = stack.toTerraform() as any;
    expect(json.resource.google_container_cluster.cluster["//"].preflight.suppressions.map((s: any) => s.ruleId)).toEqual([
      "GKE001",
      "GKE003",
    ]);
  });

  it("applies a suppression on a parent construct to the resources under it; the nearest one wins", () => {
    const app = new App({ outdir: Testing.app().outdir });
    const stack = new TerraformStack(app, "gke");
    const team = new Construct(stack, "team-a");
    const cluster = new ContainerCluster(team, "cluster", { name: "c", location: "europe-west1" });
    const pool = new ContainerNodePool(team, "pool", { name: "p", cluster: cluster.name, location: "europe-west1" });
    suppress(pool, "GKE001", "The pool is drained and deleted next sprint, ticket OPS-7.");
    suppress(team, "GKE001", REASON);
    expect(effectiveSuppressions(cluster).map((s) => s.reason)).toEqual([REASON]);
    expect(effectiveSuppressions(pool).map((s) => s.reason)).toEqual(["The pool is drained and deleted next sprint, ticket OPS-7."]);
    const json = stack.toTerraform() as any;
    const pools = Object.values(json.resource.google_container_node_pool) as any[];
    expect(pools[0]["//"].preflight.suppressions[0].reason).toMatch(/OPS-7/);
  });

  it("a stack-level suppression reaches every resource of the stack", () => {
    const { stack, sa, cluster } = stackWithCluster();
    suppress(stack, "GKE003", REASON);
    expect(effectiveSuppressions(cluster)).toHaveLength(1);
    expect(effectiveSuppressions(sa)).toHaveLength(1);
  });

  it("the one walk at synth writes, for every resource, exactly what its nearest suppressions say", () => {
    const app = new App({ outdir: Testing.app().outdir });
    const stack = new TerraformStack(app, "gke");
    const team = new Construct(stack, "team");
    const squad = new Construct(team, "squad");
    const OTHER = "The squad's clusters are checked by the platform team's own gate, ticket OPS-9.";
    suppress(app, "GKE002", REASON); // above the stack: reaches nothing in it
    suppress(stack, "GKE003", REASON);
    suppress(team, "GKE001", REASON);
    suppress(squad, "GKE001", OTHER); // nearer than the team's
    suppress(squad, "GKE001", REASON); // a second one on the same construct: the first stays
    // created after the suppressions, so only the walk at synth can cover them
    const resources: Array<ServiceAccount | ContainerCluster | ContainerNodePool> = [
      new ServiceAccount(stack, "top_sa", { accountId: "top" }),
      new ServiceAccount(team, "team_sa", { accountId: "team" }),
      new ContainerCluster(squad, "cluster", { name: "c", location: "europe-west1" }),
    ];
    const pool = new ContainerNodePool(squad, "pool", { name: "p", cluster: "c", location: "europe-west1" });
    suppress(pool, "GKE003", OTHER); // its own, over the stack's
    resources.push(pool);
    writeSuppressionsUnder(stack);
    const json = stack.toTerraform() as any;
    const written = (r: any) => json.resource[r.terraformResourceType][r.friendlyUniqueId]["//"].preflight?.suppressions ?? [];
    for (const r of resources) expect(written(r)).toEqual(effectiveSuppressions(r));
    expect(written(pool).map((s: any) => [s.ruleId, s.reason])).toEqual([
      ["GKE001", OTHER],
      ["GKE003", OTHER],
    ]);
    expect(written(resources[0]).map((s: any) => s.ruleId)).toEqual(["GKE003"]);
    // started below the stack, the walk still takes what the ancestors say
    const late = new ServiceAccount(squad, "late_sa", { accountId: "late" });
    writeSuppressionsUnder(squad);
    const again = stack.toTerraform() as any;
    expect(again.resource.google_service_account[late.friendlyUniqueId]["//"].preflight.suppressions).toEqual(effectiveSuppressions(late));
    expect(effectiveSuppressions(late).map((s) => s.ruleId)).toEqual(["GKE001", "GKE003"]);
    // started above the stack (a suppression on the App walks from there): the same result
    writeSuppressionsUnder(app);
    const fromApp = stack.toTerraform() as any;
    for (const r of [...resources, late]) {
      expect(fromApp.resource[r.terraformResourceType][r.friendlyUniqueId]["//"].preflight?.suppressions ?? []).toEqual(effectiveSuppressions(r));
    }
  });
});
