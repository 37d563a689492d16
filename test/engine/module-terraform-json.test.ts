/**
 * Modules and instances in Terraform JSON: `module` blocks whose source is a local folder of
 * `*.tf.json` files (test/fixtures/tf-modules, the same tree as test/support/module-plan.ts),
 * read as Terraform evaluates them, and for_each/count expanded when the collection is known.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App, TerraformHclModule, TerraformStack } from "cdktf";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { loadInputs } from "../../src/inputs/load";
import { checkModel } from "../../src/engine/check";
import { isUnknown } from "../../src/model/unknown";
import type { Model } from "../../src/model/types";
import type { Finding } from "../../src/rules/types";
import { statuses } from "../support/tf-json";

const MODULES = path.resolve(__dirname, "../fixtures/tf-modules");
const made: string[] = [];
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

interface RootOptions {
  gkeDependsOn?: string[];
  grantedPools?: string[];
  /** Where the gke module's source points (default: the copied Terraform JSON module). */
  gkeSource?: string;
}

/** A root main.tf.json beside a copy of the module folders, as `terraform init` would see them. */
function writeRoot(options: RootOptions = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "preflight-tfjson-"));
  made.push(dir);
  fs.cpSync(MODULES, path.join(dir, "modules"), { recursive: true });
  const root = {
    provider: { google: [{ project: "acme-gke", region: "europe-west1" }] },
    module: {
      project_services: { source: "./modules/project-services", project_id: "acme-gke", services: ["container.googleapis.com", "compute.googleapis.com"] },
      iam: { source: "./modules/node-iam", project_id: "acme-gke" },
      network: { source: "./modules/network", project_id: "acme-gke", depends_on: ["module.project_services"] },
      gke: {
        source: options.gkeSource ?? "./modules/gke",
        project_id: "acme-gke",
        network: "${module.network.name}",
        service_account: "${module.iam.email}",
        node_pools: { general: { machine_type: "e2-standard-4" }, batch: { machine_type: "e2-standard-8" } },
        granted_pools: options.grantedPools ?? ["general"],
        ...(options.gkeDependsOn?.length === 0 ? {} : { depends_on: options.gkeDependsOn ?? ["module.project_services", "module.iam"] }),
      },
    },
  };
  const file = path.join(dir, "main.tf.json");
  fs.writeFileSync(file, JSON.stringify(root, null, 2));
  return file;
}

const load = (file: string): Model => loadInputs(file)[0];
const check = (model: Model): Finding[] => checkModel(model, { includePass: true });

describe("module blocks read from local Terraform JSON sources", () => {
  test("resources of every module instance, at their Terraform addresses", () => {
    const model = load(writeRoot());
    expect(model.resources.map((r) => r.address).sort()).toEqual([
      "module.gke.data.google_client_config.default",
      'module.gke.google_container_node_pool.pools["batch"]',
      'module.gke.google_container_node_pool.pools["general"]',
      "module.gke.google_container_cluster.primary",
      'module.gke.google_project_iam_member.pool["general"]',
      'module.gke.google_service_account.pool["batch"]',
      'module.gke.google_service_account.pool["general"]',
      "module.gke.helm_release.ingress",
      "module.iam.google_project_iam_member.node[\"roles/container.defaultNodeServiceAccount\"]",
      "module.iam.module.account.google_service_account.this",
      "module.network.google_compute_network.vpc",
      'module.project_services.google_project_service.this["compute.googleapis.com"]',
      'module.project_services.google_project_service.this["container.googleapis.com"]',
    ].sort());
  });

  test("the node account's email resolves through output → caller expression → variable, two modules deep", () => {
    const model = load(writeRoot());
    const cluster = model.byAddress.get("module.gke.google_container_cluster.primary")!;
    expect((cluster.values.node_config as any).service_account).toBe("gke-nodes@acme-gke.iam.gserviceaccount.com");
    expect(model.byAddress.get('module.iam.google_project_iam_member.node["roles/container.defaultNodeServiceAccount"]')!.values.member).toBe("serviceAccount:gke-nodes@acme-gke.iam.gserviceaccount.com");
    expect(cluster.values.network).toBe("gke-vpc");
    expect(cluster.references).toEqual(expect.arrayContaining(["module.network.google_compute_network.vpc", "module.iam.module.account.google_service_account.this"]));
  });

  test("each.key and each.value per instance: each pool runs as its own account", () => {
    const model = load(writeRoot());
    const batch = model.byAddress.get('module.gke.google_container_node_pool.pools["batch"]')!;
    expect((batch.values.node_config as any).service_account).toBe("gke-batch@acme-gke.iam.gserviceaccount.com");
    expect((batch.values.node_config as any).machine_type).toBe("e2-standard-8");
    expect(batch.values.name).toBe("batch");
  });

  test("GKE001: a grant whose for_each skips a key grants nothing to that pool (fail), the granted one passes", () => {
    const findings = check(load(writeRoot()));
    expect(statuses(findings, "GKE001").filter((s) => s.includes("pools"))).toEqual([
      'fail module.gke.google_container_node_pool.pools["batch"]',
      'pass module.gke.google_container_node_pool.pools["general"]',
    ]);
    expect(statuses(check(load(writeRoot({ grantedPools: ["general", "batch"] }))), "GKE001").filter((s) => s.includes("pools"))).toEqual([
      'pass module.gke.google_container_node_pool.pools["batch"]',
      'pass module.gke.google_container_node_pool.pools["general"]',
    ]);
    expect(statuses(findings, "GKE001")).toContain("pass module.gke.google_container_cluster.primary");
  });

  test("GKE007: module depends_on orders the cluster after the APIs and the grant; without it, the grant is raced", () => {
    expect(statuses(check(load(writeRoot())), "GKE007")).toEqual([
      "pass module.gke.google_container_cluster.primary",
      'pass module.gke.google_container_node_pool.pools["batch"]',
      'pass module.gke.google_container_node_pool.pools["general"]',
    ]);
    const cluster = check(load(writeRoot({ gkeDependsOn: [] }))).find((f) => f.ruleId === "GKE007" && f.address === "module.gke.google_container_cluster.primary")!;
    expect(cluster.status).toBe("fail");
    expect(cluster.details?.missing).toEqual(['module.iam.google_project_iam_member.node["roles/container.defaultNodeServiceAccount"]']);
  });

  test("GKE010 sees the kubernetes and helm providers configured inside the gke module", () => {
    const providers = check(load(writeRoot())).filter((f) => f.ruleId === "GKE010" && f.details?.provider);
    expect(providers.map((f) => `${f.status} ${f.details!.provider}`)).toEqual(["unknown module.gke:helm", "unknown module.gke:kubernetes"]);
    expect(load(writeRoot()).byAddress.get("module.gke.helm_release.ingress")!.providerKey).toBe("module.gke:helm");
  });

  test("a module whose source is not read (registry, HCL, outside the folder) leaves its outputs unknown, with the reason", () => {
    const file = writeRoot({ gkeSource: "terraform-google-modules/kubernetes-engine/google" });
    expect(load(file).resources.some((r) => r.address.startsWith("module.gke."))).toBe(false);
    const dir = path.dirname(file);
    fs.writeFileSync(path.join(dir, "modules", "hcl.tf"), 'output "email" { value = "x" }\n');
    const root = JSON.parse(fs.readFileSync(file, "utf8"));
    root.module.iam.source = "./modules";
    root.resource = { google_project_iam_member: { extra: { project: "acme-gke", role: "roles/viewer", member: "serviceAccount:${module.iam.email}" } } };
    fs.writeFileSync(file, JSON.stringify(root));
    const member = load(file).byAddress.get("google_project_iam_member.extra")!.values.member;
    expect(isUnknown(member) && member.reason).toContain("written in HCL (.tf), which preflight does not read");
    root.module.iam.source = "../../";
    fs.writeFileSync(file, JSON.stringify(root));
    const outside = load(file).byAddress.get("google_project_iam_member.extra")!.values.member;
    expect(isUnknown(outside) && outside.reason).toContain("outside the input's folder");
  });

  test("a module source folder reached through a symbolic link out of the input's folder is not read", () => {
    const file = writeRoot();
    const dir = path.dirname(file);
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), "preflight-elsewhere-"));
    made.push(elsewhere);
    fs.cpSync(path.join(MODULES, "network"), path.join(elsewhere, "network"), { recursive: true });
    fs.rmSync(path.join(dir, "modules", "network"), { recursive: true });
    fs.symlinkSync(path.join(elsewhere, "network"), path.join(dir, "modules", "network"));
    expect(load(file).resources.some((r) => r.address.startsWith("module.network."))).toBe(false);
  });
});

describe("for_each and count on resources", () => {
  const write = (json: unknown) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "preflight-tfjson-"));
    made.push(dir);
    const file = path.join(dir, "cdk.tf.json");
    fs.writeFileSync(file, JSON.stringify(json));
    return file;
  };
  const base = (pool: Record<string, unknown>, grants: Record<string, unknown>) => ({
    provider: { google: [{ project: "p1" }] },
    variable: { pools: { default: ["a", "b"] } },
    resource: {
      google_service_account: { pool: { for_each: "${toset(var.pools)}", account_id: "nodes-${each.key}" } },
      google_project_iam_member: { pool: { project: "p1", role: "roles/container.defaultNodeServiceAccount", ...grants } },
      google_container_cluster: { c: { name: "c", location: "europe-west1", remove_default_node_pool: true, initial_node_count: 1, node_config: { service_account: "${google_service_account.pool[\"a\"].email}" } } },
      google_container_node_pool: { pool: { cluster: "${google_container_cluster.c.name}", location: "europe-west1", ...pool } },
    },
  });

  test("an index computed by an expression is not evaluated: unknown, not a guess", () => {
    const model = load(write(base(
      { count: 2, node_config: { service_account: "${google_service_account.pool[count.index == 0 ? \"a\" : \"b\"].email}" } },
      { for_each: "${toset(var.pools)}", member: "serviceAccount:${google_service_account.pool[each.key].email}" },
    )));
    expect(model.byAddress.has("google_container_node_pool.pool[1]")).toBe(true);
    // An expression in the index is not evaluated: unknown, not a guess.
    const sa = (model.byAddress.get("google_container_node_pool.pool[1]")!.values.node_config as any).service_account;
    expect(isUnknown(sa)).toBe(true);
    expect(statuses(check(model), "GKE001")).toEqual(["unknown google_container_node_pool.pool[0]", "unknown google_container_node_pool.pool[1]", "pass google_container_cluster.c"]);
  });

  test("[count.index] names the instance of the same index; a grant with a smaller count grants nothing to the last one", () => {
    const json = base({ count: 2, node_config: { service_account: "${google_service_account.nodes[count.index].email}" } }, { count: 1, member: "serviceAccount:${google_service_account.nodes[count.index].email}" });
    (json.resource as any).google_service_account = { nodes: { count: 2, account_id: "nodes-${count.index}" }, pool: { account_id: "pool-a" } };
    (json.resource as any).google_container_cluster.c.node_config.service_account = "${google_service_account.nodes[0].email}";
    const model = load(write(json));
    expect((model.byAddress.get("google_container_node_pool.pool[1]")!.values.node_config as any).service_account).toBe("nodes-1@p1.iam.gserviceaccount.com");
    expect(statuses(check(model), "GKE001")).toEqual(["fail google_container_node_pool.pool[1]", "pass google_container_cluster.c", "pass google_container_node_pool.pool[0]"]);
  });

  test("for_each from an unknown collection stays one block, each.key unknown", () => {
    const model = load(write(base(
      { for_each: "${google_service_account.pool}", node_config: { service_account: "${each.value.email}" } },
      { for_each: "${toset(var.pools)}", member: "serviceAccount:${google_service_account.pool[each.key].email}" },
    )));
    expect(model.byAddress.has("google_container_node_pool.pool")).toBe(true);
    expect(statuses(check(model), "GKE001")).toContain("unknown google_container_node_pool.pool");
  });

  test("count = 0 creates nothing", () => {
    const model = load(write(base({ count: 0 }, { count: 0, member: "serviceAccount:x@p1.iam.gserviceaccount.com" })));
    expect(model.resources.filter((r) => r.type === "google_container_node_pool" || r.type === "google_project_iam_member")).toEqual([]);
  });
});

describe("a real CDKTF app with a local Terraform JSON module (TerraformHclModule)", () => {
  test("cdktf copies the module into the stack's assets; the cdktf.out is read with it", () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "preflight-cdktf-modules-"));
    made.push(outdir);
    const relative = path.relative(process.cwd(), MODULES);
    const sources = ["project-services", "node-iam", "service-account", "network", "gke"].map((m) => `./${relative}/${m}`);
    const app = new App({ outdir, context: { cdktfRelativeModules: sources, cdktfStaticModuleAssetHash: "fixture" } });
    const stack = new TerraformStack(app, "platform");
    new GoogleProvider(stack, "google", { project: "acme-gke", region: "europe-west1" });
    const services = new TerraformHclModule(stack, "project_services", { source: sources[0], variables: { project_id: "acme-gke", services: ["container.googleapis.com", "compute.googleapis.com"] } });
    const iam = new TerraformHclModule(stack, "iam", { source: sources[1], variables: { project_id: "acme-gke" } });
    const network = new TerraformHclModule(stack, "network", { source: sources[3], variables: { project_id: "acme-gke" }, dependsOn: [services] });
    new TerraformHclModule(stack, "gke", {
      source: sources[4],
      variables: { project_id: "acme-gke", network: network.get("name"), service_account: iam.get("email"), node_pools: { general: { machine_type: "e2-standard-4" } }, granted_pools: ["general"] },
      dependsOn: [services, iam],
    });
    app.synth();
    const json = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "platform", "cdk.tf.json"), "utf8"));
    expect(json.module.gke.source).toMatch(/^\.\/assets\//);
    const model = loadInputs(outdir)[0];
    const findings = check(model);
    expect(statuses(findings, "GKE007")).toEqual(["pass module.gke.google_container_cluster.primary", 'pass module.gke.google_container_node_pool.pools["general"]']);
    expect(statuses(findings, "GKE001")).toEqual(["pass module.gke.google_container_cluster.primary", 'pass module.gke.google_container_node_pool.pools["general"]']);
  });
});
