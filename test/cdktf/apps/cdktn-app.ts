/**
 * A cdktn app with a failing stack, run as its own process: proves the library works on cdktn
 * without loading cdktf (or the Google provider bindings) at all.
 */
import { App, TerraformProvider, TerraformResource, TerraformStack } from "cdktn";
import type { Construct } from "constructs";
import { GkePreflight } from "../../../src/cdktf";

class Google extends TerraformProvider {
  constructor(scope: Construct) {
    super(scope, "google", { terraformResourceType: "google", terraformGeneratorMetadata: { providerName: "google" } });
  }
  protected override synthesizeAttributes(): Record<string, unknown> {
    return { project: "p1" };
  }
}

const app = new App();
GkePreflight.of(app);
const stack = new TerraformStack(app, "gke");
new Google(stack);
const sa = new TerraformResource(stack, "nodes_sa", { terraformResourceType: "google_service_account" });
sa.addOverride("account_id", "gke-nodes");
const pool = new TerraformResource(stack, "pool", { terraformResourceType: "google_container_node_pool" });
pool.addOverride("cluster", "c1");
pool.addOverride("location", "europe-west1");
pool.addOverride("node_config", { service_account: "${google_service_account.nodes_sa.email}" });
let failure = "";
try {
  app.synth();
} catch (e) {
  failure = (e as Error).message;
}
const loaded = Object.keys(require.cache);
process.stdout.write(
  JSON.stringify({
    failure,
    cdktfLoaded: loaded.some((f) => /node_modules[\\/]cdktf[\\/]/.test(f)),
    providerLoaded: loaded.some((f) => /node_modules[\\/]@cdktf[\\/]provider-google[\\/]/.test(f)),
    cdktnLoaded: loaded.some((f) => /node_modules[\\/]cdktn[\\/]/.test(f)),
  }),
);
