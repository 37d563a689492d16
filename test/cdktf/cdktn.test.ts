/**
 * The same preflight on the community fork cdktn 0.24 (there is no @cdktn/provider-google:
 * resources are cdktn's own TerraformResource with a type and their config as overrides).
 * The library imports neither runtime, so nothing here is special-cased.
 */
import { App, Aspects, TerraformProvider, TerraformResource, TerraformStack, Testing } from "cdktn";
import type { Construct } from "constructs";
import { GkePreflight } from "../../src/cdktf";
import { checkTerraformJson } from "../../src/library";
import { annotations, readStackJson } from "./helpers";

const MIN_ROLE = "roles/container.defaultNodeServiceAccount";
const REASON = "These nodes ship logs through a sidecar and need no metric permissions (RFC-42).";

class GoogleProvider extends TerraformProvider {
  constructor(scope: Construct, id: string, private readonly project: string) {
    super(scope, id, { terraformResourceType: "google", terraformGeneratorMetadata: { providerName: "google" } });
  }
  protected override synthesizeAttributes(): Record<string, unknown> {
    return { project: this.project, region: "europe-west1" };
  }
}

function resource(scope: Construct, id: string, type: string, config: Record<string, unknown>): TerraformResource {
  const r = new TerraformResource(scope, id, { terraformResourceType: type, terraformGeneratorMetadata: { providerName: "google" } });
  for (const [k, v] of Object.entries(config)) r.addOverride(k, v);
  return r;
}

function gkeStack(app: App, options: { nodeRole: string; stripServiceAgent?: boolean; apis?: boolean }) {
  const stack = new TerraformStack(app, "gke");
  new GoogleProvider(stack, "google", "p1");
  const apis = options.apis === false ? [] : ["container", "compute"].map((api) =>
    resource(stack, `${api}_api`, "google_project_service", { service: `${api}.googleapis.com`, disable_on_destroy: false }),
  );
  resource(stack, "nodes_sa", "google_service_account", { account_id: "gke-nodes" });
  const grant = resource(stack, "nodes_role", "google_project_iam_member", {
    project: "p1",
    role: options.nodeRole,
    member: "serviceAccount:${google_service_account.nodes_sa.email}",
  });
  if (options.stripServiceAgent) {
    resource(stack, "service_agents", "google_project_iam_binding", {
      project: "p1",
      role: "roles/container.serviceAgent",
      members: ["group:admins@example.com"],
    });
  }
  const cluster = resource(stack, "cluster", "google_container_cluster", {
    name: "c1",
    location: "europe-west1",
    initial_node_count: 1,
    node_config: { service_account: "${google_service_account.nodes_sa.email}" },
    depends_on: [...apis, grant].map((r) => `${r.terraformResourceType}.${r.friendlyUniqueId}`),
  });
  const pool = resource(stack, "pool", "google_container_node_pool", {
    name: "pool",
    cluster: "${google_container_cluster.cluster.name}",
    location: "europe-west1",
    node_config: { service_account: "${google_service_account.nodes_sa.email}" },
  });
  return { stack, cluster, pool, grant };
}

function synthError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("synth did not fail");
}

describe("cdktn 0.24", () => {
  it("is really cdktn that synthesizes here", () => {
    const app = Testing.app();
    const { stack } = gkeStack(app, { nodeRole: MIN_ROLE });
    GkePreflight.of(app);
    const json = readStackJson(Testing.fullSynth(stack), "gke");
    const fqn = (c: object) => Object.getOwnPropertyDescriptor(c, Symbol.for("jsii.rtti"))?.value.fqn;
    expect(fqn(TerraformResource)).toBe("cdktn.TerraformResource");
    expect(fqn(Object.getPrototypeOf(stack).constructor)).toBe("cdktn.TerraformStack");
    expect(json.resource.google_container_cluster.cluster["//"].metadata.path).toBe("gke/cluster");
    expect(annotations(stack, "error")).toEqual([]);
  });

  it("fails synth at the right construct paths, through cdktn's own Aspects", () => {
    const app = Testing.app();
    const { stack } = gkeStack(app, { nodeRole: "roles/logging.logWriter", stripServiceAgent: true });
    Aspects.of(stack).add(new GkePreflight());
    const message = synthError(() => Testing.fullSynth(stack));
    expect(message).toMatch(/^\[gke\/cluster\] GKE001 /m);
    expect(message).toMatch(/^\[gke\/pool\] GKE001 .*lacks 5 of the 6 permissions/m);
    expect(message).toMatch(/^\[gke\/service_agents\] GKE002 /m);
  });

  it("GkePreflight.of(app) attaches to a cdktn App's stacks, also those created later, and app.synth() fails", () => {
    const app = new App({ outdir: Testing.app().outdir });
    GkePreflight.of(app);
    gkeStack(app, { nodeRole: "roles/logging.logWriter" });
    expect(() => app.synth()).toThrow(/\[gke\/pool\] GKE001/);
  });

  it("skipValidation does not turn the gate off", () => {
    const app = new App({ outdir: Testing.app().outdir, skipValidation: true });
    GkePreflight.of(app);
    gkeStack(app, { nodeRole: "roles/logging.logWriter" });
    expect(() => app.synth()).toThrow(/\[gke\/pool\] GKE001/);
  });

  it("suppressions are written into cdk.tf.json and honoured", () => {
    const app = Testing.app();
    const { stack, cluster, pool } = gkeStack(app, { nodeRole: "roles/logging.logWriter" });
    GkePreflight.suppress(cluster, "GKE001", REASON);
    GkePreflight.suppress(pool, "GKE001", REASON, { expires: "2999-01-01" });
    GkePreflight.of(app);
    const json = readStackJson(Testing.fullSynth(stack), "gke");
    expect(json.resource.google_container_node_pool.pool["//"].preflight.suppressions).toEqual([
      { ruleId: "GKE001", reason: REASON, expires: "2999-01-01" },
    ]);
    expect(annotations(stack, "info").filter((a) => a.includes("GKE001 suppressed"))).toHaveLength(2);
    const findings = checkTerraformJson(json, { file: "cdk.tf.json", stack: "gke" });
    expect(findings.filter((f) => f.ruleId === "GKE001").every((f) => f.suppressed?.reason === REASON)).toBe(true);
  });

  it("auto-fix adds cdktn resources and the fixed configuration passes", () => {
    const app = Testing.app();
    const { stack } = gkeStack(app, { nodeRole: "roles/logging.logWriter", apis: false });
    GkePreflight.of(app, { fix: true });
    const json = readStackJson(Testing.fullSynth(stack), "gke");
    const added = stack.node.findAll().filter((c) => c.node.id.startsWith("preflight_fix_"));
    expect(added).toHaveLength(3);
    for (const c of added) expect(c).toBeInstanceOf(TerraformResource); // same module copy as the stack
    const grant = Object.values<any>(json.resource.google_project_iam_member).find((m) => m.role === MIN_ROLE);
    expect(grant).toMatchObject({ project: "p1", member: "serviceAccount:${google_service_account.nodes_sa.email}" });
    expect(checkTerraformJson(json, { file: "cdk.tf.json", stack: "gke" }).filter((f) => f.status === "fail")).toEqual([]);
  });
});

describe("fix hints for a cdktn app", () => {
  const cdktfFixes = (findings: Array<{ remediation: { cdktf: string } }>) => findings.map((f) => f.remediation.cdktf).filter(Boolean).join("\n");

  it("import the bindings `cdktn get` generates, never the cdktf-only prebuilt package", () => {
    const app = Testing.app();
    const { stack } = gkeStack(app, { nodeRole: "roles/logging.logWriter", stripServiceAgent: true });
    const findings = GkePreflight.check(stack);
    expect(findings.some((f) => f.ruleId === "GKE001" && f.status === "fail")).toBe(true);
    const code = cdktfFixes(findings);
    expect(code).toContain('import { ProjectIamMember } from "./.gen/providers/google/project-iam-member";');
    expect(code).toContain("provider bindings from `cdktn get`");
    expect(code).not.toContain("@cdktf/provider-");
    expect(code).not.toMatch(/from "cdktf"/);
  });

  it("the CLI on the cdktn stack's cdk.tf.json gives the same hints; a cdktf stack keeps @cdktf/provider-google", () => {
    const app = Testing.app({ stubVersion: false }); // the version cdk.tf.json carries, as a real app writes it
    const { stack } = gkeStack(app, { nodeRole: "roles/logging.logWriter" });
    const json = readStackJson(Testing.fullSynth(stack), "gke");
    expect(json["//"].metadata.version).toBe("0.24.0");
    const cdktn = cdktfFixes(checkTerraformJson(json, { file: "cdk.tf.json", stack: "gke" }));
    expect(cdktn).toContain('from "./.gen/providers/google/project-iam-member"');
    const asCdktf = { ...json, "//": { ...json["//"], metadata: { ...json["//"].metadata, version: "0.21.0" } } };
    expect(cdktfFixes(checkTerraformJson(asCdktf, { file: "cdk.tf.json", stack: "gke" }))).toContain('from "@cdktf/provider-google/lib/project-iam-member"');
    // Hand-written Terraform JSON (no CDK metadata) keeps the prebuilt package's imports.
    const { "//": _meta, ...handWritten } = json;
    expect(cdktfFixes(checkTerraformJson(handWritten, { file: "main.tf.json" }))).toContain('from "@cdktf/provider-google/lib/project-iam-member"');
  });
});
