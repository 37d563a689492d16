import { ALLOWED_METHODS, matchAllowedMethod } from "../../src/live/allowlist";
import { isLiveError, type LiveError, type LiveFacts, type LiveProject, type LiveServiceAccount } from "../../src/live/facts";
import type { LiveRequest } from "../../src/live/request-types";
import { loadFixture, UNTIL_STOPPED } from "./emulator";
import { emulatorOptions as options, FAKE_TOKEN, runReader, TIMEOUT_TEST_MS, withEmulator } from "./harness";

const PROD_NODES = "gke-nodes@shop-prod.iam.gserviceaccount.com";
const DEV_NODES = "gke-nodes@shop-dev.iam.gserviceaccount.com";
const DEV_OLD_NODES = "old-nodes@shop-dev.iam.gserviceaccount.com";
const IMAGES = "projects/shop-prod/locations/europe-west1/repositories/images";
const NOT_YET = "projects/shop-prod/locations/europe-west1/repositories/not-yet";

function prodRequest(): LiveRequest {
  return {
    projects: ["shop-prod"],
    serviceAccounts: [PROD_NODES, "deleted-nodes@shop-prod.iam.gserviceaccount.com"],
    roles: ["roles/container.defaultNodeServiceAccount", "roles/container.serviceAgent", "projects/shop-prod/roles/gkeNodeExtra"],
    callerPermissions: { "shop-prod": ["container.clusters.create", "resourcemanager.projects.setIamPolicy", "serviceusage.services.enable"] },
    actAsChecks: [PROD_NODES],
    defaultServiceAccountProjects: ["shop-prod"],
    rolesHeldBy: [`serviceAccount:${PROD_NODES}`],
    artifactRepositories: [IMAGES, NOT_YET],
    resourceCallerPermissions: {
      "folders/111111111111": ["resourcemanager.folders.getIamPolicy", "resourcemanager.folders.setIamPolicy"],
      "organizations/999999999999": ["resourcemanager.organizations.getIamPolicy", "resourcemanager.organizations.setIamPolicy"],
    },
  };
}

function devRequest(): LiveRequest {
  return {
    projects: ["210987654321"],
    serviceAccounts: [DEV_NODES, DEV_OLD_NODES],
    roles: ["roles/logging.logWriter", "organizations/999999999999/roles/orgNodeRole", "organizations/999999999999/roles/retiredRole", "projects/shop-dev/roles/missing"],
    callerPermissions: { "210987654321": ["container.clusters.create", "resourcemanager.projects.setIamPolicy", "serviceusage.services.enable"] },
    actAsChecks: [DEV_NODES, DEV_OLD_NODES],
  };
}

function project(facts: LiveFacts, key: string): LiveProject {
  const value = facts.projects[key];
  if (value === undefined || isLiveError(value)) throw new Error(`project ${key} not read: ${JSON.stringify(value)}`);
  return value;
}

function account(facts: LiveFacts, email: string): LiveServiceAccount {
  const value = facts.serviceAccounts[email];
  if (value === undefined || isLiveError(value)) throw new Error(`account ${email} not read: ${JSON.stringify(value)}`);
  return value;
}

function expectError(value: unknown): LiveError {
  expect(isLiveError(value)).toBe(true);
  return value as LiveError;
}

describe("readLiveFacts against the emulator, through the real Google client libraries", () => {
  test("a healthy project: identity, ancestry, policies, services, caller permissions, roles, accounts", async () => {
    await withEmulator(loadFixture("healthy"), async (emulator) => {
      const { facts } = await runReader(prodRequest(), options(emulator));
      const prod = project(facts, "shop-prod");
      expect(prod).toMatchObject({ projectId: "shop-prod", projectNumber: "123456789012" });
      // The same project under its number, so rules can use whichever the plan has.
      expect(facts.projects["123456789012"]).toEqual(prod);
      expect(prod.ancestry).toEqual(["projects/shop-prod", "folders/111111111111", "organizations/999999999999"]);

      const bindings = prod.iamPolicy as Array<{ role: string; members: string[]; condition?: unknown }>;
      expect(bindings).toContainEqual({
        role: "roles/container.serviceAgent",
        members: ["serviceAccount:service-123456789012@container-engine-robot.iam.gserviceaccount.com"],
      });
      expect(bindings.find((binding) => binding.role === "roles/container.admin")?.condition).toEqual({
        title: "office hours",
        expression: "request.time.getHours('Europe/Berlin') < 18",
      });
      expect(prod.ancestorPolicies).toEqual({
        "folders/111111111111": [{ role: "roles/browser", members: ["group:platform@example.com"] }],
        "organizations/999999999999": [{ role: "roles/iam.securityReviewer", members: ["group:security@example.com"] }],
      });

      // Seven services over pages of three: all pages were followed.
      expect(prod.enabledServices).toHaveLength(7);
      expect(prod.enabledServices).toEqual(expect.arrayContaining(["container.googleapis.com", "compute.googleapis.com"]));
      expect(emulator.methodsCalled().filter((id) => id === "serviceusage.services.list")).toHaveLength(3);

      expect(prod.callerPermissions).toEqual(["container.clusters.create", "resourcemanager.projects.setIamPolicy", "serviceusage.services.enable"]);

      // The organisation's deny policy is read whole (the list omits rules) and flattened.
      expect(prod.denyRules).toEqual([
        {
          policy: "policies/cloudresourcemanager.googleapis.com%2Forganizations%2F999999999999/denypolicies/no-sa-keys",
          attachedTo: "organizations/999999999999",
          deniedPrincipals: ["principalSet://goog/public:all"],
          exceptionPrincipals: ["principalSet://goog/group/break-glass@example.com"],
          deniedPermissions: ["iam.googleapis.com/serviceAccountKeys.create"],
          exceptionPermissions: [],
        },
      ]);

      expect(facts.roles["roles/container.defaultNodeServiceAccount"]).toEqual([
        "autoscaling.sites.writeMetrics",
        "logging.logEntries.create",
        "monitoring.metricDescriptors.create",
        "monitoring.metricDescriptors.list",
        "monitoring.timeSeries.create",
        "monitoring.timeSeries.list",
      ]);
      expect(facts.roles["projects/shop-prod/roles/gkeNodeExtra"]).toEqual(["artifactregistry.repositories.downloadArtifacts", "storage.objects.get"]);

      expect(account(facts, PROD_NODES)).toEqual({ email: PROD_NODES, exists: true, disabled: false, callerCanActAs: true });
      expect(account(facts, "deleted-nodes@shop-prod.iam.gserviceaccount.com")).toEqual({
        email: "deleted-nodes@shop-prod.iam.gserviceaccount.com",
        exists: false,
      });
      // The Compute Engine default account, whose email needed the live project number.
      expect(account(facts, "123456789012-compute@developer.gserviceaccount.com")).toMatchObject({ exists: true, callerCanActAs: true });
    });
  });

  test("Artifact Registry: a repository's own IAM policy (version 3) through @google-cloud/artifact-registry; one not there yet; the node accounts' roles on it", async () => {
    await withEmulator(loadFixture("healthy"), async (emulator) => {
      const { facts } = await runReader(prodRequest(), options(emulator));
      expect(facts.artifactRepositories?.[IMAGES]).toEqual({
        name: IMAGES,
        exists: true,
        iamPolicy: [
          { role: "roles/artifactregistry.reader", members: [`serviceAccount:${PROD_NODES}`] },
          {
            role: "projects/shop-prod/roles/imagePuller",
            members: ["serviceAccount:123456789012-compute@developer.gserviceaccount.com"],
            condition: { title: "release images", expression: "resource.name.startsWith('projects/shop-prod/locations/europe-west1/repositories/images/packages/release')" },
          },
          { role: "roles/artifactregistry.repoAdmin", members: ["group:platform@example.com"] },
        ],
      });
      // 404: the apply creates it, so nothing outside the configuration can grant on it yet.
      expect(facts.artifactRepositories?.[NOT_YET]).toEqual({ name: NOT_YET, exists: false });
      // Roles the node accounts hold on the repository are read; a group's role is not.
      expect(facts.roles["roles/artifactregistry.reader"]).toEqual(["artifactregistry.repositories.downloadArtifacts", "artifactregistry.repositories.get"]);
      expect(facts.roles["projects/shop-prod/roles/imagePuller"]).toEqual(["artifactregistry.repositories.downloadArtifacts"]);
      expect(facts.roles["roles/artifactregistry.repoAdmin"]).toBeUndefined();
      const calls = emulator.requests.filter((request) => request.method_id === "artifactregistry.projects.locations.repositories.getIamPolicy");
      expect(calls.map((request) => `${request.method} ${request.path}`).sort()).toEqual([`GET /v1/${IMAGES}:getIamPolicy`, `GET /v1/${NOT_YET}:getIamPolicy`]);
    });
  });

  test("the deployer's permissions on a folder and an organisation (testIamPermissions there, CRM v3)", async () => {
    await withEmulator(loadFixture("healthy"), async (emulator) => {
      const request = prodRequest();
      request.resourceCallerPermissions = { ...request.resourceCallerPermissions, "folders/404404404404": ["resourcemanager.folders.setIamPolicy"] };
      const { facts } = await runReader(request, options(emulator));
      expect(facts.resourceCallerPermissions?.["folders/111111111111"]).toEqual(["resourcemanager.folders.getIamPolicy", "resourcemanager.folders.setIamPolicy"]);
      expect(facts.resourceCallerPermissions?.["organizations/999999999999"]).toEqual(["resourcemanager.organizations.getIamPolicy"]);
      // A folder that does not exist, or that the caller cannot see: an error, not "holds nothing".
      expect(expectError(facts.resourceCallerPermissions?.["folders/404404404404"]).error).toMatch(/^cloudresourcemanager\.folders\.testIamPermissions: HTTP 403/);
      const tests = emulator.requests.filter((recorded) => recorded.path.endsWith(":testIamPermissions") && recorded.path.startsWith("/v3/"));
      expect(tests.map((recorded) => `${recorded.method} ${recorded.path} ${recorded.body}`).sort()).toEqual([
        'POST /v3/folders/111111111111:testIamPermissions {"permissions":["resourcemanager.folders.getIamPolicy","resourcemanager.folders.setIamPolicy"]}',
        'POST /v3/folders/404404404404:testIamPermissions {"permissions":["resourcemanager.folders.setIamPolicy"]}',
        'POST /v3/organizations/999999999999:testIamPermissions {"permissions":["resourcemanager.organizations.getIamPolicy","resourcemanager.organizations.setIamPolicy"]}',
      ]);
    });
  });

  test("Artifact Registry: 403 names artifactregistry.repositories.getIamPolicy, a disabled API says so; the other facts are still read", async () => {
    const denied = { ...loadFixture("healthy"), callerCannot: ["artifactregistry.repositories.getIamPolicy"] };
    await withEmulator(denied, async (emulator) => {
      const { facts } = await runReader(prodRequest(), options(emulator));
      const error = expectError(facts.artifactRepositories?.[IMAGES]);
      expect(error.missingPermission).toBe("artifactregistry.repositories.getIamPolicy");
      expect(error.error).toMatch(/^artifactregistry\.projects\.locations\.repositories\.getIamPolicy: HTTP 403/);
      expect(Array.isArray(project(facts, "shop-prod").iamPolicy)).toBe(true);
    });
    const disabled = { ...loadFixture("healthy"), disabledApis: ["artifactregistry.googleapis.com"] };
    await withEmulator(disabled, async (emulator) => {
      const { facts } = await runReader(prodRequest(), options(emulator));
      const error = expectError(facts.artifactRepositories?.[IMAGES]);
      expect(error.missingPermission).toBeUndefined();
      expect(error.error).toMatch(/artifactregistry\.googleapis\.com is not enabled in the project that pays for the call/);
    });
  });

  test("Artifact Registry: 503 is retried by the same transport", async () => {
    await withEmulator(loadFixture("healthy"), async (emulator) => {
      emulator.inject({ path: "/repositories/images:getIamPolicy", status: 503, times: 2 });
      const { facts, calls } = await runReader(prodRequest(), options(emulator));
      expect(facts.artifactRepositories?.[IMAGES]).toMatchObject({ exists: true });
      expect(calls.find((call) => call.path.endsWith("/images:getIamPolicy"))?.attempts).toBe(3);
    });
  });

  test("a broken project: agent binding missing, container API off, a deny policy, no actAs, a disabled account", async () => {
    await withEmulator(loadFixture("broken"), async (emulator) => {
      const { facts } = await runReader(devRequest(), options(emulator));
      const dev = project(facts, "210987654321");
      expect(facts.projects["shop-dev"]).toEqual(dev);
      const roles = (dev.iamPolicy as Array<{ role: string }>).map((binding) => binding.role);
      expect(roles).not.toContain("roles/container.serviceAgent");
      expect(dev.enabledServices).toEqual(["compute.googleapis.com", "oslogin.googleapis.com"]);
      // The deployer may grant roles but not create clusters.
      expect(dev.callerPermissions).toEqual(["resourcemanager.projects.setIamPolicy"]);

      const denyRules = dev.denyRules as unknown as Array<Record<string, unknown>>;
      expect(denyRules).toHaveLength(2);
      expect(denyRules[0]).toMatchObject({
        attachedTo: "folders/222222222222",
        deniedPrincipals: ["principal://iam.googleapis.com/projects/-/serviceAccounts/gke-nodes@shop-dev.iam.gserviceaccount.com"],
        deniedPermissions: ["logging.googleapis.com/logEntries.create", "monitoring.googleapis.com/timeSeries.create"],
      });
      expect(denyRules[1]).toMatchObject({
        condition: { title: "prod-tagged only", expression: "resource.matchTag('999999999999/env', 'prod')" },
      });

      expect(account(facts, DEV_NODES)).toEqual({ email: DEV_NODES, exists: true, disabled: false, callerCanActAs: false });
      expect(account(facts, DEV_OLD_NODES)).toEqual({ email: DEV_OLD_NODES, exists: true, disabled: true, callerCanActAs: true });

      expect(facts.roles["organizations/999999999999/roles/orgNodeRole"]).toEqual(["logging.logEntries.create", "monitoring.timeSeries.create"]);
      expect(facts.roles["organizations/999999999999/roles/retiredRole"]).toEqual([]); // deleted: grants nothing
      expect(expectError(facts.roles["projects/shop-dev/roles/missing"]).error).toMatch(/does not exist/);
    });
  });

  test("one call per distinct thing: a project asked by id and number, and a repeated role, are read once", async () => {
    await withEmulator(loadFixture("healthy"), async (emulator) => {
      const request = prodRequest();
      request.projects = ["shop-prod", "123456789012", "shop-prod"];
      request.roles = [...request.roles, "roles/container.defaultNodeServiceAccount"];
      await runReader(request, options(emulator));
      const count = (id: string) => emulator.methodsCalled().filter((called) => called === id).length;
      // The id (v1) and the number (v3) are each looked up once and resolve to one project…
      expect(count("cloudresourcemanager.v1.projects.get")).toBe(1);
      expect(count("cloudresourcemanager.projects.get")).toBe(1);
      expect(count("cloudresourcemanager.projects.getIamPolicy")).toBe(1); // …read once from there on
      expect(count("cloudresourcemanager.projects.getAncestry")).toBe(1);
      // The two GKE roles (one of them asked twice) and the reader role the nodes hold on the repository.
      expect(count("iam.roles.get")).toBe(3);
      expect(count("iam.projects.serviceAccounts.get")).toBe(3);
      expect(count("artifactregistry.projects.locations.repositories.getIamPolicy")).toBe(2);
    });
  });
});

describe("failures become LiveError facts and the run goes on", () => {
  test("403 on the project policy names the missing permission; the other facts are still read", async () => {
    const fixture = { ...loadFixture("healthy"), callerCannot: ["resourcemanager.projects.getIamPolicy"] };
    await withEmulator(fixture, async (emulator) => {
      const { facts } = await runReader(prodRequest(), options(emulator));
      const prod = project(facts, "shop-prod");
      const error = expectError(prod.iamPolicy);
      expect(error.missingPermission).toBe("resourcemanager.projects.getIamPolicy");
      expect(error.error).toMatch(/^cloudresourcemanager\.projects\.getIamPolicy: HTTP 403: Permission 'resourcemanager\.projects\.getIamPolicy' denied/);
      expect(prod.enabledServices).toHaveLength(7);
      expect(account(facts, PROD_NODES).exists).toBe(true);
    });
  });

  test("a bare 403 without details still names the permission the method needs", async () => {
    await withEmulator(loadFixture("healthy"), async (emulator) => {
      emulator.inject({ path: "/services", status: 403 });
      const { facts } = await runReader(prodRequest(), options(emulator));
      expect(expectError(project(facts, "shop-prod").enabledServices).missingPermission).toBe("serviceusage.services.list");
    });
  });

  test("an API disabled for the caller is said so, without inventing a missing permission", async () => {
    const fixture = { ...loadFixture("healthy"), disabledApis: ["serviceusage.googleapis.com"] };
    await withEmulator(fixture, async (emulator) => {
      const { facts } = await runReader(prodRequest(), options(emulator));
      const error = expectError(project(facts, "shop-prod").enabledServices);
      expect(error.error).toMatch(/serviceusage\.googleapis\.com is not enabled/);
      expect(error.missingPermission).toBeUndefined();
    });
  });

  test("403 on deny policies (through @google-cloud/iam in REST mode) names iam.denypolicies.list", async () => {
    const fixture = { ...loadFixture("broken"), callerCannot: ["iam.denypolicies.list"] };
    await withEmulator(fixture, async (emulator) => {
      const { facts } = await runReader(devRequest(), options(emulator));
      const error = expectError(project(facts, "shop-dev").denyRules);
      expect(error.missingPermission).toBe("iam.denypolicies.list");
      expect(error.error).toMatch(/iam\.policies\.listPolicies: HTTP 403/);
    });
  });

  test("an unreadable ancestry leaves deny rules undecided rather than partial", async () => {
    await withEmulator(loadFixture("broken"), async (emulator) => {
      emulator.inject({ path: ":getAncestry", status: 403 });
      const { facts } = await runReader(devRequest(), options(emulator));
      const dev = project(facts, "shop-dev");
      expect(expectError(dev.ancestry).missingPermission).toBe("resourcemanager.projects.get");
      expect(expectError(dev.denyRules).error).toMatch(/folders and organisation not read/);
    });
  });

  test("a project that does not exist (or cannot be seen) is one LiveError", async () => {
    await withEmulator(loadFixture("healthy"), async (emulator) => {
      const request = { ...prodRequest(), projects: ["no-such-project"], callerPermissions: {}, defaultServiceAccountProjects: [] };
      const { facts } = await runReader(request, options(emulator));
      expect(expectError(facts.projects["no-such-project"]).missingPermission).toBe("resourcemanager.projects.get");
    });
  });

  test("429 then 200 is retried (honouring Retry-After) and the fact is read", async () => {
    await withEmulator(loadFixture("healthy"), async (emulator) => {
      emulator.inject({ path: ":getIamPolicy", method: "POST", status: 429, times: 2, headers: { "retry-after": "0" } });
      const { facts, calls } = await runReader(prodRequest(), options(emulator));
      expect(project(facts, "shop-prod").iamPolicy).toHaveLength(4);
      const policyCall = calls.find((call) => call.methodId === "cloudresourcemanager.projects.getIamPolicy");
      expect(policyCall).toMatchObject({ attempts: 3, status: 200 });
      expect(emulator.requests.filter((request) => request.path === "/v1/projects/shop-prod:getIamPolicy").map((r) => r.status)).toEqual([429, 429, 200]);
    });
  });

  test("503 on a gax (deny policy) call is retried by the same transport", async () => {
    await withEmulator(loadFixture("broken"), async (emulator) => {
      emulator.inject({ path: "/denypolicies/no-node-logging", status: 503, times: 1 });
      const { facts } = await runReader(devRequest(), options(emulator));
      expect(project(facts, "shop-dev").denyRules).toHaveLength(2);
    });
  });

  test("retries are bounded: a persistent 500 becomes a LiveError after the last attempt", async () => {
    await withEmulator(loadFixture("healthy"), async (emulator) => {
      emulator.inject({ path: "/v1/roles/container.serviceAgent", status: 500 });
      const { facts } = await runReader(prodRequest(), options(emulator, { retries: 2 }));
      expect(expectError(facts.roles["roles/container.serviceAgent"]).error).toBe("iam.roles.get: HTTP 500: injected fault (after 3 attempts)");
      expect(emulator.requests.filter((request) => request.path === "/v1/roles/container.serviceAgent")).toHaveLength(3);
    });
  });

  test("a call that does not answer in time becomes a LiveError; the rest of the run completes", async () => {
    await withEmulator(loadFixture("healthy"), async (emulator) => {
      // The emulator holds the answer until it stops; the reader gives up at its deadline and reports it.
      emulator.inject({ path: "/serviceAccounts/gke-nodes@shop-prod.iam.gserviceaccount.com", method: "GET", delayMs: UNTIL_STOPPED });
      const { facts } = await runReader(prodRequest(), options(emulator, { timeoutMs: TIMEOUT_TEST_MS }));
      expect(expectError(facts.serviceAccounts[PROD_NODES]).error).toBe(`iam.projects.serviceAccounts.get: no complete answer within ${TIMEOUT_TEST_MS} ms`);
      expect(project(facts, "shop-prod").enabledServices).toHaveLength(7);
    });
  });

  test("concurrency is bounded", async () => {
    await withEmulator(loadFixture("healthy"), async (emulator) => {
      emulator.inject({ path: "/", delayMs: 30 });
      await runReader(prodRequest(), options(emulator, { concurrency: 2 }));
      expect(emulator.maxInFlight).toBeLessThanOrEqual(2);
      expect(emulator.requests.length).toBeGreaterThan(10);
    });
  });

  test("progress is reported and ends complete", async () => {
    await withEmulator(loadFixture("healthy"), async (emulator) => {
      const { progress: seen } = await runReader(prodRequest(), options(emulator));
      const [done, total] = seen[seen.length - 1]!;
      expect(done).toBe(total);
      expect(total).toBeGreaterThan(10);
      expect(seen.every(([d, t]) => d <= t)).toBe(true);
    });
  });

  test("PREFLIGHT_API_ENDPOINT and GOOGLE_OAUTH_ACCESS_TOKEN are read from the environment", async () => {
    await withEmulator(loadFixture("healthy"), async (emulator) => {
      const { facts } = await runReader(prodRequest(), {
        env: { PREFLIGHT_API_ENDPOINT: emulator.url, GOOGLE_OAUTH_ACCESS_TOKEN: FAKE_TOKEN },
        backoffMs: 5,
      });
      expect(project(facts, "shop-prod").projectNumber).toBe("123456789012");
      expect(emulator.requests.every((request) => request.authorized)).toBe(true);
    });
  });

  test("an expired or wrong token: every fact says 401, nothing is retried forever", async () => {
    await withEmulator(loadFixture("healthy"), async (emulator) => {
      const { facts } = await runReader(prodRequest(), { ...options(emulator), accessToken: "ya29.some-other-expired-token-abcdef" });
      expect(expectError(facts.projects["shop-prod"]).error).toMatch(/HTTP 401/);
      expect(emulator.requests.length).toBeLessThan(15);
    });
  });
});

describe("read-only by construction", () => {
  test("every request the emulator saw is an allowlisted read method", async () => {
    const seen: string[] = [];
    // The resource reads of GKE012–GKE016, on their own fixture.
    const resources: LiveRequest = {
      projects: [],
      serviceAccounts: [],
      roles: [],
      callerPermissions: {},
      actAsChecks: [],
      subnetworks: { "projects/acme-net-host/regions/europe-west1/subnetworks/gke-nodes": ["iamPolicy", "secondaryRanges"] },
      cryptoKeys: ["projects/acme-kms/locations/europe-west1/keyRings/gke/cryptoKeys/secrets"],
      workloadPoolProjects: ["acme-prod"],
      serverConfigs: ["projects/acme-prod/locations/europe-west1"],
    };
    for (const [name, request] of [
      ["healthy", prodRequest()],
      ["broken", devRequest()],
      ["resources", resources],
    ] as const) {
      await withEmulator(loadFixture(name), async (emulator) => {
        await runReader(request, options(emulator));
        for (const recorded of emulator.requests) {
          const allowed = matchAllowedMethod(recorded.method, `http://127.0.0.1${recorded.url}`);
          expect(allowed).toBeDefined();
          expect(recorded.method_id).toBeDefined();
          seen.push(allowed!.id);
        }
      });
    }
    // Every allowlisted method is exercised by the two fixtures, and nothing else is.
    expect(new Set(seen)).toEqual(new Set(ALLOWED_METHODS.map((method) => method.id)));
  });

  test("the allowlist holds no method that writes", () => {
    for (const method of ALLOWED_METHODS) {
      expect(method.id).toMatch(/\.(get|getAncestry|getIamPolicy|testIamPermissions|list|listPolicies|getPolicy|getServerConfig)$/);
      expect(method.path.source).not.toMatch(/setIamPolicy|enable|create|delete|patch|update|undelete/i);
    }
  });
});
