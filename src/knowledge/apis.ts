// Google APIs a GKE cluster needs on its project, as data with sources.
// Sources: docs/sources.md.

export interface ApiFact {
  name: string;
  title: string;
  /** Why GKE needs it, in our words. */
  why: string;
  /** Other APIs that must stay enabled while this one is. */
  dependsOn: readonly string[];
  /** Required for cluster creation (false: degrades a feature only). */
  requiredForCreate: boolean;
  sources: readonly string[];
}

const FACTS = "docs/sources.md";

export const API_FACTS: readonly ApiFact[] = Object.freeze([
  {
    name: "container.googleapis.com",
    title: "Kubernetes Engine API",
    why: "GKE itself; when disabled, cluster calls fail with 403 accessNotConfigured",
    dependsOn: ["compute.googleapis.com"],
    requiredForCreate: true,
    sources: [
      FACTS,
      "terraform-google-modules/terraform-google-kubernetes-engine@bb176b21 README.md (Requirements)",
      "https://cloud.google.com/kubernetes-engine/docs/troubleshooting/4xx-errors",
    ],
  },
  {
    name: "compute.googleapis.com",
    title: "Compute Engine API",
    why: "nodes, networks and instance groups; the Kubernetes Engine API depends on it, so it cannot be disabled while that one is enabled",
    dependsOn: [],
    requiredForCreate: true,
    sources: [
      FACTS,
      "hashicorp/terraform-provider-google#5424 (\"compute.googleapis.com is depended on by … container.googleapis.com\")",
      "terraform-google-modules/terraform-google-kubernetes-engine@bb176b21 README.md (Requirements)",
    ],
  },
] satisfies ApiFact[]);

/** The APIs GKE003 checks: those needed to create a cluster. */
export const GKE_REQUIRED_APIS: readonly string[] = Object.freeze(API_FACTS.filter((api) => api.requiredForCreate).map((api) => api.name));

export function apiFact(name: string): ApiFact | undefined {
  return API_FACTS.find((api) => api.name === name);
}

/** APIs that must stay enabled for `name` to work, transitively. */
export function apiDependencies(name: string): string[] {
  const seen = new Set<string>();
  const visit = (api: string): void => {
    for (const dep of apiFact(api)?.dependsOn ?? []) {
      if (!seen.has(dep)) {
        seen.add(dep);
        visit(dep);
      }
    }
  };
  visit(name);
  return [...seen];
}
