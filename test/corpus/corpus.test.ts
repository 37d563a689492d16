import { readdirSync } from "node:fs";
import { join } from "node:path";
import { loadInputs } from "../../src/inputs/load";
import { checkModel } from "../../src/engine/check";

/**
 * The 19 public plans of shared/corpus, copied with their origin and licence
 * (test/fixtures/corpus/SOURCES.md). Every one must load and check without error; the GKE
 * ones give the verdicts below, each of which the comment defends.
 */
const dir = join(__dirname, "..", "fixtures", "corpus");
const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
const verdicts = (file: string) =>
  loadInputs(join(dir, file))
    .flatMap((m) => checkModel(m, { includePass: true }))
    .filter((f) => f.ruleId <= "GKE003")
    .map((f) => `${f.ruleId} ${f.status} ${f.address}`)
    .sort();

test("the corpus holds the 19 plans", () => {
  expect(files).toHaveLength(19);
});

test.each(files)("%s loads and checks without error", (file) => {
  const models = loadInputs(join(dir, file));
  expect(models).toHaveLength(1);
  expect(models[0].format).toBe("plan");
  expect(models[0].resources.length).toBeGreaterThan(0);
  expect(() => checkModel(models[0])).not.toThrow();
});

test("tgc-gke_custom_node_init: nodes on the default account of an existing project, nothing enables APIs: all unknown", () => {
  // The project comes only from the provider configuration (zicong-gke-dev); the node pool
  // sets no service account, so nodes use the Compute Engine default account, whose grants
  // are outside the plan. No google_project_service and no IAM resource: nothing decides.
  expect(verdicts("tgc-gke_custom_node_init.tfplan.json")).toEqual([
    "GKE001 unknown google_container_cluster.primary",
    "GKE002 unknown google_container_cluster.primary",
    "GKE003 unknown google_container_cluster.primary",
    "GKE003 unknown google_container_cluster.primary",
  ]);
});

test("conftest-hcl1-gke-show: the oldest format; default account on the cluster and the pool", () => {
  expect(verdicts("conftest-hcl1-gke-show.tfplan.json")).toEqual([
    "GKE001 unknown google_container_cluster.primary",
    "GKE001 unknown google_container_node_pool.primary_preemptible_nodes",
    "GKE002 unknown google_container_cluster.primary",
    "GKE003 unknown google_container_cluster.primary",
    "GKE003 unknown google_container_cluster.primary",
  ]);
});

test("tv-example_container_cluster: no project anywhere, so nothing can be decided", () => {
  // Neither the resources nor the provider configuration name a project.
  const found = verdicts("tv-example_container_cluster.tfplan.json");
  expect(found.every((v) => v.includes(" unknown "))).toBe(true);
  expect(found).toContain("GKE001 unknown google_container_node_pool.primary_preemptible_nodes");
});

test("plans without a GKE cluster produce no GKE001-003 verdict", () => {
  const gke = new Set(["tgc-gke_custom_node_init.tfplan.json", "conftest-hcl1-gke-show.tfplan.json", "tv-example_container_cluster.tfplan.json", "tv-full_container_cluster.tfplan.json", "tv-full_container_node_pool.tfplan.json"]);
  for (const file of files.filter((f) => !gke.has(f))) expect([file, verdicts(file)]).toEqual([file, []]);
});

test("the node pool's service account in tv-example_container_cluster is traced to google_service_account.default", () => {
  const [model] = loadInputs(join(dir, "tv-example_container_cluster.tfplan.json"));
  const finding = checkModel(model).find((f) => f.address === "google_container_node_pool.primary_preemptible_nodes");
  expect(finding?.message).toContain("google_service_account.default");
});
