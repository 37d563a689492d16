import type { LiveFacts } from "../../src/live/facts";
import { liveNotices, progressLine } from "../../src/live/cli";

describe("what --live tells the user on stderr", () => {
  test("one line per distinct reason, naming the missing permission; a project under id and number counts once", () => {
    const project = {
      projectId: "acme-prod",
      projectNumber: "402917365511",
      iamPolicy: { error: "cloudresourcemanager.projects.getIamPolicy: HTTP 403: denied", missingPermission: "resourcemanager.projects.getIamPolicy" },
      enabledServices: ["container.googleapis.com"],
      denyRules: { error: "iam.policies.listPolicies: HTTP 403: denied", missingPermission: "iam.denypolicies.list" },
      ancestorPolicies: { "folders/1": { error: "x", missingPermission: "resourcemanager.folders.getIamPolicy" } },
    };
    const facts: LiveFacts = {
      projects: { "acme-prod": project, "402917365511": project, "other-prod": { error: "cloudresourcemanager.projects.get: no answer within 20000 ms" } },
      serviceAccounts: { "a@acme-prod.iam.gserviceaccount.com": { email: "a@acme-prod.iam.gserviceaccount.com", exists: true, callerCanActAs: { error: "e", missingPermission: "iam.denypolicies.list" } } },
      roles: { "roles/container.serviceAgent": ["container.clusters.get"] },
    };
    expect(liveNotices(facts)).toEqual([
      "--live could not read IAM policy of acme-prod: the caller lacks resourcemanager.projects.getIamPolicy",
      "--live could not read deny policies of acme-prod, actAs on a@acme-prod.iam.gserviceaccount.com: the caller lacks iam.denypolicies.list",
      "--live could not read IAM policy of folders/1 of acme-prod: the caller lacks resourcemanager.folders.getIamPolicy",
      "--live could not read project other-prod: cloudresourcemanager.projects.get: no answer within 20000 ms",
    ]);
  });

  test("nothing to say when everything was read", () => {
    expect(liveNotices({ projects: {}, serviceAccounts: {}, roles: { "roles/x": [] } })).toEqual([]);
  });

  test("the progress line redraws in place and is cleared at the end", () => {
    const written: string[] = [];
    const progress = progressLine((text) => written.push(text));
    progress.update(0, 4);
    progress.update(4, 4);
    progress.clear();
    expect(written).toEqual(["\r\x1b[Kpreflight: reading the live project(s) 0/4", "\r\x1b[Kpreflight: reading the live project(s) 4/4", "\r\x1b[K"]);
  });
});
