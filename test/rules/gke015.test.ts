import { computed, ref, type ResourceSpec } from "../support/plan-builder";
import { projectData, cluster, nodePool } from "../support/scenarios";
import { planFindings, tfFindings, stack, tf, verdicts } from "./helpers";
import { comparePatch, parseGkeVersion } from "../../src/facts/versions";

const RULE = "GKE015";
const withMaster = (min: unknown, master: unknown = computed, actions = ["create"]) => ({ ...cluster(undefined, { min_master_version: min as never, master_version: master as never }), actions });
const pool = (version: unknown): ResourceSpec => ({ ...nodePool(), values: { ...nodePool().values, version: version as never } });

describe("GKE015 node-version-skew: versions as GKE writes them", () => {
  test("parses every form GKE accepts, and nothing else", () => {
    expect(parseGkeVersion("1.30")).toEqual({ kind: "exact", text: "1.30", minor: 30 });
    expect(parseGkeVersion("1.30.5-gke.1014001")).toEqual({ kind: "exact", text: "1.30.5-gke.1014001", minor: 30, patch: 5, gke: 1014001 });
    expect(parseGkeVersion("latest")?.kind).toBe("alias");
    expect(parseGkeVersion("-")?.kind).toBe("alias");
    for (const bad of ["", "2.1", "1.x", "v1.30", "1.30.5-gke", "1.30-gke.1"]) expect(parseGkeVersion(bad)).toBeUndefined();
  });

  test("a partial version may be newer than a patch of the same minor", () => {
    const v = (t: string) => parseGkeVersion(t) as Extract<ReturnType<typeof parseGkeVersion>, { kind: "exact" }>;
    expect(comparePatch(v("1.30"), v("1.30.5-gke.1"))).toBe("maybe-newer");
    expect(comparePatch(v("1.30.4"), v("1.30.5-gke.1"))).toBe("older");
    expect(comparePatch(v("1.30.5-gke.2"), v("1.30.5-gke.1"))).toBe("newer");
    expect(comparePatch(v("1.30.5"), v("1.30.5"))).toBe("same");
  });
});

describe("GKE015 node-version-skew on plan JSON", () => {
  test("fail: three minor versions older than the control plane", () => {
    const findings = planFindings(RULE, [projectData, withMaster("1.31.2-gke.100"), pool("1.28.9-gke.200")]);
    expect(verdicts(findings)).toEqual(["fail google_container_node_pool.primary_nodes"]);
    expect(findings[0].message).toContain("3 minor versions older");
    expect(findings[0].remediation.summary).toContain("1.29 or newer");
  });

  test("fail: newer than the control plane (the plan shows master_version of an existing cluster)", () => {
    const findings = planFindings(RULE, [projectData, withMaster("1.29", "1.30.5-gke.100", ["no-op"]), pool("1.31.1-gke.1")]);
    expect(verdicts(findings)).toEqual(["fail google_container_node_pool.primary_nodes"]);
    expect(findings[0].message).toContain("newer than google_container_cluster.primary's control plane at 1.30.5-gke.100 (master_version)");
  });

  test("pass: two minor versions older, and the same minor", () => {
    expect(verdicts(planFindings(RULE, [projectData, withMaster("1.31.2-gke.100"), pool("1.29.9-gke.200")]))).toEqual(["pass google_container_node_pool.primary_nodes"]);
    expect(verdicts(planFindings(RULE, [projectData, withMaster("1.31.2-gke.100"), pool("1.31.2-gke.100")]))).toEqual(["pass google_container_node_pool.primary_nodes"]);
  });

  test("unknown: latest, no min_master_version, a computed version, a partial version of the same minor", () => {
    expect(verdicts(planFindings(RULE, [projectData, withMaster("latest"), pool("1.30")]))).toEqual(["unknown google_container_node_pool.primary_nodes"]);
    expect(verdicts(planFindings(RULE, [projectData, withMaster(computed), pool("1.30")]))).toEqual(["unknown google_container_node_pool.primary_nodes"]);
    expect(verdicts(planFindings(RULE, [projectData, withMaster("1.30.5-gke.1"), pool(ref("var.version"))]))).toEqual(["unknown google_container_node_pool.primary_nodes"]);
    expect(verdicts(planFindings(RULE, [projectData, withMaster("1.30.5-gke.1"), pool("1.30")]))).toEqual(["unknown google_container_node_pool.primary_nodes"]);
  });

  test("no verdict for a pool that follows the control plane (no version)", () => {
    expect(verdicts(planFindings(RULE, [projectData, withMaster("1.31"), nodePool()]))).toEqual([]);
  });
});

describe("GKE015 node-version-skew on cdk.tf.json", () => {
  test("inline node pools and separate pools", () => {
    const json = stack({
      google_container_cluster: { cluster: tf.cluster({ min_master_version: "1.32.1-gke.1", node_pool: [{ name: "old", version: "1.29.1-gke.1" }] }) },
      google_container_node_pool: { pool: tf.pool({ version: "1.32.1-gke.1" }) },
    });
    expect(verdicts(tfFindings(RULE, json))).toEqual(["fail google_container_cluster.cluster", "pass google_container_node_pool.pool"]);
    expect(tfFindings(RULE, json)[0].message).toContain("node_pool[0].version");
  });

  test("fail: a version GKE does not accept", () => {
    const json = stack({ google_container_cluster: { cluster: tf.cluster({ min_master_version: "1.32" }) }, google_container_node_pool: { pool: tf.pool({ version: "v1.32" }) } });
    expect(verdicts(tfFindings(RULE, json))).toEqual(["fail google_container_node_pool.pool"]);
  });
});
