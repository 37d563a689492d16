import { App, TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { ContainerCluster } from "@cdktf/provider-google/lib/container-cluster";
import { ContainerNodePool } from "@cdktf/provider-google/lib/container-node-pool";
import {
  effectiveSuppressions,
  suppress,
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
});
