import { TerraformProvider, TerraformStack, Testing } from "cdktf";
import type { Construct } from "constructs";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { ContainerCluster } from "@cdktf/provider-google/lib/container-cluster";
import { ContainerNodePool } from "@cdktf/provider-google/lib/container-node-pool";
import { ProjectService } from "@cdktf/provider-google/lib/project-service";
import { DataGoogleClientConfig } from "@cdktf/provider-google/lib/data-google-client-config";
import { checkTerraformJson } from "../../src/library";

/**
 * A kubernetes provider block as CDKTF writes it. The prebuilt @cdktf/provider-kubernetes is
 * not a dependency; a TerraformProvider subclass synthesizes the same `provider.kubernetes` JSON.
 */
class KubernetesProvider extends TerraformProvider {
  constructor(scope: Construct, id: string, private readonly settings: { host: string; token?: string; clusterCaCertificate?: string }) {
    super(scope, id, { terraformResourceType: "kubernetes", terraformGeneratorMetadata: { providerName: "kubernetes" }, terraformProviderSource: "hashicorp/kubernetes" });
  }
  protected override synthesizeAttributes(): Record<string, unknown> {
    return { host: this.settings.host, token: this.settings.token, cluster_ca_certificate: this.settings.clusterCaCertificate };
  }
}

/** The traps a quick CDKTF GKE stack falls into, synthesized for real. */
function trapStack(withToken: boolean) {
  const stack = new TerraformStack(Testing.app(), "gke");
  new GoogleProvider(stack, "google", { project: "acme-prod", region: "europe-west1" });
  new ProjectService(stack, "container_api", { service: "container.googleapis.com" });
  const cluster = new ContainerCluster(stack, "cluster", { name: "demo", location: "europe-west1", initialNodeCount: 1, removeDefaultNodePool: true });
  new ContainerNodePool(stack, "pool", { name: "pool", cluster: "demo", location: "europe-west1", nodeCount: 1 });
  const client = new DataGoogleClientConfig(stack, "client");
  new KubernetesProvider(stack, "kubernetes", { host: `https://${cluster.endpoint}`, ...(withToken ? { token: client.accessToken } : {}), clusterCaCertificate: cluster.masterAuth.clusterCaCertificate });
  return JSON.parse(Testing.synth(stack)) as Record<string, unknown>;
}

describe("rules on a real cdktf synth of @cdktf/provider-google resources", () => {
  const findings = checkTerraformJson(trapStack(false), { file: "cdk.tf.json", stack: "gke" }, { includePass: true });
  const of = (rule: string) => findings.filter((f) => f.ruleId === rule).map((f) => `${f.status} ${f.address}`);

  test("the synthesized stack pins the 6.x provider the prebuilt bindings are generated for", () => {
    const json = trapStack(false) as { terraform: { required_providers: { google: { version: string } } } };
    expect(json.terraform.required_providers.google.version).toMatch(/^6\./);
  });

  test("GKE004: the temporary default pool and the pool run as the default account", () => {
    expect(of("GKE004")).toEqual(["fail google_container_cluster.cluster", "fail google_container_node_pool.pool"]);
  });

  test("GKE007: no depends_on on the API, and the pool names the cluster by a literal", () => {
    expect(of("GKE007")).toEqual(["fail google_container_cluster.cluster", "fail google_container_node_pool.pool"]);
    expect(findings.find((f) => f.ruleId === "GKE007" && f.address.includes("pool"))?.message).toContain('literal "demo"');
  });

  test("GKE008: disableOnDestroy left unset under provider 6.x", () => {
    expect(of("GKE008")).toEqual(["fail google_project_service.container_api"]);
  });

  test("GKE010: the kubernetes provider from the cluster endpoint without a token fails; with google_client_config it is unknown until --live", () => {
    expect(findings.filter((f) => f.ruleId === "GKE010" && f.details?.provider).map((f) => f.status)).toEqual(["fail"]);
    const withToken = checkTerraformJson(trapStack(true), { file: "cdk.tf.json", stack: "gke" }, { includePass: true });
    expect(withToken.filter((f) => f.ruleId === "GKE010" && f.details?.provider).map((f) => f.status)).toEqual(["unknown"]);
  });
});
