import { computed, ref, type ResourceSpec } from "../support/plan-builder";
import { projectData, cluster, nodePool } from "../support/scenarios";
import { sharedVpcPlatform } from "../support/platforms";
import { planFindings, tfFindings, stack, tf, verdicts } from "./helpers";

const RULE = "GKE016";
const subnet = (ranges: unknown = [{ range_name: "pods", ip_cidr_range: "10.4.0.0/14" }, { range_name: "services", ip_cidr_range: "10.8.0.0/20" }]): ResourceSpec => ({
  type: "google_compute_subnetwork", name: "gke", values: { project: "acme-prod", region: "europe-west1", name: "gke", network: "vpc", ip_cidr_range: "10.0.0.0/20", secondary_ip_range: ranges as never, id: computed, self_link: computed },
});
const vpcNative = (pods: string, services: string) => cluster(undefined, { subnetwork: ref("google_compute_subnetwork.gke.id"), ip_allocation_policy: [{ cluster_secondary_range_name: pods, services_secondary_range_name: services }] });

describe("GKE016 secondary-ranges on plan JSON", () => {
  test("fail: a range name the subnetwork does not have", () => {
    const findings = planFindings(RULE, [projectData, subnet(), vpcNative("pod-range", "services")]);
    // The Services range passes, but the cluster is reported by its worst status only.
    expect(verdicts(findings)).toEqual(["fail google_container_cluster.primary"]);
    expect(findings[0].message).toContain("has only pods, services");
    expect(findings[0].remediation.gcloud[0]).toContain("--add-secondary-ranges=pod-range=CIDR");
    expect(findings[0].remediation.hcl).toContain('range_name    = "pod-range"');
  });

  test("pass: both ranges exist; a node pool's pod_range too", () => {
    const pool: ResourceSpec = { ...nodePool(), values: { ...nodePool().values, network_config: [{ pod_range: "pods" }] } };
    expect(verdicts(planFindings(RULE, [projectData, subnet(), vpcNative("pods", "services"), pool]))).toEqual(["pass google_container_cluster.primary", "pass google_container_cluster.primary", "pass google_container_node_pool.primary_nodes"]);
  });

  test("a pod range GKE creates (create_pod_range) is not checked; CIDR blocks are not names", () => {
    const pool: ResourceSpec = { ...nodePool(), values: { ...nodePool().values, network_config: [{ pod_range: "new-pods", create_pod_range: true, pod_ipv4_cidr_block: "10.12.0.0/16" }] } };
    const cidr = cluster(undefined, { ip_allocation_policy: [{ cluster_ipv4_cidr_block: "/14", services_ipv4_cidr_block: "/20" }] });
    expect(verdicts(planFindings(RULE, [projectData, cidr, pool]))).toEqual([]);
  });

  test("unknown: a subnetwork outside the input, or secondary ranges only known after apply", () => {
    const outside = cluster(undefined, { subnetwork: "projects/acme-prod/regions/europe-west1/subnetworks/existing", ip_allocation_policy: [{ cluster_secondary_range_name: "pods" }] });
    const findings = planFindings(RULE, [projectData, outside]);
    expect(verdicts(findings)).toEqual(["unknown google_container_cluster.primary"]);
    expect(findings[0].decideWith).toContain("gcloud compute networks subnets describe projects/acme-prod/regions/europe-west1/subnetworks/existing");
    expect(verdicts(planFindings(RULE, [projectData, subnet(computed), vpcNative("pods", "services")]))).toEqual(["unknown google_container_cluster.primary", "unknown google_container_cluster.primary"]);
  });
});

describe("GKE016 secondary-ranges on cdk.tf.json", () => {
  test("the bad Shared VPC example's new subnetwork has both ranges the cluster names", () => {
    expect(verdicts(tfFindings(RULE, sharedVpcPlatform("bad")))).toEqual(["pass google_container_cluster.cluster", "pass google_container_cluster.cluster"]);
  });

  test("fail: an inline node pool names a range the subnetwork lacks", () => {
    const json = stack({
      google_compute_subnetwork: { gke: { name: "gke", region: "europe-west1", network: "vpc", ip_cidr_range: "10.0.0.0/20", secondary_ip_range: [{ range_name: "pods", ip_cidr_range: "10.4.0.0/14" }] } },
      google_container_cluster: { cluster: tf.cluster({ subnetwork: "${google_compute_subnetwork.gke.id}", node_pool: [{ name: "extra", network_config: { pod_range: "pods-2" } }] }) },
    });
    expect(verdicts(tfFindings(RULE, json))).toEqual(["fail google_container_cluster.cluster"]);
  });
});
