import { LiveView, liveView } from "../../src/facts/live-view";
import type { LiveFacts } from "../../src/facts/live";

/** Live facts as read.ts writes them: a failed read is `{ error }` in place of the value. */
const facts = {
  projects: {
    "shop-prod": {
      projectId: "shop-prod",
      projectNumber: "123456789012",
      ancestry: ["projects/shop-prod", "folders/1", "organizations/2"],
      iamPolicy: [{ role: "roles/viewer", members: ["user:a@example.com"] }],
      ancestorPolicies: { "folders/1": [], "organizations/2": { error: "403 denied" } },
      enabledServices: ["container.googleapis.com"],
      callerPermissions: { error: "429 quota", missingPermission: "x.y.z" },
    },
    "123456789012": { projectId: "shop-prod", projectNumber: "123456789012" },
    gone: { error: "404 project not found" },
  },
  serviceAccounts: {
    "nodes@shop-prod.iam.gserviceaccount.com": { email: "nodes@shop-prod.iam.gserviceaccount.com", exists: true, disabled: false, callerCanActAs: true },
    "off@shop-prod.iam.gserviceaccount.com": { email: "off@shop-prod.iam.gserviceaccount.com", exists: true, callerCanActAs: { error: "500 backend" } },
    "lost@shop-prod.iam.gserviceaccount.com": { error: "403 iam.serviceAccounts.get" },
  },
  roles: { "roles/container.serviceAgent": ["container.clusters.get"], "roles/broken": { error: "403 iam.roles.get" } },
  artifactRepositories: {
    "projects/123456789012/locations/europe/repositories/images": { name: "projects/123456789012/locations/europe/repositories/images", exists: true, iamPolicy: [] },
    "projects/shop-prod/locations/europe/repositories/locked": { error: "403", missingPermission: "artifactregistry.repositories.getIamPolicy" },
  },
  resourceCallerPermissions: { "folders/1": ["resourcemanager.folders.getIamPolicy"], "organizations/2": { error: "403" } },
} as unknown as LiveFacts;

describe("LiveView: what --live read, as questions with a value or the reason it is not known", () => {
  const live = new LiveView(facts);

  test("offline every answer is undefined, and the view says it is not live", () => {
    const offline = liveView(undefined);
    expect(offline.enabled).toBe(false);
    expect([offline.project("shop-prod"), offline.enabledServices("shop-prod"), offline.serviceAccount("a@b"), offline.rolePermissions("roles/viewer"), offline.repository("projects/p/locations/l/repositories/r", (p) => p)]).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(offline.projectsRead()).toEqual([]);
  });

  test("a project's facts: value, unreadable fact, or the whole project unreadable", () => {
    expect(live.enabled).toBe(true);
    expect(live.enabledServices("shop-prod")).toEqual({ value: ["container.googleapis.com"] });
    expect(live.callerPermissions("shop-prod")).toEqual({ unreadable: "429 quota", missingPermission: "x.y.z" });
    expect(live.enabledServices("gone")).toEqual({ unreadable: "404 project not found", whole: "project" });
    expect(live.denyRules("shop-prod")).toBeUndefined(); // not read
    expect(live.enabledServices("never-asked")).toBeUndefined();
    expect(live.projectNumber("shop-prod")).toBe("123456789012");
    expect(live.projectNumber("gone")).toBeUndefined();
  });

  test("a name that is not a key read is not found on Object.prototype either", () => {
    expect(live.project("constructor")).toBeUndefined();
    expect(live.projectNumber("toString")).toBeUndefined();
    expect(live.serviceAccount("constructor")).toBeUndefined();
    expect(live.rolePermissions("hasOwnProperty")).toBeUndefined();
  });

  test("the projects read, each once per key it was stored under; ancestry and policies told apart from failed reads", () => {
    expect(live.projectsRead().map(([key]) => key)).toEqual(["shop-prod", "123456789012"]);
    const shop = live.projectsRead().find(([key]) => key === "shop-prod")![1];
    expect(shop.ancestry).toEqual(["projects/shop-prod", "folders/1", "organizations/2"]);
    expect(shop.ancestorPolicies).toEqual([
      { node: "folders/1", policy: { value: [] } },
      { node: "organizations/2", policy: { unreadable: "403 denied" } },
    ]);
  });

  test("a project found by its number through the catalog's links", () => {
    const canonical = (key: string) => (key === "123456789012" ? "shop-prod" : key);
    expect(live.projectMatching("shop-prod", canonical)).toMatchObject({ value: { projectId: "shop-prod" } });
    expect(live.projectMatching("elsewhere", canonical)).toBeUndefined();
  });

  test("service accounts: exists and disabled, actAs, and the account itself unreadable", () => {
    expect(live.serviceAccount("nodes@shop-prod.iam.gserviceaccount.com")).toEqual({ value: { exists: true, disabled: false } });
    expect(live.callerCanActAs("nodes@shop-prod.iam.gserviceaccount.com")).toEqual({ value: true });
    expect(live.callerCanActAs("off@shop-prod.iam.gserviceaccount.com")).toEqual({ unreadable: "500 backend" });
    expect(live.serviceAccount("lost@shop-prod.iam.gserviceaccount.com")).toEqual({ unreadable: "403 iam.serviceAccounts.get" });
    expect(live.callerCanActAs("lost@shop-prod.iam.gserviceaccount.com")).toEqual({ unreadable: "403 iam.serviceAccounts.get", whole: "account" });
  });

  test("roles, folder permissions and repositories (found under the project's number too)", () => {
    expect(live.rolePermissions("roles/container.serviceAgent")).toEqual({ value: ["container.clusters.get"] });
    expect(live.rolePermissions("roles/broken")).toEqual({ unreadable: "403 iam.roles.get" });
    expect(live.hierarchyCallerPermissions("folders/1")).toEqual({ value: ["resourcemanager.folders.getIamPolicy"] });
    expect(live.hierarchyCallerPermissions("organizations/2")).toEqual({ unreadable: "403" });
    const canonical = (key: string) => (key === "123456789012" ? "shop-prod" : key);
    expect(live.repository("projects/shop-prod/locations/europe/repositories/images", canonical)).toEqual({ value: { exists: true, iamPolicy: [] } });
    expect(live.repository("projects/shop-prod/locations/europe/repositories/locked", canonical)).toEqual({ unreadable: "403", missingPermission: "artifactregistry.repositories.getIamPolicy" });
    expect(live.repository("projects/shop-prod/locations/asia/repositories/images", canonical)).toBeUndefined();
  });

  test("one view per set of facts, so the engine and the IAM index share it", () => {
    expect(liveView(facts)).toBe(liveView(facts));
  });
});
