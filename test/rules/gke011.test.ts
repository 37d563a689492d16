import { computed, ref } from "../support/plan-builder";
import { cluster, nodePool, projectData, apis, nodeAccount, grant, agentGrant, PROJECT } from "../support/scenarios";
import { planFindings, tfFindings, stack, tf, verdicts } from "./helpers";
import type { LiveBinding, LiveFacts, LiveRepository, LiveError } from "../../src/live/facts";

const RULE = "GKE011";
const repo = { type: "google_artifact_registry_repository", name: "images", values: { project: PROJECT, location: "europe-west1", repository_id: "images", format: "DOCKER", id: computed, name: computed } };
const platform = [projectData, ...apis(), nodeAccount, grant("nodes_default_node_sa", "roles/container.defaultNodeServiceAccount"), agentGrant, cluster(), nodePool()];

describe("GKE011 registry-pull on plan JSON", () => {
  test("fail: a private repository and node accounts without downloadArtifacts", () => {
    const findings = planFindings(RULE, [...platform, repo]);
    expect(verdicts(findings)).toEqual(["fail google_container_cluster.primary", "fail google_container_node_pool.primary_nodes"]);
    expect(findings[0].message).toContain("ImagePullBackOff");
    expect(findings[0].remediation.gcloud.join("\n")).toContain('--role="roles/artifactregistry.reader"');
  });

  test("unknown: the node account is made elsewhere and its grants are not visible", () => {
    const findings = planFindings(RULE, [repo, nodePool("ci-nodes@acme-prod.iam.gserviceaccount.com")]);
    expect(verdicts(findings)).toEqual(["unknown google_container_node_pool.primary_nodes"]);
    expect(findings[0].decideWith).toMatch(/--live/);
  });

  test("pass: roles/artifactregistry.reader on the project", () => {
    expect(verdicts(planFindings(RULE, [...platform, repo, grant("nodes_reader", "roles/artifactregistry.reader")]))).toEqual(["pass google_container_cluster.primary", "pass google_container_node_pool.primary_nodes"]);
  });

  test("pass: a repository-level grant by reference", () => {
    const repoGrant = { type: "google_artifact_registry_repository_iam_member", name: "nodes_pull", values: { project: PROJECT, location: "europe-west1", repository: ref("google_artifact_registry_repository.images.name"), role: "roles/artifactregistry.reader", member: ref("google_service_account.gke_nodes.member"), etag: computed, id: computed } };
    expect(verdicts(planFindings(RULE, [...platform, repo, repoGrant]))).toEqual(["pass google_container_cluster.primary", "pass google_container_node_pool.primary_nodes"]);
  });

  test("no repository in the configuration: nothing to say", () => {
    expect(planFindings(RULE, platform)).toEqual([]);
  });
});

describe("GKE011: a repository _iam_policy of the configuration", () => {
  test("plan JSON: policy_data that grants the reader role to the node account: pass; to someone else: fail", () => {
    const policy = (member: unknown) => ({ type: "google_artifact_registry_repository_iam_policy", name: "images", values: { project: PROJECT, location: "europe-west1", repository: ref("google_artifact_registry_repository.images.name"), policy_data: JSON.stringify({ bindings: [{ role: "roles/artifactregistry.reader", members: [member] }] }), etag: computed } });
    expect(verdicts(planFindings(RULE, [...platform, repo, policy("serviceAccount:gke-nodes@acme-prod.iam.gserviceaccount.com")]))).toEqual(["pass google_container_cluster.primary", "pass google_container_node_pool.primary_nodes"]);
    expect(verdicts(planFindings(RULE, [...platform, repo, policy("group:devs@acme.example")]))).toEqual(["fail google_container_cluster.primary", "fail google_container_node_pool.primary_nodes"]);
  });

  test("plan JSON: policy_data known only after apply leaves it open, for the cluster and the pool alike (the shared project answer does not hide it)", () => {
    const policy = { type: "google_artifact_registry_repository_iam_policy", name: "images", values: { project: PROJECT, location: "europe-west1", repository: "images", policy_data: computed, etag: computed } };
    expect(verdicts(planFindings(RULE, [...platform, repo, policy]))).toEqual(["unknown google_container_cluster.primary", "unknown google_container_node_pool.primary_nodes"]);
  });

  test("cdk.tf.json: policy_data from a google_iam_policy data source naming the node account: pass", () => {
    const json = stack(
      {
        google_service_account: { nodes_sa: tf.account },
        google_container_node_pool: { pool: tf.pool({ cluster: "demo" }) },
        google_artifact_registry_repository: { images: { location: "europe-west1", repository_id: "images", format: "DOCKER" } },
        google_artifact_registry_repository_iam_policy: { images: { location: "europe-west1", repository: "${google_artifact_registry_repository.images.name}", policy_data: "${data.google_iam_policy.pull.policy_data}" } },
      },
      { data: { google_iam_policy: { pull: { binding: [{ role: "roles/artifactregistry.reader", members: ["serviceAccount:${google_service_account.nodes_sa.email}"] }] } } } },
    );
    expect(verdicts(tfFindings(RULE, json))).toEqual(["pass google_container_node_pool.pool"]);
  });
});

describe("GKE011 registry-pull on cdk.tf.json", () => {
  const base = {
    google_service_account: { nodes_sa: tf.account },
    google_project_iam_member: { nodes_default_node_sa: tf.nodeGrant },
    google_container_node_pool: { pool: tf.pool({ cluster: "demo" }) },
    google_artifact_registry_repository: { images: { location: "europe-west1", repository_id: "images", format: "DOCKER" } },
  };

  test("fail: nothing grants the pool's account a pull role", () => {
    const findings = tfFindings(RULE, stack(base));
    expect(verdicts(findings)).toEqual(["fail google_container_node_pool.pool"]);
    expect(findings[0].remediation.hcl).toContain('member  = "serviceAccount:${google_service_account.nodes_sa.email}"');
  });

  test("unknown: a conditional repository grant may apply", () => {
    const json = stack({ ...base, google_artifact_registry_repository_iam_member: { pull: { location: "europe-west1", repository: "${google_artifact_registry_repository.images.name}", role: "roles/artifactregistry.reader", member: "serviceAccount:${google_service_account.nodes_sa.email}", condition: { title: "weekdays", expression: "request.time.getDayOfWeek() < 5" } } } });
    expect(verdicts(tfFindings(RULE, json))).toEqual(["unknown google_container_node_pool.pool"]);
  });

  test("pass: a repository-level reader grant", () => {
    const json = stack({ ...base, google_artifact_registry_repository_iam_member: { pull: { location: "europe-west1", repository: "images", role: "roles/artifactregistry.reader", member: "serviceAccount:${google_service_account.nodes_sa.email}" } } });
    expect(verdicts(tfFindings(RULE, json))).toEqual(["pass google_container_node_pool.pool"]);
  });
});

describe("GKE011 with --live: the IAM policy of a repository that exists already", () => {
  const CI = "ci-nodes@acme-prod.iam.gserviceaccount.com";
  const NAME = `projects/${PROJECT}/locations/europe-west1/repositories/images`;
  const existing = { ...repo, actions: ["no-op"], values: { ...repo.values, id: NAME, name: NAME } };
  const pool = nodePool(CI);
  /** The project policy is read (nothing in it for the nodes), plus what the repository's read gave. */
  const live = (repository: LiveRepository | LiveError | undefined, roles: LiveFacts["roles"] = {}): LiveFacts => ({
    projects: { [PROJECT]: { projectId: PROJECT, projectNumber: "123456789012", iamPolicy: [], ancestry: [`projects/${PROJECT}`], enabledServices: [], denyRules: [] } },
    serviceAccounts: {},
    roles,
    ...(repository && { artifactRepositories: { [NAME]: repository } }),
  });
  const policy = (...bindings: LiveBinding[]): LiveRepository => ({ name: NAME, exists: true, iamPolicy: bindings });
  const reader = (member = `serviceAccount:${CI}`): LiveBinding => ({ role: "roles/artifactregistry.reader", members: [member] });

  test("offline: unknown", () => {
    const findings = planFindings(RULE, [existing, pool]);
    expect(verdicts(findings)).toEqual(["unknown google_container_node_pool.primary_nodes"]);
    expect(findings[0].decideWith).toMatch(/--live/);
  });

  test("a node account the plan creates: fail, the existing repository's policy cannot name it", () => {
    const created = planFindings(RULE, [...platform, existing], { live: live(policy(reader())) });
    expect(verdicts(created)).toEqual(["fail google_container_cluster.primary", "fail google_container_node_pool.primary_nodes"]);
  });

  test("pass: the repository's live policy grants the reader role to the node account", () => {
    const findings = planFindings(RULE, [existing, pool], { live: live(policy(reader())) });
    expect(verdicts(findings)).toEqual(["pass google_container_node_pool.primary_nodes"]);
  });

  test("pass: a custom role on the repository, its permissions read live", () => {
    const role = "projects/acme-prod/roles/imagePuller";
    const facts = live(policy({ role, members: [`serviceAccount:${CI}`] }), { [role]: ["artifactregistry.repositories.downloadArtifacts"] });
    expect(verdicts(planFindings(RULE, [existing, pool], { live: facts }))).toEqual(["pass google_container_node_pool.primary_nodes"]);
  });

  test("fail: the repository's live policy grants nothing to the node account", () => {
    const findings = planFindings(RULE, [existing, pool], { live: live(policy(reader("serviceAccount:other@acme-prod.iam.gserviceaccount.com"))) });
    expect(verdicts(findings)).toEqual(["fail google_container_node_pool.primary_nodes"]);
  });

  test("fail: a repository not there yet (404) has no grant outside the configuration", () => {
    expect(verdicts(planFindings(RULE, [existing, pool], { live: live({ name: NAME, exists: false }) }))).toEqual(["fail google_container_node_pool.primary_nodes"]);
  });

  test("unknown: the read was refused; the reason names the permission the caller lacks", () => {
    const refused = { error: "artifactregistry.projects.locations.repositories.getIamPolicy: HTTP 403: denied", missingPermission: "artifactregistry.repositories.getIamPolicy" };
    const findings = planFindings(RULE, [existing, pool], { live: live(refused) });
    expect(verdicts(findings)).toEqual(["unknown google_container_node_pool.primary_nodes"]);
    expect(findings[0].reason).toBe("the IAM policy of google_artifact_registry_repository.images could not be read: the caller lacks artifactregistry.repositories.getIamPolicy");
  });

  test("unknown: --live ran but the repository was not read", () => {
    const findings = planFindings(RULE, [existing, pool], { live: live(undefined) });
    expect(findings[0].reason).toBe("--live did not read the IAM policy of google_artifact_registry_repository.images");
  });

  test("unknown: the live grant is conditional", () => {
    const facts = live(policy({ ...reader(), condition: { expression: "request.time.getHours('UTC') < 18" } }));
    const findings = planFindings(RULE, [existing, pool], { live: facts });
    expect(verdicts(findings)).toEqual(["unknown google_container_node_pool.primary_nodes"]);
    expect(findings[0].reason).toMatch(/only under an IAM condition/);
  });

  test("fail: the plan destroys the member grant that the live policy shows, or an authoritative binding leaves the account out", () => {
    const destroyed = { type: "google_artifact_registry_repository_iam_member", name: "pull", actions: ["delete"], values: { project: PROJECT, location: "europe-west1", repository: NAME, role: "roles/artifactregistry.reader", member: `serviceAccount:${CI}` } };
    expect(verdicts(planFindings(RULE, [existing, pool, destroyed], { live: live(policy(reader())) }))).toEqual(["fail google_container_node_pool.primary_nodes"]);
    const authoritative = { type: "google_artifact_registry_repository_iam_binding", name: "readers", values: { project: PROJECT, location: "europe-west1", repository: NAME, role: "roles/artifactregistry.reader", members: ["group:devs@acme.example"] } };
    expect(verdicts(planFindings(RULE, [existing, pool, authoritative], { live: live(policy(reader())) }))).toEqual(["fail google_container_node_pool.primary_nodes"]);
    // Destroying a binding of the role empties it.
    const bindingGone = { ...authoritative, actions: ["delete"], values: { ...authoritative.values, members: [`serviceAccount:${CI}`] } };
    expect(verdicts(planFindings(RULE, [existing, pool, bindingGone], { live: live(policy(reader())) }))).toEqual(["fail google_container_node_pool.primary_nodes"]);
  });

  test("fail: a live deny rule on the project takes downloadArtifacts from the node account", () => {
    const facts = live(policy(reader()));
    const project = facts.projects[PROJECT] as { denyRules: unknown[] };
    project.denyRules = [{ policy: "policies/x/denypolicies/no-pull", deniedPrincipals: [`principal://iam.googleapis.com/projects/-/serviceAccounts/${CI}`], exceptionPrincipals: [], deniedPermissions: ["artifactregistry.googleapis.com/repositories.downloadArtifacts"], exceptionPermissions: [] }];
    expect(verdicts(planFindings(RULE, [existing, pool], { live: facts }))).toEqual(["fail google_container_node_pool.primary_nodes"]);
  });

  describe("IAM deny policies read live", () => {
    const principal = `principal://iam.googleapis.com/projects/-/serviceAccounts/${CI}`;
    const POLICY = "policies/cloudresourcemanager.googleapis.com%2Forganizations%2F7/denypolicies/no-pull";
    const denyRule = (extra: Record<string, unknown> = {}) => ({ policy: POLICY, attachedTo: "organizations/7", deniedPrincipals: [principal], exceptionPrincipals: [], deniedPermissions: ["artifactregistry.googleapis.com/repositories.downloadArtifacts"], exceptionPermissions: [], ...extra });
    /** The facts with these deny rules (or an unreadable read) on the project, and optionally a project-level binding. */
    const withDeny = (facts: LiveFacts, denyRules: unknown, projectBindings: LiveBinding[] = []): LiveFacts => {
      const project = facts.projects[PROJECT] as { denyRules: unknown; iamPolicy: LiveBinding[] };
      project.denyRules = denyRules;
      project.iamPolicy = projectBindings;
      return facts;
    };
    const configGrant = { type: "google_artifact_registry_repository_iam_member", name: "pull", values: { project: PROJECT, location: "europe-west1", repository: NAME, role: "roles/artifactregistry.reader", member: `serviceAccount:${CI}` } };
    const expectDenyFixOnly = (finding: { message: string; remediation: { summary: string; gcloud: string[]; hcl: string } }) => {
      expect(finding.message).toContain(`the IAM deny policy ${POLICY} (attached to organizations/7) denies it artifactregistry.repositories.downloadArtifacts, whatever is granted`);
      expect(finding.message).not.toMatch(/\(no artifactregistry|no grant/);
      expect(finding.remediation.summary).toMatch(/^In the deny rule that matches, add .* to exceptionPrincipals/);
      expect(finding.remediation.gcloud.join("\n")).toContain("gcloud iam policies get no-pull --attachment-point=cloudresourcemanager.googleapis.com/organizations/7 --kind=denypolicies");
      expect(finding.remediation.gcloud.join("\n")).not.toContain("roles/artifactregistry.reader");
      expect(finding.remediation.hcl).not.toContain("roles/artifactregistry.reader");
    };

    test("(a) a repository grant made in the configuration does not pass when a deny rule takes the permission", () => {
      const findings = planFindings(RULE, [existing, pool, configGrant], { live: withDeny(live(policy()), [denyRule()]) });
      expect(verdicts(findings)).toEqual(["fail google_container_node_pool.primary_nodes"]);
      expectDenyFixOnly(findings[0]);
      expect(findings[0]!.details?.denyPolicies).toEqual([POLICY]);
    });

    test("(a) a repository grant made in the configuration: a conditional deny rule or unreadable deny policies leave it unknown", () => {
      const conditional = planFindings(RULE, [existing, pool, configGrant], { live: withDeny(live(policy()), [denyRule({ condition: { expression: "resource.matchTag('env', 'prod')" } })]) });
      expect(verdicts(conditional)).toEqual(["unknown google_container_node_pool.primary_nodes"]);
      expect(conditional[0].reason).toBe(`the deny policy ${POLICY} denies artifactregistry.repositories.downloadArtifacts under a condition (resource.matchTag('env', 'prod'))`);
      const unreadable = planFindings(RULE, [existing, pool, configGrant], { live: withDeny(live(policy()), { error: "403", missingPermission: "iam.denypolicies.list" }) });
      expect(verdicts(unreadable)).toEqual(["unknown google_container_node_pool.primary_nodes"]);
      expect(unreadable[0].reason).toMatch(/the IAM deny policies of acme-prod could not be read/);
    });

    test("(b) a grant read live on the repository: a conditional deny rule or unreadable deny policies leave it unknown", () => {
      const conditional = planFindings(RULE, [existing, pool], { live: withDeny(live(policy(reader())), [denyRule({ condition: { expression: "resource.matchTag('env', 'prod')" } })]) });
      expect(verdicts(conditional)).toEqual(["unknown google_container_node_pool.primary_nodes"]);
      expect(conditional[0].reason).toMatch(/under a condition \(resource\.matchTag\('env', 'prod'\)\)/);
      const unreadable = planFindings(RULE, [existing, pool], { live: withDeny(live(policy(reader())), { error: "403", missingPermission: "iam.denypolicies.list" }) });
      expect(verdicts(unreadable)).toEqual(["unknown google_container_node_pool.primary_nodes"]);
      expect(unreadable[0].reason).toMatch(/the IAM deny policies of acme-prod could not be read/);
    });

    test("(c) granted on the repository (live) or on the project, then denied: the fail names the deny policy and gives only its fix", () => {
      const onRepository = planFindings(RULE, [existing, pool], { live: withDeny(live(policy(reader())), [denyRule()]) });
      expect(verdicts(onRepository)).toEqual(["fail google_container_node_pool.primary_nodes"]);
      expectDenyFixOnly(onRepository[0]);
      const onProject = planFindings(RULE, [existing, pool], { live: withDeny(live(policy()), [denyRule()], [reader()]) });
      expect(verdicts(onProject)).toEqual(["fail google_container_node_pool.primary_nodes"]);
      expectDenyFixOnly(onProject[0]);
    });

    test("(c) no grant and a deny rule: both are said and both fixes given", () => {
      const findings = planFindings(RULE, [existing, pool], { live: withDeny(live(policy()), [denyRule()]) });
      expect(verdicts(findings)).toEqual(["fail google_container_node_pool.primary_nodes"]);
      expect(findings[0].message).toContain(`no grant gives it artifactregistry.repositories.downloadArtifacts, and the IAM deny policy ${POLICY}`);
      const gcloud = findings[0].remediation.gcloud.join("\n");
      expect(gcloud).toContain('--role="roles/artifactregistry.reader"');
      expect(gcloud).toContain("gcloud iam policies update no-pull");
    });

    test("a deny rule for another account changes nothing", () => {
      const other = denyRule({ deniedPrincipals: ["principal://iam.googleapis.com/projects/-/serviceAccounts/other@acme-prod.iam.gserviceaccount.com"] });
      expect(verdicts(planFindings(RULE, [existing, pool, configGrant], { live: withDeny(live(policy()), [other]) }))).toEqual(["pass google_container_node_pool.primary_nodes"]);
    });
  });

  test("a repository the plan creates is not read: nothing can grant on it yet", () => {
    expect(verdicts(planFindings(RULE, [repo, pool], { live: live(undefined) }))).toEqual(["fail google_container_node_pool.primary_nodes"]);
  });

  test("a repository _iam_policy in the plan replaces the live policy: its own bindings decide", () => {
    const policy = (members: string[]) => ({ type: "google_artifact_registry_repository_iam_policy", name: "images", values: { project: PROJECT, location: "europe-west1", repository: NAME, policy_data: JSON.stringify({ bindings: [{ role: "roles/artifactregistry.reader", members }] }) } });
    expect(verdicts(planFindings(RULE, [existing, pool, policy([`serviceAccount:${CI}`])], { live: live({ name: NAME, exists: true, iamPolicy: [] }) }))).toEqual(["pass google_container_node_pool.primary_nodes"]);
    // The live policy grants it, but the plan's policy leaves the account out.
    expect(verdicts(planFindings(RULE, [existing, pool, policy(["group:devs@acme.example"])], { live: live({ name: NAME, exists: true, iamPolicy: [reader()] }) }))).toEqual(["fail google_container_node_pool.primary_nodes"]);
  });

  test("cdk.tf.json (existence not said): the live read decides", () => {
    const json = stack({ google_container_node_pool: { pool: tf.pool({ cluster: "demo", node_config: { service_account: CI } }) }, google_artifact_registry_repository: { images: { location: "europe-west1", repository_id: "images", format: "DOCKER" } } });
    expect(verdicts(tfFindings(RULE, json, { live: live(policy(reader())) }))).toEqual(["pass google_container_node_pool.pool"]);
    expect(verdicts(tfFindings(RULE, json, { live: live({ name: NAME, exists: false }) }))).toEqual(["fail google_container_node_pool.pool"]);
  });

  test("cdk.tf.json with the account defined in the stack: offline taken as new (fail, as for project grants); live, a repository grant naming it counts", () => {
    const json = stack({ google_service_account: { nodes_sa: tf.account }, google_container_node_pool: { pool: tf.pool({ cluster: "demo" }) }, google_artifact_registry_repository: { images: { location: "europe-west1", repository_id: "images", format: "DOCKER" } } });
    expect(verdicts(tfFindings(RULE, json))).toEqual(["fail google_container_node_pool.pool"]);
    expect(verdicts(tfFindings(RULE, json, { live: live(policy(reader(`serviceAccount:gke-nodes@${PROJECT}.iam.gserviceaccount.com`))) }))).toEqual(["pass google_container_node_pool.pool"]);
    expect(verdicts(tfFindings(RULE, json, { live: live(policy(reader())) }))).toEqual(["fail google_container_node_pool.pool"]);
  });
});

describe("GKE011: node access scopes", () => {
  const withScopes = (spec: ReturnType<typeof nodePool>, scopes: unknown) => ({
    ...spec,
    values: { ...spec.values, node_config: [{ ...(spec.values.node_config as Record<string, unknown>[])[0], oauth_scopes: scopes as never }] },
  });
  const readerGrant = grant("nodes_reader", "roles/artifactregistry.reader");

  test("plan JSON fail: explicit scopes without cloud-platform or devstorage block pulls whatever IAM grants", () => {
    const pool = withScopes(nodePool(), ["https://www.googleapis.com/auth/logging.write", "https://www.googleapis.com/auth/monitoring"]);
    const findings = planFindings(RULE, [...platform.filter((r) => r.type !== "google_container_node_pool"), pool, repo, readerGrant]);
    expect(verdicts(findings).sort()).toEqual(["fail google_container_node_pool.primary_nodes", "pass google_container_cluster.primary"]);
    const fail = findings.find((f) => f.status === "fail")!;
    expect(fail.message).toContain("hold neither cloud-platform nor a devstorage scope");
    expect(fail.message).toContain("node_config.oauth_scopes");
    expect(fail.remediation.summary).toContain("https://www.googleapis.com/auth/cloud-platform");
    expect(fail.remediation.summary).toMatch(/recommended/);
    expect(fail.remediation.hcl).toContain('oauth_scopes = ["https://www.googleapis.com/auth/cloud-platform"]');
    expect(fail.remediation.cdktf).toContain('nodeConfig: { oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"] }');
    expect(fail.details?.scopes).toEqual(["https://www.googleapis.com/auth/logging.write", "https://www.googleapis.com/auth/monitoring"]);
  });

  test.each([["storage-ro"], ["cloud-platform"], ["https://www.googleapis.com/auth/devstorage.read_write"], ["storage-full"]])("plan JSON pass: %s (the provider's short names are expanded) with a reader grant", (scope) => {
    const pool = withScopes(nodePool(), ["logging-write", scope]);
    const findings = planFindings(RULE, [...platform.filter((r) => r.type !== "google_container_node_pool"), pool, repo, readerGrant]);
    expect(verdicts(findings)).toEqual(["pass google_container_cluster.primary", "pass google_container_node_pool.primary_nodes"]);
  });

  test("plan JSON: scopes left to the provider (after_unknown, no expression) are GKE's defaults: IAM decides", () => {
    const pool = withScopes(nodePool(), computed);
    expect(verdicts(planFindings(RULE, [...platform.filter((r) => r.type !== "google_container_node_pool"), pool, repo, readerGrant]))).toEqual(["pass google_container_cluster.primary", "pass google_container_node_pool.primary_nodes"]);
    expect(verdicts(planFindings(RULE, [...platform.filter((r) => r.type !== "google_container_node_pool"), pool, repo]))).toContain("fail google_container_node_pool.primary_nodes");
  });

  test("plan JSON unknown: a scope computed from a reference, where IAM allows the pull", () => {
    const pool = withScopes(nodePool(), ref("random_pet.scope.id"));
    const findings = planFindings(RULE, [...platform.filter((r) => r.type !== "google_container_node_pool"), pool, repo, readerGrant]);
    expect(verdicts(findings).sort()).toEqual(["pass google_container_cluster.primary", "unknown google_container_node_pool.primary_nodes"]);
    const unknown = findings.find((f) => f.status === "unknown")!;
    expect(unknown.reason).toMatch(/only known after apply/);
    expect(unknown.message).not.toContain("${");
  });

  test("a failing scope wins even when the node account is not known", () => {
    const pool = withScopes(nodePool(ref("random_pet.account.id")), ["compute-ro"]);
    const findings = planFindings(RULE, [pool, repo]);
    expect(verdicts(findings)).toEqual(["fail google_container_node_pool.primary_nodes"]);
  });

  const base = {
    google_service_account: { nodes_sa: tf.account },
    google_project_iam_member: { nodes_default_node_sa: tf.nodeGrant, nodes_reader: { project: PROJECT, role: "roles/artifactregistry.reader", member: "serviceAccount:${google_service_account.nodes_sa.email}" } },
    google_artifact_registry_repository: { images: { location: "europe-west1", repository_id: "images", format: "DOCKER" } },
  };
  const poolWith = (scopes?: unknown) => ({ google_container_node_pool: { pool: { ...tf.pool({ cluster: "demo" }), node_config: { service_account: "${google_service_account.nodes_sa.email}", ...(scopes === undefined ? {} : { oauth_scopes: scopes }) } } } });

  test("cdk.tf.json: explicit scopes without a storage scope fail; cloud-platform passes; unset is GKE's defaults", () => {
    expect(verdicts(tfFindings(RULE, stack({ ...base, ...poolWith(["https://www.googleapis.com/auth/logging.write"]) })))).toEqual(["fail google_container_node_pool.pool"]);
    expect(verdicts(tfFindings(RULE, stack({ ...base, ...poolWith(["https://www.googleapis.com/auth/cloud-platform"]) })))).toEqual(["pass google_container_node_pool.pool"]);
    expect(verdicts(tfFindings(RULE, stack({ ...base, ...poolWith() })))).toEqual(["pass google_container_node_pool.pool"]);
    expect(verdicts(tfFindings(RULE, stack({ ...base, ...poolWith([]) })))).toEqual(["pass google_container_node_pool.pool"]);
    expect(verdicts(tfFindings(RULE, stack({ ...base, ...poolWith(["${var.scope}"]) })))).toEqual(["unknown google_container_node_pool.pool"]);
  });

  test("cdk.tf.json: Autopilot's auto_provisioning_defaults.oauth_scopes count too", () => {
    const cluster = { google_container_cluster: { ap: { name: "ap", location: "europe-west1", enable_autopilot: true, cluster_autoscaling: { auto_provisioning_defaults: { service_account: "${google_service_account.nodes_sa.email}", oauth_scopes: ["monitoring"] } } } } };
    const findings = tfFindings(RULE, stack({ ...base, ...cluster }));
    expect(verdicts(findings)).toEqual(["fail google_container_cluster.ap"]);
    expect(findings[0].remediation.cdktf).toContain('clusterAutoscaling: { autoProvisioningDefaults: { oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"] } }');
  });
});
