/**
 * A stack of a cdktf.out is deployed after the stacks its manifest lists as dependencies, so what
 * they grant, create and enable exists when it applies (GKE001, GKE003, GKE006). Checked through
 * the CLI, on cdktf.out folders written as cdktf writes them.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Finding } from "../../src/rules/types";
import { REPO } from "./helpers";

const CLI = path.join(REPO, "dist/cli/main.js");
const PROJECT = "acme-prod";
const EMAIL = `gke-nodes@${PROJECT}.iam.gserviceaccount.com`;
const ROLE = "roles/container.defaultNodeServiceAccount";
const UPSTREAM = "in stack iam, deployed before this one";

type Resources = Record<string, Record<string, Record<string, unknown>>>;
interface Stack {
  resources: Resources;
  /** Root outputs and data sources, as cdktf writes them for cross-stack references. */
  output?: Record<string, { value: string }>;
  data?: Resources;
  /** manifest.json `dependencies`; undefined: the entry has no list. */
  dependencies?: string[];
}

const stackJson = (stack: Stack) => ({
  terraform: { required_providers: { google: { source: "hashicorp/google", version: "6.10.0" } } },
  provider: { google: [{ project: PROJECT }] },
  resource: stack.resources,
  ...(stack.output ? { output: stack.output } : {}),
  ...(stack.data ? { data: stack.data } : {}),
});

const made: string[] = [];
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

function cdktfOut(stacks: Record<string, Stack>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "preflight-upstream-"));
  made.push(dir);
  const manifest: { version: string; stacks: Record<string, unknown> } = { version: "0.21.0", stacks: {} };
  for (const [name, stack] of Object.entries(stacks)) {
    fs.mkdirSync(path.join(dir, "stacks", name), { recursive: true });
    fs.writeFileSync(path.join(dir, "stacks", name, "cdk.tf.json"), JSON.stringify(stackJson(stack)));
    manifest.stacks[name] = { name, synthesizedStackPath: `stacks/${name}/cdk.tf.json`, workingDirectory: `stacks/${name}`, ...(stack.dependencies ? { dependencies: stack.dependencies } : {}) };
  }
  fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(manifest));
  return dir;
}

function cli(dir: string): Finding[] {
  const r = spawnSync(process.execPath, [CLI, dir, "--format", "json", "--include-pass"], { encoding: "utf8", env: { PATH: "/nonexistent", NO_COLOR: "1" }, timeout: 120_000 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`preflight exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout).findings;
}

const account = (values: Record<string, unknown> = {}): Resources => ({ google_service_account: { nodes: { account_id: "gke-nodes", project: PROJECT, ...values } } });
const member = (values: Record<string, unknown> = {}): Resources => ({ google_project_iam_member: { nodes: { project: PROJECT, role: ROLE, member: `serviceAccount:${EMAIL}`, ...values } } });
const containerApi: Resources = { google_project_service: { container: { project: PROJECT, service: "container.googleapis.com", disable_on_destroy: false } } };
const iamStack = (): Resources => ({ ...account(), ...member(), ...containerApi });
const gkeStack: Resources = {
  google_container_cluster: {
    main: { name: "main", location: "europe-west1", project: PROJECT, remove_default_node_pool: true, initial_node_count: 1, node_config: { service_account: EMAIL } },
  },
};

/** `status RULE stack:address` of GKE001, GKE006 and GKE003 (container API) in stack gke. */
function verdicts(findings: Finding[], stack = "gke") {
  return findings
    .filter((f) => f.stack === stack && ["GKE001", "GKE006"].includes(f.ruleId) || (f.stack === stack && f.ruleId === "GKE003" && f.details?.api === "container.googleapis.com"))
    .map((f) => `${f.status} ${f.ruleId}`)
    .sort();
}
const find = (findings: Finding[], rule: string, stack = "gke") => findings.find((f) => f.ruleId === rule && f.stack === stack && (rule !== "GKE003" || f.details?.api === "container.googleapis.com"))!;

describe("a stack deployed after the stack that grants, creates and enables", () => {
  test("passes GKE001, GKE003 and GKE006, naming the stack the facts come from", () => {
    const findings = cli(cdktfOut({ iam: { resources: iamStack(), dependencies: [] }, gke: { resources: gkeStack, dependencies: ["iam"] } }));
    expect(verdicts(findings)).toEqual(["pass GKE001", "pass GKE003", "pass GKE006"]);
    const gke001 = find(findings, "GKE001");
    expect(gke001.message).toContain(`(granted in stack iam, deployed before this one)`);
    expect(gke001.details?.grantedBy).toEqual([`${ROLE} (google_project_iam_member.nodes ${UPSTREAM})`]);
    expect(find(findings, "GKE006").message).toBe(`${EMAIL} is created by google_service_account.nodes ${UPSTREAM}, enabled`);
    expect(find(findings, "GKE003").message).toBe(`container.googleapis.com is enabled on ${PROJECT} by google_project_service.container ${UPSTREAM}`);
    // compute.googleapis.com is enabled nowhere: still unknown.
    expect(findings.find((f) => f.ruleId === "GKE003" && f.stack === "gke" && f.details?.api === "compute.googleapis.com")?.status).toBe("unknown");
    // The grant is applied before this stack: not something the cluster waits for in its own apply.
    expect(find(findings, "GKE007").status).toBe("pass");
  });

  test("through a stack in between (dependencies are transitive)", () => {
    const findings = cli(
      cdktfOut({ iam: { resources: iamStack(), dependencies: [] }, network: { resources: {}, dependencies: ["iam"] }, gke: { resources: gkeStack, dependencies: ["network"] } }),
    );
    expect(verdicts(findings)).toEqual(["pass GKE001", "pass GKE003", "pass GKE006"]);
  });

  test("without the dependency, or when the manifest lists none, nothing changes: unknown as for the stack alone", () => {
    const alone = verdicts(cli(cdktfOut({ gke: { resources: gkeStack, dependencies: [] } })));
    expect(alone).toEqual(["unknown GKE001", "unknown GKE003", "unknown GKE006"]);
    for (const dependencies of [[], undefined]) {
      const findings = cli(cdktfOut({ iam: { resources: iamStack(), dependencies: [] }, gke: { resources: gkeStack, dependencies } }));
      expect(verdicts(findings)).toEqual(alone);
      expect(find(findings, "GKE001").reason).toContain(`${EMAIL} is not created by this configuration`);
    }
    // A stack that depends on gke (deployed after it) gives gke nothing either.
    const after = cli(cdktfOut({ gke: { resources: gkeStack, dependencies: [] }, iam: { resources: iamStack(), dependencies: ["gke"] } }));
    expect(verdicts(after)).toEqual(alone);
  });

  test("an authoritative binding of the role in the upstream stack that omits the account fails, naming the stack", () => {
    // The binding sets the role's members at every deploy of stack iam: the grant stack gke makes does not stay.
    const binding: Resources = { google_project_iam_binding: { nodes: { project: PROJECT, role: ROLE, members: ["serviceAccount:other@acme-prod.iam.gserviceaccount.com"] } } };
    const findings = cli(cdktfOut({ iam: { resources: { ...account(), ...binding }, dependencies: [] }, gke: { resources: { ...gkeStack, ...member() }, dependencies: ["iam"] } }));
    const gke001 = find(findings, "GKE001");
    expect(gke001.status).toBe("fail");
    expect(gke001.message).toContain(`google_project_iam_binding.nodes ${UPSTREAM} is authoritative for ${ROLE} and does not list ${EMAIL}`);
    // Without that grant, the account may hold the permissions through other roles granted outside: unknown, as in one stack.
    expect(find(cli(cdktfOut({ iam: { resources: { ...account(), ...binding }, dependencies: [] }, gke: { resources: gkeStack, dependencies: ["iam"] } })), "GKE001").status).toBe("unknown");
    // The same binding listing the account grants it.
    const listing: Resources = { google_project_iam_binding: { nodes: { project: PROJECT, role: ROLE, members: [`serviceAccount:${EMAIL}`] } } };
    expect(find(cli(cdktfOut({ iam: { resources: { ...account(), ...listing }, dependencies: [] }, gke: { resources: gkeStack, dependencies: ["iam"] } })), "GKE001").status).toBe("pass");
  });

  test("an upstream binding of roles/container.serviceAgent that omits the GKE service agent fails GKE002 on this stack's cluster", () => {
    const binding: Resources = { google_project_iam_binding: { agent: { project: PROJECT, role: "roles/container.serviceAgent", members: ["user:ops@example.com"] } } };
    const findings = cli(cdktfOut({ iam: { resources: { ...iamStack(), ...binding }, dependencies: [] }, gke: { resources: gkeStack, dependencies: ["iam"] } }));
    const gke002 = find(findings, "GKE002");
    expect(gke002.status).toBe("fail");
    // Anchored on a resource of this stack: the binding is in the other one.
    expect(gke002.address).toBe("google_container_cluster.main");
    expect(gke002.message).toContain(`google_project_iam_binding.agent ${UPSTREAM} is authoritative for roles/container.serviceAgent`);
    // In stack iam itself the same binding is anchored on it.
    expect(find(cli(cdktfOut({ iam: { resources: { ...iamStack(), ...binding, ...gkeStack }, dependencies: [] } })), "GKE002", "iam").address).toBe("google_project_iam_binding.agent");
  });

  test("an authoritative project policy in the upstream stack that omits the account fails", () => {
    const policy = JSON.stringify({ bindings: [{ role: "roles/viewer", members: ["user:ops@example.com"] }] });
    const findings = cli(cdktfOut({ iam: { resources: { ...account(), google_project_iam_policy: { project: { project: PROJECT, policy_data: policy } } }, dependencies: [] }, gke: { resources: gkeStack, dependencies: ["iam"] } }));
    const gke001 = find(findings, "GKE001");
    expect(gke001.status).toBe("fail");
    expect(gke001.message).toContain(`lacks 6 of the 6 permissions of ${ROLE} on ${PROJECT}: autoscaling.sites.writeMetrics`);
    expect(gke001.message).toContain(`; google_project_iam_policy.project ${UPSTREAM} sets the whole IAM policy of ${PROJECT}, which gives ${EMAIL} none of them`);
  });

  test("this stack's own authoritative binding decides over the upstream one (it is applied later)", () => {
    const upstreamBinding: Resources = { google_project_iam_binding: { nodes: { project: PROJECT, role: ROLE, members: ["serviceAccount:other@acme-prod.iam.gserviceaccount.com"] } } };
    const ownBinding: Resources = { google_project_iam_binding: { mine: { project: PROJECT, role: ROLE, members: [`serviceAccount:${EMAIL}`] } } };
    const findings = cli(cdktfOut({ iam: { resources: { ...account(), ...upstreamBinding }, dependencies: [] }, gke: { resources: { ...gkeStack, ...ownBinding }, dependencies: ["iam"] } }));
    expect(find(findings, "GKE001").status).toBe("pass");
  });

  test("a conditional grant, or one to an account whose email is only known after the other stack's apply, stays unknown", () => {
    const conditional = member({ condition: { title: "weekdays", expression: "request.time.getDayOfWeek() < 5" } });
    const findings = cli(cdktfOut({ iam: { resources: { ...account(), ...conditional }, dependencies: [] }, gke: { resources: gkeStack, dependencies: ["iam"] } }));
    expect(find(findings, "GKE001").status).toBe("unknown");
    expect(find(findings, "GKE001").reason).toBe(`google_project_iam_member.nodes ${UPSTREAM} grants it only under an IAM condition`);
    // The other stack's account lands in a project known only at its apply: its email is not known here.
    const laterAccount: Resources = {
      google_service_account: { nodes: { account_id: "gke-nodes", project: "${var.project}" } },
      google_project_iam_member: { nodes: { project: PROJECT, role: ROLE, member: "serviceAccount:${google_service_account.nodes.email}" } },
    };
    const later = cli(cdktfOut({ iam: { resources: laterAccount, dependencies: [] }, gke: { resources: gkeStack, dependencies: ["iam"] } }));
    expect(verdicts(later)).toEqual(["unknown GKE001", "unknown GKE003", "unknown GKE006"]);
    expect(find(later, "GKE001").reason).toContain("of stack iam, which may be");
  });

  test("a node account read through a cross-stack reference is the upstream stack's account when its email is known there", () => {
    const output = { "cross-stack-output-google_service_accountnodesemail": { value: "${google_service_account.nodes.email}" } };
    const remoteState: Resources = { terraform_remote_state: { "cross-stack-reference-input-iam": { backend: "local", config: { path: "terraform.iam.tfstate" } } } };
    const reading: Resources = {
      google_container_cluster: {
        main: { name: "main", location: "europe-west1", project: PROJECT, remove_default_node_pool: true, initial_node_count: 1, node_config: { service_account: "${data.terraform_remote_state.cross-stack-reference-input-iam.outputs.cross-stack-output-google_service_accountnodesemail}" } },
      },
    };
    const app = (iam: Resources, dependencies: string[] | undefined) => cli(cdktfOut({ iam: { resources: iam, output, dependencies: [] }, gke: { resources: reading, data: remoteState, dependencies } }));
    const findings = app(iamStack(), ["iam"]);
    expect(verdicts(findings)).toEqual(["pass GKE001", "pass GKE003", "pass GKE006"]);
    expect(find(findings, "GKE001").details?.identity).toBe(EMAIL);
    // The manifest does not say gke is deployed after iam: the output is not read.
    expect(find(app(iamStack(), undefined), "GKE001").status).toBe("unknown");
    // The account's project is only known at iam's apply: so is its email.
    const later = app({ ...iamStack(), ...account({ project: "${var.project}" }) }, ["iam"]);
    expect(find(later, "GKE001").status).toBe("unknown");
    expect(find(later, "GKE006").status).toBe("unknown");
  });

  test("an account the upstream stack creates disabled fails GKE006, naming the stack", () => {
    const findings = cli(cdktfOut({ iam: { resources: { ...account({ disabled: true }), ...member() }, dependencies: [] }, gke: { resources: gkeStack, dependencies: ["iam"] } }));
    const gke006 = find(findings, "GKE006");
    expect(gke006.status).toBe("fail");
    expect(gke006.message).toContain(`google_service_account.nodes ${UPSTREAM} creates ${EMAIL} with disabled = true`);
  });
});
