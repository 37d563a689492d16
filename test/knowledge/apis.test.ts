import { API_FACTS, GKE_REQUIRED_APIS, apiDependencies, apiFact } from "../../src/knowledge/apis";

/** APIs that depend on `name` (what breaks if it is disabled). */
function apiDependents(name: string): string[] {
  return API_FACTS.filter((api) => apiDependencies(api.name).includes(name)).map((api) => api.name);
}

describe("GKE APIs", () => {
  it("requires the Kubernetes Engine and Compute Engine APIs", () => {
    expect([...GKE_REQUIRED_APIS].sort()).toEqual(["compute.googleapis.com", "container.googleapis.com"]);
  });

  it("container depends on compute, and disabling compute breaks container", () => {
    expect(apiDependencies("container.googleapis.com")).toEqual(["compute.googleapis.com"]);
    expect(apiDependencies("compute.googleapis.com")).toEqual([]);
    expect(apiDependents("compute.googleapis.com")).toEqual(["container.googleapis.com"]);
  });

  it("every fact has sources and its dependencies are known facts", () => {
    for (const api of API_FACTS) {
      expect(api.sources.length).toBeGreaterThan(0);
      for (const dep of api.dependsOn) expect(apiFact(dep)).toBeDefined();
    }
    expect(apiFact("pubsub.googleapis.com")).toBeUndefined();
  });
});
