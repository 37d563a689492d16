import { ALLOWED_METHODS, DOCTOR_METHODS, matchAllowedMethod, matchKubernetesRead } from "../../src/live/allowlist";

describe("the doctor's Google reads", () => {
  test("are reads, each by method and path", () => {
    for (const method of DOCTOR_METHODS) {
      expect(method.id).toMatch(/\.(get|list|testIamPermissions|tokeninfo)$/);
      expect(method.path.source).not.toMatch(/set|enable|create|delete|patch|update|rollback|cancel|complete|start/i);
    }
    const url = (path: string) => `https://container.googleapis.com${path}`;
    expect(matchAllowedMethod("GET", url("/v1/projects/p/locations/europe-west1/clusters/c"), DOCTOR_METHODS)?.id).toBe("container.projects.locations.clusters.get");
    expect(matchAllowedMethod("GET", url("/v1/projects/p/locations/-/clusters"), DOCTOR_METHODS)?.id).toBe("container.projects.locations.clusters.list");
    expect(matchAllowedMethod("GET", url("/v1/projects/p/locations/-/operations"), DOCTOR_METHODS)?.id).toBe("container.projects.locations.operations.list");
    expect(matchAllowedMethod("POST", "https://oauth2.googleapis.com/tokeninfo", DOCTOR_METHODS)?.id).toBe("oauth2.tokeninfo");
    // Writes on the same resources are refused.
    for (const [method, path] of [
      ["DELETE", "/v1/projects/p/locations/l/clusters/c"],
      ["PUT", "/v1/projects/p/locations/l/clusters/c"],
      ["POST", "/v1/projects/p/locations/l/clusters/c:setMasterAuth"],
      ["POST", "/v1/projects/p/locations/l/clusters/c/nodePools/np:rollback"],
      ["POST", "/v1/projects/p/locations/l/operations/op:cancel"],
      ["POST", "/v1/projects/p/locations/l/clusters/c:startIpRotation"],
      ["GET", "/tokeninfo"],
    ] as const) {
      expect([method, path, matchAllowedMethod(method, url(path), DOCTOR_METHODS)]).toEqual([method, path, undefined]);
    }
  });

  test("--live's own list does not gain them (it lists clusters only on locations/-, and reads the server config)", () => {
    expect(matchAllowedMethod("GET", "https://container.googleapis.com/v1/projects/p/locations/l/clusters/c")).toBeUndefined();
    expect(matchAllowedMethod("GET", "https://container.googleapis.com/v1/projects/p/locations/europe-west1/clusters")).toBeUndefined();
    expect(matchAllowedMethod("GET", "https://container.googleapis.com/v1/projects/p/locations/-/operations")).toBeUndefined();
    expect(matchAllowedMethod("POST", "https://oauth2.googleapis.com/tokeninfo")).toBeUndefined();
    expect(ALLOWED_METHODS.filter((method) => method.id.startsWith("container.") || method.id.startsWith("oauth2.")).map((method) => method.id).sort()).toEqual([
      "container.projects.locations.clusters.list",
      "container.projects.locations.getServerConfig",
    ]);
  });
});

describe("the Kubernetes API rule", () => {
  const endpoint = "34.77.1.2";
  test("allows GET /version and /api/v1/namespaces on the cluster's endpoint only", () => {
    expect(matchKubernetesRead("GET", "https://34.77.1.2/api/v1/namespaces", endpoint)?.id).toBe("kubernetes.namespaces.list");
    expect(matchKubernetesRead("GET", "https://34.77.1.2/api/v1/namespaces?limit=1", endpoint)?.id).toBe("kubernetes.namespaces.list");
    expect(matchKubernetesRead("get", "https://34.77.1.2/version", endpoint)?.id).toBe("kubernetes.version");
    expect(matchKubernetesRead("GET", "https://127.0.0.1:6443/version", "127.0.0.1:6443")?.id).toBe("kubernetes.version");
  });

  test.each([
    ["POST", "https://34.77.1.2/api/v1/namespaces"],
    ["DELETE", "https://34.77.1.2/api/v1/namespaces"],
    ["GET", "http://34.77.1.2/api/v1/namespaces"],
    ["GET", "https://34.77.1.3/api/v1/namespaces"],
    ["GET", "https://34.77.1.2:8443/api/v1/namespaces"],
    ["GET", "https://evil.example/api/v1/namespaces"],
    ["GET", "https://user:pw@34.77.1.2/api/v1/namespaces"],
    ["GET", "https://34.77.1.2/api/v1/namespaces/kube-system"],
    ["GET", "https://34.77.1.2/api/v1/secrets"],
    ["GET", "https://34.77.1.2/api/v1/namespaces?watch=true"],
    ["GET", "https://34.77.1.2/api/v1/namespaces?limit=1&fieldSelector=x"],
    ["GET", "https://34.77.1.2/api/v1/namespaces/"],
    ["GET", "not a url"],
  ])("refuses %s %s", (method, url) => {
    expect(matchKubernetesRead(method, url, endpoint)).toBeUndefined();
  });

  test("refuses everything when the endpoint itself is odd", () => {
    expect(matchKubernetesRead("GET", "https://34.77.1.2/version", "34.77.1.2/prefix")).toBeUndefined();
    expect(matchKubernetesRead("GET", "https://34.77.1.2/version", "")).toBeUndefined();
  });
});
