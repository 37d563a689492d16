import { join } from "node:path";
import { readdirSync, readFileSync } from "node:fs";
import { loadInputs } from "../../src/inputs/load";
import { modelFromTerraformJson } from "../../src/inputs/terraform-json";
import { liveRequestFor } from "../../src/live/request";
import { ruleContext } from "../../src/engine/context";
import { factsOf } from "../../src/facts";
import * as nodeIdentities from "../../src/facts/gke/node-identities";
import { checkModel } from "../../src/engine/check";
import { allRules } from "../../src/rules";
import type { Rule } from "../../src/rules/types";
import type { LiveNeeds } from "../../src/facts/live-request";

const EXAMPLES = join(__dirname, "..", "..", "examples");
const SRC = join(__dirname, "..", "..", "src");

const stack = {
  provider: { google: [{ region: "europe-west1", project: "shop-prod" }] },
  resource: {
    google_container_cluster: { main: { name: "main", location: "europe-west1", node_config: { service_account: "gke-nodes@shop-prod.iam.gserviceaccount.com" } } },
    google_project_iam_member: { logs: { project: "shop-prod", role: "roles/logging.logWriter", member: "serviceAccount:gke-nodes@shop-prod.iam.gserviceaccount.com" } },
  },
};

/** A rule that only asks for live facts, as a new rule would. */
const asking: Rule = {
  meta: { id: "GKE999", slug: "test-needs", title: "t", severity: "info", rationale: "r", googleDocUrl: "https://cloud.google.com/", resourceTypes: [] },
  check: () => [],
  liveNeeds: (ctx) => ({
    projects: ctx.gke.clusters.flatMap((c) => (c.project.key ? [`${c.project.key}-host`] : [])),
    callerPermissions: { "shop-prod": ["compute.networks.use"] },
    serviceAccounts: ["other@shop-prod.iam.gserviceaccount.com"],
    resourceCallerPermissions: { "organizations/7": ["resourcemanager.organizations.get"] },
  }),
};

describe("a rule carries its own live needs", () => {
  const model = () => modelFromTerraformJson(stack, { file: "cdk.tf.json", stack: "gke" });

  test("without rules the request is only what the fact base reads: the projects named and the roles granted", () => {
    expect(liveRequestFor([model()], [])).toEqual({
      projects: ["shop-prod"],
      serviceAccounts: [],
      roles: ["roles/logging.logWriter"],
      callerPermissions: {},
      actAsChecks: [],
      defaultServiceAccountProjects: [],
      rolesHeldBy: [],
    });
  });

  test("a rule's liveNeeds join the request, merged and sorted with the others'", () => {
    const request = liveRequestFor([model()], [asking]);
    expect(request.projects).toEqual(["shop-prod", "shop-prod-host"]);
    expect(request.callerPermissions).toEqual({ "shop-prod": ["compute.networks.use"] });
    expect(request.serviceAccounts).toEqual(["other@shop-prod.iam.gserviceaccount.com"]);
    expect(request.rolesHeldBy).toEqual(["serviceAccount:other@shop-prod.iam.gserviceaccount.com"]); // follows from serviceAccounts
    expect(request.resourceCallerPermissions).toEqual({ "organizations/7": ["resourcemanager.organizations.get"] });
    const all = liveRequestFor([model()], [...allRules, asking]);
    expect(all.callerPermissions["shop-prod"]).toEqual(expect.arrayContaining(["compute.networks.use", "container.clusters.create", "iam.serviceAccounts.actAs"]));
  });

  test("a new kind of read merges with no change to the planner: lists and per-key lists, written only when asked", () => {
    const newKind = (needs: Record<string, unknown>): Rule => ({ ...asking, liveNeeds: () => needs as LiveNeeds });
    const request = liveRequestFor([model()], [newKind({ subnetworks: ["b", "a"], subnetworkPermissions: { s2: ["y"], s1: ["x"] } }), newKind({ subnetworks: ["a", "c"], subnetworkPermissions: { s1: ["w"] } })]) as unknown as Record<string, unknown>;
    expect(request.subnetworks).toEqual(["a", "b", "c"]);
    expect(request.subnetworkPermissions).toEqual({ s1: ["w", "x"], s2: ["y"] });
    const quiet = liveRequestFor([model()], [newKind({ subnetworks: [], subnetworkPermissions: {} })]) as unknown as Record<string, unknown>;
    expect("subnetworks" in quiet || "subnetworkPermissions" in quiet).toBe(false);
  });

  test("each need comes from the rule that weighs it", () => {
    const only = (id: string) => liveRequestFor([model()], allRules.filter((r) => r.meta.id === id));
    expect(only("GKE006").serviceAccounts).toEqual(["gke-nodes@shop-prod.iam.gserviceaccount.com"]);
    expect(only("GKE006").actAsChecks).toEqual([]);
    expect(only("GKE009").actAsChecks).toEqual(["gke-nodes@shop-prod.iam.gserviceaccount.com"]);
    expect(only("GKE002").roles).toEqual(["roles/container.serviceAgent", "roles/logging.logWriter"]);
    expect(liveRequestFor([model()])).toEqual(liveRequestFor([model()], allRules));
  });

  test("planning the reads and the offline check that follows share one fact base per model, let go once checked", () => {
    const built = jest.spyOn(nodeIdentities, "gkeFacts");
    try {
      const [m] = loadInputs(join(EXAMPLES, "plans", "unknown-existing-account.plan.json"));
      liveRequestFor([m!]);
      const ctx = ruleContext(m!);
      expect(ctx.facts).toBe(factsOf(ctx));
      expect(built).toHaveBeenCalledTimes(1);
      checkModel(m!); // --live found nothing to read: the planned fact base is checked
      expect(built).toHaveBeenCalledTimes(1);
      expect(ruleContext(m!)).not.toBe(ctx); // released after the check
      checkModel(m!, { live: { projects: {}, serviceAccounts: {}, roles: {} } }); // what was read changes the index: built with it
      expect(built).toHaveBeenCalledTimes(3);
    } finally {
      built.mockRestore();
    }
  });
});

describe("rules read facts, not other rules nor the live wire format", () => {
  const ruleFiles = readdirSync(join(SRC, "rules")).filter((f) => /^gke\d+/.test(f));
  const source = (path: string) => readFileSync(join(SRC, path), "utf8");

  test("no rule imports another rule; the live planner imports none", () => {
    for (const file of ruleFiles) expect([file, source(`rules/${file}`).match(/from "\.\/gke\d+[^"]*"/g)]).toEqual([file, null]);
    expect(source("live/request.ts")).not.toMatch(/from "\.\.\/rules\/(?!types")/);
  });

  test("no rule tells a failed live read apart itself, nor reads the live facts' fields: only ctx.live.enabled and its accessors", () => {
    for (const file of ruleFiles) expect([file, source(`rules/${file}`).match(/isLiveError|ctx\.live\?|ctx\.live\.(?!enabled\b)\w+\b(?!\()/g)]).toEqual([file, null]);
  });
});
