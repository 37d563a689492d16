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

  test("the resource reads of GKE012–GKE016 that failed are named too, each with its permission", () => {
    const denied = (permission: string) => ({ error: "HTTP 403: denied", missingPermission: permission });
    const subnet = "projects/host/regions/europe-west1/subnetworks/gke";
    const key = "projects/kms/locations/europe-west1/keyRings/gke/cryptoKeys/secrets";
    const facts: LiveFacts = {
      projects: {},
      serviceAccounts: {},
      roles: {},
      subnetworks: { [subnet]: { name: subnet, secondaryRanges: denied("compute.subnetworks.get"), iamPolicy: [] } },
      cryptoKeys: { [key]: { name: key, state: { exists: true, primaryState: "ENABLED" }, iamPolicy: denied("cloudkms.cryptoKeys.getIamPolicy"), ringIamPolicy: denied("cloudkms.keyRings.getIamPolicy") } },
      workloadPools: { "acme-prod": denied("container.clusters.list") },
      serverConfigs: { "projects/acme-prod/locations/europe-west1": { error: "container.projects.locations.getServerConfig: HTTP 403: the caller cannot see projects/acme-prod" } },
    };
    expect(liveNotices(facts, 10)).toEqual([
      `--live could not read subnetwork ${subnet}: the caller lacks compute.subnetworks.get`,
      `--live could not read IAM policy of ${key}: the caller lacks cloudkms.cryptoKeys.getIamPolicy`,
      `--live could not read IAM policy of the key ring of ${key}: the caller lacks cloudkms.keyRings.getIamPolicy`,
      "--live could not read clusters of acme-prod: the caller lacks container.clusters.list",
      "--live could not read server config of projects/acme-prod/locations/europe-west1: container.projects.locations.getServerConfig: HTTP 403: the caller cannot see projects/acme-prod",
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
