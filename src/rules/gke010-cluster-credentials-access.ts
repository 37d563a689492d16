import { sh } from "../text/shell";
import { hclReference, hclString, literalOr, tsString } from "../text/code-text";
import type { Rule, RuleContext, Verdict } from "./types";
import type { Resource } from "../model/types";
import type { KubeProviderUse } from "../facts/kubernetes-providers";
import { isUnknown } from "../model/unknown";
import { block, booleanAttribute, stringAttribute } from "../model/access";
import { CLUSTER } from "../facts/gke/node-identities";
import { textRemediation } from "./remediation";

const AUTH_PLUGIN = "gke-gcloud-auth-plugin";

/**
 * GKE010: Kubernetes providers configured from a cluster authenticate with a Google token
 * (google_client_config's access_token, or exec with gke-gcloud-auth-plugin) and their identity
 * holds container.clusters.get; legacy basic auth and client certificates are not used.
 */
export const gke010ClusterCredentialsAccess: Rule = {
  meta: {
    id: "GKE010",
    slug: "cluster-credentials-access",
    title: "Kubernetes providers reach the cluster with a Google token and container.clusters.get",
    severity: "error",
    rationale:
      "A kubernetes or helm provider pointed at a GKE endpoint needs a credential the API server accepts: a Google OAuth token (from " +
      "google_client_config, or the gke-gcloud-auth-plugin exec plugin), held by an identity with container.clusters.get. Without a " +
      "token the calls return 401 Unauthorized; without the permission, 403 Required \"container.clusters.get\" permission(s). Basic " +
      "authentication and issued client certificates are legacy: basic auth is removed from GKE and a client certificate's user has no " +
      "RBAC rights by default.",
    googleDocUrl: "https://cloud.google.com/kubernetes-engine/docs/troubleshooting/4xx-errors",
    resourceTypes: [CLUSTER],
  },
  // container.clusters.get, tested where each provider's cluster already is.
  liveNeeds: (ctx) => {
    const callerPermissions: Record<string, string[]> = {};
    for (const use of ctx.facts.kubernetesProviders) if (use.project && !ctx.iam.catalog.isCreatedHere(use.project)) callerPermissions[use.project] = ["container.clusters.get"];
    return { callerPermissions };
  },
  check(ctx: RuleContext): Verdict[] {
    const verdicts: Verdict[] = ctx.gke.clusters.map((c) => legacyAuthVerdict(c.resource));
    for (const use of ctx.facts.kubernetesProviders) verdicts.push(providerVerdict(use, ctx));
    return verdicts;
  },
};

function legacyAuthVerdict(cluster: Resource): Verdict {
  const address = cluster.address;
  const raw = booleanAttribute(cluster.values, "master_auth", "client_certificate_config", "issue_client_certificate");
  // Computed by the provider (no expression behind it) means not configured: GKE's default is false.
  const issue = isUnknown(raw) && raw.references.length === 0 && !raw.template ? undefined : raw;
  const username = stringAttribute(cluster.values, "master_auth", "username");
  const password = stringAttribute(cluster.values, "master_auth", "password");
  const problems: string[] = [];
  if (issue === true) problems.push("master_auth.client_certificate_config.issue_client_certificate = true (a legacy client certificate)");
  if ((typeof username === "string" && username) || (typeof password === "string" && password)) problems.push("master_auth sets username/password (basic authentication, removed from GKE)");
  if (problems.length === 0) {
    if (isUnknown(issue)) return { status: "unknown", address, message: `Whether ${address} issues a legacy client certificate is only known after apply`, decideWith: "write issue_client_certificate as a literal" };
    return { status: "pass", address, message: `${address} uses neither basic authentication nor a legacy client certificate` };
  }
  return {
    status: "fail",
    address,
    message: `${address}: ${problems.join("; ")}; authenticate with Google credentials instead`,
    remediation: textRemediation(
      `Remove username/password and set issue_client_certificate = false on ${address}; connect with gke-gcloud-auth-plugin or a google_client_config token.`,
      [`gcloud components install gke-gcloud-auth-plugin`, sh`gcloud container clusters get-credentials ${literalOr(cluster.values.name, "CLUSTER_NAME")} --location=${literalOr(cluster.values.location, "LOCATION")}`],
      `// on the ContainerCluster: masterAuth: { clientCertificateConfig: { issueClientCertificate: false } }  (and no username/password)`,
      `master_auth {\n  client_certificate_config {\n    issue_client_certificate = false\n  }\n}`,
    ),
  };
}

function providerVerdict(use: KubeProviderUse, ctx: RuleContext): Verdict {
  const { provider, settings, cluster, project } = use;
  const address = cluster.address;
  const label = `provider ${provider.key}`;
  const details = { provider: provider.key, cluster: cluster.address, ...(project ? { project } : {}) };
  const token = settings.token;
  const exec = block(settings.exec);
  const command = exec ? stringAttribute(exec, "command") : undefined;
  const hasCert = settings.client_certificate !== undefined && settings.client_certificate !== null;
  const hasBasic = (settings.username !== undefined && settings.username !== null) || (settings.password !== undefined && settings.password !== null);
  const fix = tokenRemediation(use);
  if (hasBasic || (hasCert && token === undefined && !exec)) {
    return { status: "fail", address, message: `The ${label} authenticates to ${address} with ${hasBasic ? "basic authentication" : "a client certificate"}: GKE rejects basic auth and a client certificate's user has no RBAC rights by default (401/403)`, remediation: fix, details };
  }
  let source: string | undefined;
  if (isUnknown(token) && token.references.some((r) => /(^|\.)data\.google_client_config\./.test(r))) source = "an access token from google_client_config";
  else if (typeof command === "string" && command.split("/").pop() === AUTH_PLUGIN) source = AUTH_PLUGIN;
  if (!source) {
    if (token === undefined && !exec && settings.config_path === undefined && settings.config_paths === undefined) {
      return { status: "fail", address, message: `The ${label} takes its host from ${address} but has no token, exec plugin or kubeconfig: every call returns 401 Unauthorized`, remediation: fix, details };
    }
    return { status: "unknown", address, message: `The ${label} connects to ${address} with credentials this tool cannot judge (${exec ? `exec ${typeof command === "string" ? command : "(computed)"}` : token !== undefined ? "a token not from google_client_config" : "a kubeconfig"})`, decideWith: `use google_client_config's access_token or exec ${AUTH_PLUGIN}`, remediation: fix, details };
  }
  if (!project) {
    return { status: "unknown", address, message: `The ${label} connects with ${source}; the project of ${address} is not known, so container.clusters.get cannot be checked`, decideWith: "set project on the cluster or its provider", details };
  }
  const held = ctx.live.callerPermissions(project);
  if (held && "value" in held) {
    if (held.value.includes("container.clusters.get")) return { status: "pass", address, message: `The ${label} connects with ${source}, and the identity running it holds container.clusters.get on ${project} (read live)`, details };
    return { status: "fail", address, message: `The identity running the ${label} lacks container.clusters.get on ${project} (read live): 403 Required "container.clusters.get" permission(s)`, remediation: clusterViewerRemediation(project), details };
  }
  return {
    status: "unknown",
    address,
    message: `The ${label} connects to ${address} with ${source}; the identity running it needs container.clusters.get on ${project} (roles/container.clusterViewer or higher)`,
    reason: "the identity that runs the apply is not in the plan",
    decideWith: "--live tests it with testIamPermissions",
    remediation: clusterViewerRemediation(project),
    details,
  };
}

function tokenRemediation(use: KubeProviderUse): ReturnType<typeof textRemediation> {
  const c = hclReference(use.cluster.address) ?? "google_container_cluster.CLUSTER";
  return textRemediation(
    `Configure the ${use.provider.key} provider with host, cluster CA and a Google access token from google_client_config (or exec ${AUTH_PLUGIN}).`,
    [`gcloud components install gke-gcloud-auth-plugin`, sh`gcloud container clusters get-credentials ${literalOr(use.cluster.values.name, "CLUSTER_NAME")} --location=${literalOr(use.cluster.values.location, "LOCATION")}` + (use.project ? sh` --project=${use.project}` : "")],
    [
      `import { DataGoogleClientConfig } from "@cdktf/provider-google/lib/data-google-client-config";`,
      `import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";`,
      `import { Fn } from "cdktf";`,
      "",
      `const client = new DataGoogleClientConfig(this, "client");`,
      `new KubernetesProvider(this, "kubernetes", {`,
      "  host: `https://${cluster.endpoint}`,",
      `  token: client.accessToken,`,
      `  clusterCaCertificate: Fn.base64decode(cluster.masterAuth.clusterCaCertificate),`,
      `});`,
    ].join("\n"),
    [
      `data "google_client_config" "default" {}`,
      "",
      `provider "kubernetes" {`,
      `  host                   = "https://\${${c}.endpoint}"`,
      `  token                  = data.google_client_config.default.access_token`,
      `  cluster_ca_certificate = base64decode(${c}.master_auth[0].cluster_ca_certificate)`,
      `}`,
    ].join("\n"),
  );
}

function clusterViewerRemediation(project: string): ReturnType<typeof textRemediation> {
  return textRemediation(
    `Grant the identity that runs the apply roles/container.clusterViewer (container.clusters.get) on ${project}.`,
    [`# which account runs it:`, `gcloud auth list`, sh`gcloud projects add-iam-policy-binding ${project} --member="user:DEPLOYER_EMAIL" --role="roles/container.clusterViewer" --condition=None`],
    `// grant it from an admin stack:\nnew ProjectIamMember(this, "deployer-cluster-viewer", { project: ${tsString(project)}, role: "roles/container.clusterViewer", member: "user:DEPLOYER_EMAIL" });`,
    `resource "google_project_iam_member" "deployer_cluster_viewer" {\n  project = ${hclString(project)}\n  role    = "roles/container.clusterViewer"\n  member  = "user:DEPLOYER_EMAIL"\n}`,
  );
}
