// A user's CDKTF app in plain JavaScript, run with node as `cdktf synth` runs its app entry.
// `node app.js cdktf|cdktn good|bad`: the framework it imports, and whether the node service
// account gets its role. It imports the aspect from the installed package, as a user would.
"use strict";
const [framework, variant] = process.argv.slice(2);
const { App, TerraformProvider, TerraformResource, TerraformStack } = require(framework);
const { GkePreflight } = require("cdktf-gke-preflight");

class Google extends TerraformProvider {
  constructor(scope) {
    super(scope, "google", { terraformResourceType: "google", terraformGeneratorMetadata: { providerName: "google" } });
  }
  synthesizeAttributes() {
    return { project: "acme-prod", region: "europe-west1" };
  }
}

function resource(stack, type, id, values) {
  const r = new TerraformResource(stack, id, { terraformResourceType: type });
  for (const [key, value] of Object.entries(values)) r.addOverride(key, value);
  return r;
}

const app = new App();
GkePreflight.of(app);
const stack = new TerraformStack(app, "gke");
new Google(stack);
const email = "${google_service_account.nodes.email}";
resource(stack, "google_service_account", "nodes", { project: "acme-prod", account_id: "gke-nodes" });
const grants = [];
if (variant === "good") {
  resource(stack, "google_project_iam_member", "nodes_role", { project: "acme-prod", role: "roles/container.defaultNodeServiceAccount", member: `serviceAccount:${email}` });
  grants.push("google_project_iam_member.nodes_role");
}
for (const api of ["container", "compute"]) {
  resource(stack, "google_project_service", `${api}_api`, { project: "acme-prod", service: `${api}.googleapis.com`, disable_on_destroy: false });
}
resource(stack, "google_container_cluster", "primary", {
  project: "acme-prod",
  name: "primary",
  location: "europe-west1",
  remove_default_node_pool: true,
  initial_node_count: 1,
  node_config: { service_account: email },
  deletion_protection: false,
  depends_on: [...grants, "google_project_service.container_api", "google_project_service.compute_api"],
});
resource(stack, "google_container_node_pool", "pool", {
  project: "acme-prod",
  name: "pool",
  cluster: "${google_container_cluster.primary.name}",
  location: "europe-west1",
  node_config: { service_account: email },
});
app.synth();
const loaded = Object.keys(require.cache);
// Which framework ran: a cdktn app must not load cdktf.
process.stdout.write(`loaded cdktf=${loaded.some((f) => /node_modules[\\/]cdktf[\\/]/.test(f))} cdktn=${loaded.some((f) => /node_modules[\\/]cdktn[\\/]/.test(f))}\n`);
