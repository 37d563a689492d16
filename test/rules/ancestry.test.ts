import { computed, ref } from "../support/plan-builder";
import { nodeAccount, cluster, PROJECT } from "../support/scenarios";
import { ProjectAncestry, isConditional } from "../../src/facts/iam/ancestry";
import { IamIndex } from "../../src/facts/iam/index-grants";
import { modelFromTerraformJson } from "../../src/inputs/terraform-json";
import { planFindings, tfFindings, stack, tf, verdicts } from "./helpers";

const ROLE = "roles/container.defaultNodeServiceAccount";
const newProject = (parent: Record<string, unknown>) => ({ type: "google_project", name: "this", values: { project_id: PROJECT, name: PROJECT, billing_account: "000000-000000-000000", number: computed, ...(parent as Record<string, never>) } });
const folder = { type: "google_folder", name: "team", values: { display_name: "team", parent: "organizations/42", name: computed, folder_id: computed } };
const orgGrant = (extra: Record<string, unknown> = {}) => ({ type: "google_organization_iam_member", name: "nodes", values: { org_id: "42", role: ROLE, member: ref("google_service_account.gke_nodes.member"), etag: computed, ...(extra as Record<string, never>) } });
const folderGrant = (folderValue: unknown, extra: Record<string, unknown> = {}) => ({ type: "google_folder_iam_member", name: "nodes", values: { folder: folderValue as never, role: ROLE, member: ref("google_service_account.gke_nodes.member"), etag: computed, ...(extra as Record<string, never>) } });
const nodes = [nodeAccount, cluster()];

describe("grants on folders and organisations count for the projects below them", () => {
  test("an organisation grant reaches a project in a folder of that organisation", () => {
    expect(verdicts(planFindings("GKE001", [newProject({ folder_id: ref("google_folder.team.name") }), folder, orgGrant(), ...nodes]))).toEqual(["pass google_container_cluster.primary"]);
  });

  test("a folder grant by id reaches a project whose folder_id is that id", () => {
    expect(verdicts(planFindings("GKE001", [newProject({ folder_id: "77" }), folderGrant("folders/77"), ...nodes]))).toEqual(["pass google_container_cluster.primary"]);
  });

  test("a folder grant elsewhere in the hierarchy does not count once the whole ancestry is known", () => {
    // The project sits in the organisation itself: its ancestry is complete, folders/78 is not in it.
    expect(verdicts(planFindings("GKE001", [newProject({ org_id: "42" }), folderGrant("folders/78"), ...nodes]))).toEqual(["fail google_container_cluster.primary"]);
    // Below a folder created here in organisation 42: complete too.
    expect(verdicts(planFindings("GKE001", [newProject({ folder_id: ref("google_folder.team.name") }), folder, folderGrant("folders/78"), ...nodes]))).toEqual(["fail google_container_cluster.primary"]);
  });

  test("unknown when the input does not show whether the project is below the folder", () => {
    // folders/77 is not in the input: folders/78 may be its parent.
    const inFolder = planFindings("GKE001", [newProject({ folder_id: "77" }), folderGrant("folders/78"), ...nodes]);
    expect(verdicts(inFolder)).toEqual(["unknown google_container_cluster.primary"]);
    expect(inFolder[0].reason).toContain("google_folder_iam_member.nodes grants roles/container.defaultNodeServiceAccount");
    expect(inFolder[0].reason).toContain("on folders/78, and the input does not show whether acme-prod is below it");
    expect(inFolder[0].reason).toMatch(/--live reads the project's ancestry/);
    // An existing project (no google_project here): was "lacks 6 of 6".
    expect(verdicts(planFindings("GKE001", [folderGrant("folders/78"), ...nodes]))).toEqual(["unknown google_container_cluster.primary"]);
    expect(verdicts(planFindings("GKE001", [orgGrant(), ...nodes]))).toEqual(["unknown google_container_cluster.primary"]);
    // A grant of a role without the permissions changes nothing.
    expect(verdicts(planFindings("GKE001", [folderGrant("folders/78", { role: "roles/viewer" }), ...nodes]))).toEqual(["fail google_container_cluster.primary"]);
  });

  test("cdk.tf.json: a folder grant to the node account of an existing project is unknown, not a failure", () => {
    const json = stack({
      google_service_account: { nodes_sa: tf.account },
      google_folder_iam_member: { nodes: { folder: "folders/78", role: ROLE, member: "serviceAccount:${google_service_account.nodes_sa.email}" } },
      google_container_cluster: { cluster: tf.cluster({ depends_on: undefined }) },
    });
    const findings = tfFindings("GKE001", json);
    expect(verdicts(findings)).toEqual(["unknown google_container_cluster.cluster"]);
    expect(findings[0].reason).toContain("on folders/78");
  });

  test("--live: the ancestry read live decides (below the folder: pass; not below: fail)", () => {
    const live = (ancestry: string[]) => ({ projects: { [PROJECT]: { projectId: PROJECT, projectNumber: "123456789012", ancestry, iamPolicy: [], ancestorPolicies: {} } }, serviceAccounts: {}, roles: {} });
    const plan = [folderGrant("folders/78"), ...nodes];
    expect(verdicts(planFindings("GKE001", plan, { live: live([`projects/${PROJECT}`, "folders/78", "organizations/42"]) }))).toEqual(["pass google_container_cluster.primary"]);
    expect(verdicts(planFindings("GKE001", plan, { live: live([`projects/${PROJECT}`, "folders/77", "organizations/42"]) }))).toEqual(["fail google_container_cluster.primary"]);
  });

  test("a conditional grant is unknown, unless its condition is the literal true", () => {
    const conditional = (expression: string) => folderGrant(ref("google_folder.team.name"), { condition: [{ title: "t", expression }] });
    expect(verdicts(planFindings("GKE001", [newProject({ folder_id: ref("google_folder.team.name") }), folder, conditional("request.time < timestamp('2030-01-01T00:00:00Z')"), ...nodes]))).toEqual(["unknown google_container_cluster.primary"]);
    expect(verdicts(planFindings("GKE001", [newProject({ folder_id: ref("google_folder.team.name") }), folder, conditional(" true "), ...nodes]))).toEqual(["pass google_container_cluster.primary"]);
  });

  test("a project-level authoritative policy does not take away what the organisation grants", () => {
    const policy = { type: "google_project_iam_policy", name: "all", values: { project: PROJECT, policy_data: JSON.stringify({ bindings: [{ role: "roles/owner", members: ["user:root@acme.example"] }] }), etag: computed } };
    expect(verdicts(planFindings("GKE001", [newProject({ org_id: "42" }), orgGrant(), policy, ...nodes]))).toEqual(["pass google_container_cluster.primary"]);
  });

  test("cdk.tf.json: a folder created in the stack and a binding on it", () => {
    const json = stack({
      google_folder: { team: { display_name: "team", parent: "organizations/42" } },
      google_project: { this: { project_id: PROJECT, name: PROJECT, folder_id: "${google_folder.team.name}" } },
      google_service_account: { nodes_sa: tf.account },
      google_folder_iam_binding: { nodes: { folder: "${google_folder.team.name}", role: ROLE, members: ["serviceAccount:${google_service_account.nodes_sa.email}"] } },
      google_container_cluster: { cluster: tf.cluster({ depends_on: undefined }) },
    });
    expect(verdicts(tfFindings("GKE001", json))).toEqual(["pass google_container_cluster.cluster"]);
    const model = modelFromTerraformJson(json, { file: "cdk.tf.json" });
    const iam = new IamIndex(model);
    expect(new ProjectAncestry(model, iam.catalog).ancestorsOf(PROJECT)).toEqual(["folder-resource:google_folder.team", "organizations/42"]);
  });
});

test("isConditional", () => {
  expect(isConditional(undefined)).toBe(false);
  expect(isConditional([{ expression: "true" }])).toBe(false);
  expect(isConditional({ expression: "resource.name.startsWith('x')" })).toBe(true);
});
