import { boundedRequest, LIVE_LIMITS } from "../../src/live/cli";
import type { LiveRequest } from "../../src/live/request-types";

const request = (projects: number, accounts: number): LiveRequest => ({
  projects: Array.from({ length: projects }, (_, i) => `p-${String(i).padStart(5, "0")}`),
  serviceAccounts: Array.from({ length: accounts }, (_, i) => `sa${i}@p.iam.gserviceaccount.com`),
  roles: ["roles/container.serviceAgent"],
  callerPermissions: Object.fromEntries(Array.from({ length: projects }, (_, i) => [`p-${String(i).padStart(5, "0")}`, ["container.clusters.create"]])),
  actAsChecks: [],
});

test("a request within the limits is left as it is", () => {
  const r = request(3, 3);
  expect(boundedRequest(r, {})).toEqual({ request: r });
});

test("a plan naming 10,000 projects reads at most the limit, says so, and keeps the request consistent", () => {
  const { request: bounded, notice } = boundedRequest(request(10_000, 5), {});
  expect(bounded.projects).toHaveLength(LIVE_LIMITS.projects);
  expect(Object.keys(bounded.callerPermissions).sort()).toEqual(bounded.projects);
  expect(notice).toMatch(/reading 200 of 10000 projects/);
});

test("the limits can be raised", () => {
  const { request: bounded } = boundedRequest(request(300, 5), { PREFLIGHT_LIVE_MAX_PROJECTS: "500" });
  expect(bounded.projects).toHaveLength(300);
});

test("folders and organisations whose IAM the plan changes are bounded like projects", () => {
  const folders = Object.fromEntries(Array.from({ length: 1_000 }, (_, i) => [`folders/${1000 + i}`, ["resourcemanager.folders.setIamPolicy"]]));
  const { request: bounded, notice } = boundedRequest({ ...request(3, 3), resourceCallerPermissions: folders }, {});
  expect(Object.keys(bounded.resourceCallerPermissions ?? {})).toHaveLength(LIVE_LIMITS.projects);
  expect(bounded.projects).toHaveLength(3);
  expect(notice).toMatch(/reading 3 of 3 projects \(and 200 of 1000 folders and organisations\)/);
});

test("Artifact Registry repositories are bounded like service accounts", () => {
  const repositories = Array.from({ length: 3_000 }, (_, i) => `projects/p-00000/locations/europe/repositories/r${String(i).padStart(4, "0")}`);
  const { request: bounded, notice } = boundedRequest({ ...request(3, 3), artifactRepositories: repositories }, {});
  expect(bounded.artifactRepositories).toHaveLength(LIVE_LIMITS.serviceAccounts);
  expect(bounded.artifactRepositories?.[0]).toBe(repositories[0]);
  expect(notice).toMatch(/at most 2000 of 3000 Artifact Registry repositories/);
});

test("subnetworks, keys and server configs are bounded like service accounts, whatever their projects", () => {
  const many = (n: number, name: (i: number) => string) => Array.from({ length: n }, (_, i) => name(i));
  const subnetworks = Object.fromEntries(many(2_500, (i) => `projects/host/regions/europe-west1/subnetworks/s${String(i).padStart(4, "0")}`).map((path) => [path, ["secondaryRanges" as const]]));
  const cryptoKeys = many(2_100, (i) => `projects/kms/locations/europe-west1/keyRings/r/cryptoKeys/k${String(i).padStart(4, "0")}`);
  const { request: bounded, notice } = boundedRequest({ ...request(3, 3), subnetworks, cryptoKeys, serverConfigs: ["projects/p-00000/locations/europe-west1"] }, {});
  expect(Object.keys(bounded.subnetworks ?? {})).toHaveLength(LIVE_LIMITS.serviceAccounts);
  expect(Object.keys(bounded.subnetworks ?? {})[0]).toBe("projects/host/regions/europe-west1/subnetworks/s0000");
  expect(bounded.cryptoKeys).toHaveLength(LIVE_LIMITS.serviceAccounts);
  expect(bounded.serverConfigs).toEqual(["projects/p-00000/locations/europe-west1"]);
  expect(notice).toMatch(/at most 2000 subnetworks, keys and locations of each kind/);
});
