import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DOCTOR_METHODS, matchAllowedMethod, matchKubernetesRead } from "../../src/live/allowlist";
import { GoogleEmulator, type Fixture } from "../live/emulator";
import { FAKE_TOKEN } from "../live/harness";
import { KubeApiServer, makeCa, type KubeMode, type TestCa } from "./kube-server";
import {
  CLUSTER,
  clusterJson,
  CONTEXT,
  doctor,
  EMAIL,
  fakeBin,
  fixtureWith,
  gcloudConfig,
  LOCATION,
  PROJECT,
  STATIC_KUBE_TOKEN,
  statusOf,
  stepOf,
  writeKubeconfig,
  type BinOptions,
  type DoctorRun,
  type UserKind,
} from "./support";

/**
 * `preflight doctor` end to end: the built CLI against the Google API emulator and a Kubernetes
 * API server over TLS on 127.0.0.1, with kubeconfig files and fake programs on a PATH of the
 * test's own. Every run checks that all the servers saw were allowlisted reads, and that the
 * token never reaches the output.
 */
let ca: TestCa;
let otherCa: TestCa;
beforeAll(() => {
  ca = makeCa();
  otherCa = makeCa("another-ca");
});

interface Setup {
  fixture?: (endpoint: string, caPem: string) => Fixture;
  mode?: KubeMode;
  /** The CA the Kubernetes server's certificate is signed by (default: the cluster's). */
  serverCa?: () => TestCa;
  bin?: BinOptions;
  user?: UserKind;
  /** Kubeconfig's server and CA (default: the cluster's). */
  kubeServer?: (endpoint: string) => string;
  kubeCa?: () => string;
  env?: Record<string, string>;
  args?: string[];
  noKubeconfig?: boolean;
  /** A kubeconfig written as given (the API server's endpoint passed in). */
  kubeconfigText?: (server: string) => string;
}

async function diagnose(setup: Setup = {}): Promise<DoctorRun & { google: GoogleEmulator; kube: KubeApiServer }> {
  const serverCa = setup.serverCa?.() ?? ca;
  const kube = await new KubeApiServer(serverCa, FAKE_TOKEN, setup.mode ?? "ok").start();
  const fixture = setup.fixture?.(kube.endpoint, ca.caPem) ?? fixtureWith(clusterJson(kube.endpoint, ca.caPem));
  const google = await new GoogleEmulator(fixture, FAKE_TOKEN).start();
  try {
    const kubeconfig = setup.kubeconfigText ? writeFile(setup.kubeconfigText(kube.endpoint)) : writeKubeconfig({
      context: CONTEXT,
      server: setup.kubeServer?.(kube.endpoint) ?? kube.endpoint,
      caBase64: setup.kubeCa?.() ?? Buffer.from(ca.caPem).toString("base64"),
      user: setup.user ?? "exec",
    });
    const run = await doctor(["--format", "json", "--api-endpoint", google.url, ...(setup.args ?? [])], {
      PATH: fakeBin(setup.bin ?? { kubectl: "1.31" }),
      GOOGLE_OAUTH_ACCESS_TOKEN: FAKE_TOKEN,
      CLOUDSDK_CONFIG: gcloudConfig({ account: EMAIL, project: PROJECT }),
      ...(setup.noKubeconfig ? {} : { KUBECONFIG: kubeconfig }),
      ...setup.env,
    });
    assertOnlyReads(run, google, kube);
    return { ...run, google, kube };
  } finally {
    await google.stop();
    await kube.stop();
  }
}

function writeFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "doctor-kube-")), "config");
  writeFileSync(file, text);
  return file;
}

function assertOnlyReads(run: DoctorRun, google: GoogleEmulator, kube: KubeApiServer): void {
  for (const secret of [FAKE_TOKEN, STATIC_KUBE_TOKEN, "ya29.legacy-cached-token"]) expect(run.stdout + run.stderr).not.toContain(secret);
  for (const request of google.requests) {
    expect([request.method, request.path, matchAllowedMethod(request.method, `http://127.0.0.1${request.url}`, DOCTOR_METHODS)?.id]).toEqual([request.method, request.path, request.method_id]);
    expect(request.url).not.toContain(FAKE_TOKEN);
  }
  for (const request of kube.requests) {
    expect([request.method, request.url, matchKubernetesRead(request.method, `https://${kube.endpoint}${request.url}`, kube.endpoint)]).toEqual([request.method, request.url, expect.anything()]);
    // The token goes to the namespaces read only; /version is asked without one.
    expect(request.hadAuthorization).toBe(request.url.startsWith("/api/v1/namespaces"));
  }
}

describe("a healthy setup", () => {
  test("every step passes, exit 0, and every read is listed in the report", async () => {
    const run = await diagnose();
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(statusOf(run)).toEqual({ cluster: "pass", credentials: "pass", permission: "pass", kubeconfig: "pass", plugin: "pass", kubectl: "pass", "api-server": "pass", recreation: "pass" });
    expect(run.report!.target).toEqual({ project: PROJECT, location: LOCATION, cluster: CLUSTER, source: "kubeconfig context", context: CONTEXT });
    expect(stepOf(run, "credentials").message).toContain(`token of ${EMAIL} from GOOGLE_OAUTH_ACCESS_TOKEN`);
    expect(stepOf(run, "plugin").message).toContain("Kubernetes v1.30.0+fake-plugin");
    expect(stepOf(run, "api-server").details).toMatchObject({ serverVersion: "v1.30.5-gke.1014001" });
    expect(run.report!.calls.map((call) => call.methodId).sort()).toEqual(
      [
        "cloudresourcemanager.projects.testIamPermissions",
        "container.projects.locations.clusters.get",
        "container.projects.locations.operations.list",
        "kubernetes.namespaces.list",
        "kubernetes.version",
        "oauth2.tokeninfo",
      ].sort(),
    );
    expect(run.google.requests.map((request) => request.method_id).sort()).toEqual(run.report!.calls.filter((call) => !call.methodId.startsWith("kubernetes.")).map((call) => call.methodId).sort());
    expect(run.kube.requests.map((request) => request.url)).toEqual(["/version", "/api/v1/namespaces?limit=1"]);
  });

  test("text output says the same, one line per step", async () => {
    const run = await diagnose({ args: ["--format", "text"] });
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toBe(`preflight doctor: cluster ${CLUSTER} in ${LOCATION}, project ${PROJECT} (kubeconfig context ${CONTEXT})`);
    for (const id of ["cluster", "credentials", "permission", "kubeconfig", "plugin", "kubectl", "api-server", "recreation"]) {
      expect(lines.some((line) => new RegExp(`^PASS +${id} `).test(line))).toBe(true);
    }
    expect(run.stdout).toMatch(/8 steps: 8 pass, 0 fail, 0 unknown\. 6 reads made\./);
  });

  test("flags name the cluster without any kubeconfig context", async () => {
    const run = await diagnose({ args: ["--cluster", CLUSTER, "--location", LOCATION, "--project", PROJECT], noKubeconfig: true });
    expect(run.report!.target).toEqual({ project: PROJECT, location: LOCATION, cluster: CLUSTER, source: "flags" });
    expect(stepOf(run, "cluster").status).toBe("pass");
    expect(stepOf(run, "kubeconfig")).toMatchObject({ status: "fail", remediation: { commands: [`gcloud container clusters get-credentials ${CLUSTER} --location=${LOCATION} --project=${PROJECT}`] } });
    expect(run.code).toBe(1);
  });
});

describe("the 404 row: which cluster", () => {
  test("the cluster is in another location of the project: named, with get-credentials for it", async () => {
    const run = await diagnose({ fixture: (endpoint, pem) => fixtureWith(clusterJson(endpoint, pem, { location: "europe-west1-b" })) });
    expect(run.code).toBe(1);
    const step = stepOf(run, "cluster");
    expect(step.status).toBe("fail");
    expect(step.message).toBe(`project ${PROJECT} has no cluster ${CLUSTER} in ${LOCATION}; it has one in europe-west1-b`);
    expect(step.remediation!.commands).toEqual([`gcloud container clusters get-credentials ${CLUSTER} --location=europe-west1-b --project=${PROJECT}`]);
    expect(run.google.methodsCalled()).toContain("container.projects.locations.clusters.list");
    expect(run.google.requests.find((request) => request.method_id === "container.projects.locations.clusters.list")!.path).toBe(`/v1/projects/${PROJECT}/locations/-/clusters`);
    // Nothing more is read of a cluster that is not there; the steps that need it say so.
    expect(statusOf(run)).toMatchObject({ "api-server": "unknown", recreation: "unknown" });
    expect(run.kube.requests).toEqual([]);
  });

  test("no such cluster in the project, and gcloud's active project is another: both said", async () => {
    const run = await diagnose({ fixture: () => fixtureWith(undefined), env: { CLOUDSDK_CONFIG: gcloudConfig({ account: EMAIL, project: "shop-dev" }) } });
    const step = stepOf(run, "cluster");
    expect(step.status).toBe("fail");
    expect(step.message).toBe(`project ${PROJECT} has no cluster named ${CLUSTER} in any location; gcloud's active project is shop-dev, not ${PROJECT}`);
    expect(step.remediation!.commands).toEqual([`gcloud config set project ${PROJECT}`]);
  });

  test("no such cluster and the same active project: stale credentials are the page's cause", async () => {
    const run = await diagnose({ fixture: () => fixtureWith(undefined) });
    expect(stepOf(run, "cluster").remediation!.commands).toEqual(["gcloud auth login", "gcloud auth application-default login"]);
  });
});

describe("credentials and the 403 row", () => {
  test("tokeninfo refuses the token: the credentials step fails with a fresh login as the fix", async () => {
    const run = await diagnose({ fixture: (endpoint, pem) => ({ ...fixtureWith(clusterJson(endpoint, pem)), tokenInfo: "invalid" }) });
    const step = stepOf(run, "credentials");
    expect(step.status).toBe("fail");
    expect(step.message).toContain("Google does not accept the token from GOOGLE_OAUTH_ACCESS_TOKEN (tokeninfo answered 400)");
    expect(run.code).toBe(1);
  });

  test("without container.clusters.get: the permission step fails and names the roles that grant it", async () => {
    const run = await diagnose({ fixture: (endpoint, pem) => fixtureWith(clusterJson(endpoint, pem), { callerPermissions: [], callerCannot: ["container.clusters.get"] }) });
    expect(run.code).toBe(1);
    const step = stepOf(run, "permission");
    expect(step.status).toBe("fail");
    expect(step.message).toBe(`${EMAIL} lacks container.clusters.get on project ${PROJECT}: get-credentials and every kubectl call fail for it`);
    expect(step.remediation!.commands[0]).toBe(`gcloud projects add-iam-policy-binding ${PROJECT} --member=user:${EMAIL} --role=roles/container.clusterViewer`);
    expect(step.details!.rolesThatGrantIt).toEqual(expect.arrayContaining(["roles/container.clusterViewer", "roles/container.viewer", "roles/container.admin", "roles/viewer"]));
    expect(step.details!.rolesThatGrantIt).not.toContain("roles/container.serviceAgent");
    // The cluster cannot be seen: unknown, not "not found".
    expect(stepOf(run, "cluster")).toMatchObject({ status: "unknown" });
    expect(stepOf(run, "cluster").reason).toContain("HTTP 403");
  });

  test("no credentials at all: the credentials step fails, nothing is sent, and the local steps still run", async () => {
    const run = await diagnose({ env: { GOOGLE_OAUTH_ACCESS_TOKEN: "" } });
    expect(run.code).toBe(1);
    expect(stepOf(run, "credentials")).toMatchObject({ status: "fail", remediation: { commands: ["gcloud auth login", "gcloud auth application-default login"] } });
    expect(statusOf(run)).toMatchObject({ cluster: "unknown", permission: "unknown", "api-server": "unknown", recreation: "unknown", kubeconfig: "pass", plugin: "pass", kubectl: "pass" });
    expect(run.google.requests).toEqual([]);
    expect(run.kube.requests).toEqual([]);
  });
});

describe("the 401 row: kubeconfig, plugin and kubectl", () => {
  test("a legacy auth-provider gcp entry with kubectl 1.31 fails; with kubectl 1.24 it is the page's way around the plugin", async () => {
    const modern = await diagnose({ user: "legacy" });
    expect(stepOf(modern, "kubeconfig").status).toBe("fail");
    expect(stepOf(modern, "kubeconfig").message).toContain('uses the legacy auth-provider "gcp", which kubectl 1.25 and later no longer have');
    const old = await diagnose({ user: "legacy", bin: { kubectl: "1.24" }, env: { USE_GKE_GCLOUD_AUTH_PLUGIN: "False" } });
    expect(statusOf(old)).toMatchObject({ kubeconfig: "pass", kubectl: "pass" });
    // That setup does without the plugin; any other still needs it.
    const noPlugin = await diagnose({ user: "legacy", bin: { kubectl: "1.24", plugin: "absent" }, env: { USE_GKE_GCLOUD_AUTH_PLUGIN: "False" } });
    expect(stepOf(noPlugin, "plugin")).toMatchObject({ status: "pass" });
    expect(stepOf(await diagnose({ user: "legacy", bin: { kubectl: "1.31", plugin: "absent" } }), "plugin")).toMatchObject({ status: "fail" });
  });

  test("USE_GKE_GCLOUD_AUTH_PLUGIN=False with kubectl 1.31 fails the kubectl step", async () => {
    const run = await diagnose({ env: { USE_GKE_GCLOUD_AUTH_PLUGIN: "False" } });
    const step = stepOf(run, "kubectl");
    expect(step.status).toBe("fail");
    expect(step.remediation!.commands).toEqual(["unset USE_GKE_GCLOUD_AUTH_PLUGIN", `gcloud container clusters get-credentials ${CLUSTER} --location=${LOCATION} --project=${PROJECT}`]);
  });

  test("the plugin absent from PATH, or not running, fails the plugin step (the machine's own plugin is never seen)", async () => {
    const absent = await diagnose({ bin: { plugin: "absent", kubectl: "1.31" } });
    expect(stepOf(absent, "plugin")).toMatchObject({ status: "fail", message: "gke-gcloud-auth-plugin is not on PATH: kubectl cannot get a token for the cluster" });
    const broken = await diagnose({ bin: { plugin: "broken", kubectl: "1.31" } });
    expect(stepOf(broken, "plugin").status).toBe("fail");
    expect(stepOf(broken, "plugin").message).toContain("exited with code 127: error while loading shared libraries");
  });

  test("no kubectl on PATH: the kubectl step is unknown, not passed", async () => {
    const run = await diagnose({ bin: { plugin: "ok" } });
    expect(stepOf(run, "kubectl")).toMatchObject({ status: "unknown", message: "USE_GKE_GCLOUD_AUTH_PLUGIN is not set; kubectl is not on PATH" });
    expect(run.code).toBe(0);
    const strict = await diagnose({ bin: { plugin: "ok" }, args: ["--unknown", "fail"] });
    expect(strict.code).toBe(1);
  });

  test("a kubeconfig pointing at an old endpoint with an old CA fails, with get-credentials as the fix", async () => {
    const run = await diagnose({ kubeServer: () => "34.1.2.3", kubeCa: () => Buffer.from(otherCa.caPem).toString("base64") });
    const step = stepOf(run, "kubeconfig");
    expect(step.status).toBe("fail");
    expect(step.message).toContain("the kubeconfig sends kubectl to 34.1.2.3, but the cluster's endpoint is 127.0.0.1:");
    expect(step.message).toContain("the kubeconfig holds another CA than the cluster's");
  });

  test("a copied static token is unknown (not the plugin), and the token is never printed", async () => {
    const run = await diagnose({ user: "static-token", args: ["--format", "text"] });
    expect(run.stdout).toMatch(/UNKNOWN +kubeconfig +context gke_shop-prod_europe-west1_main is not set up as get-credentials writes it/);
    expect(run.stdout).toContain("authenticates with token, not gke-gcloud-auth-plugin");
  });
});

describe("--as-kubectl: the checks speak for the token the plugin gives kubectl", () => {
  test("the plugin's token is the one tokeninfo, testIamPermissions and the API server see; it is never printed", async () => {
    const run = await diagnose({ args: ["--as-kubectl"], bin: { kubectl: "1.31", pluginToken: FAKE_TOKEN }, env: { GOOGLE_OAUTH_ACCESS_TOKEN: "" } });
    expect(run.code).toBe(0);
    expect(stepOf(run, "credentials").message).toBe(`token of ${EMAIL} from gke-gcloud-auth-plugin (kubectl's token, gcloud's active account), valid for 50 more minutes`);
    expect(stepOf(run, "plugin").message).toMatch(/Kubernetes v1\.30\.0\+fake-plugin, and it gives kubectl a token$/);
    expect(run.google.requests.length).toBeGreaterThan(0);
    expect(run.google.requests.every((request) => request.authorized)).toBe(true);
    expect(run.kube.requests.find((request) => request.url.startsWith("/api/v1/namespaces"))!.authorized).toBe(true);
  });

  test("a plugin that gives no token (no gcloud login) fails the plugin and credentials steps; nothing is sent", async () => {
    const run = await diagnose({ args: ["--as-kubectl"], bin: { kubectl: "1.31", plugin: "no-account" } });
    expect(run.code).toBe(1);
    expect(stepOf(run, "plugin").message).toContain("runs but gives kubectl no token: it exited with code 1: ERROR: (gcloud.config.config-helper) You do not currently have an active account selected.");
    expect(stepOf(run, "credentials")).toMatchObject({ status: "fail" });
    expect(stepOf(run, "credentials").message).toContain("--as-kubectl: gke-gcloud-auth-plugin gave no token");
    // GOOGLE_OAUTH_ACCESS_TOKEN is set, but --as-kubectl does not fall back to it.
    expect(run.google.requests).toEqual([]);
  });
});

test("names from a crafted kubeconfig cannot move the cursor or start a line of their own in text output", async () => {
  const run = await diagnose({ args: ["--format", "text"], kubeconfigText: (server) => [
    "apiVersion: v1",
    `current-context: ${CONTEXT}`,
    `clusters: [{name: c, cluster: {server: "https://${server}"}}]`,
    `contexts: [{name: ${CONTEXT}, context: {cluster: c, user: "u\\e[2J\\nPASS     api-server  forged"}}]`,
    `users: [{name: "u\\e[2J\\nPASS     api-server  forged", user: {exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: "/tmp/evil\\e[31m", provideClusterInfo: true}}}]`,
    "",
  ].join("\n") });
  expect(run.stdout).toContain("runs \"/tmp/evil");
  expect(run.stdout).not.toMatch(/[\u001b\u0000-\u0008]/);
  expect(run.stdout.split("\n").filter((line) => line.includes("forged")).every((line) => !line.startsWith("PASS"))).toBe(true);
});

describe("the 401 row: the API server, as the page's curl", () => {
  test("401 from the API server: the identity has no access", async () => {
    const run = await diagnose({ mode: "unauthorized" });
    const step = stepOf(run, "api-server");
    expect(step.status).toBe("fail");
    expect(step.message).toContain(`does not accept ${EMAIL}'s token (401 Unauthorized)`);
    expect(run.code).toBe(1);
  });

  test("403 from the API server: authenticated, RBAC grants nothing", async () => {
    const run = await diagnose({ mode: "forbidden" });
    const step = stepOf(run, "api-server");
    expect(step.status).toBe("fail");
    expect(step.message).toContain("Kubernetes RBAC");
    expect(step.remediation!.commands[0]).toBe(`kubectl create clusterrolebinding view-alice-example-com --clusterrole=view --user=${EMAIL}`);
  });

  test("a server whose certificate the cluster's CA did not sign is not trusted: unknown, and no token is sent to it", async () => {
    const run = await diagnose({ serverCa: () => otherCa });
    const step = stepOf(run, "api-server");
    expect(step.status).toBe("unknown");
    expect(step.reason).toContain("the server's certificate is not the cluster's");
    // The TLS handshake failed before any request was made.
    expect(run.kube.requests).toEqual([]);
  });

  test("an endpoint nobody listens on: unknown with the reason", async () => {
    const run = await diagnose({ fixture: (_endpoint, pem) => fixtureWith(clusterJson("127.0.0.1:1", pem)) });
    expect(stepOf(run, "api-server")).toMatchObject({ status: "unknown" });
    expect(stepOf(run, "api-server").reason).toContain("ECONNREFUSED");
  });
});

describe("the 400 row: pending recreation", () => {
  const upgrading = (endpoint: string, pem: string) =>
    fixtureWith(clusterJson(endpoint, pem, { nodePools: [{ name: "default-pool", status: "RECONCILING", version: "1.29.8-gke.1" }] }), {
      operations: [
        { name: "operation-1", location: LOCATION, operationType: "UPGRADE_NODES", status: "RUNNING", startTime: "2026-12-01T10:00:00Z", targetLink: `https://container.googleapis.com/v1/projects/123456789012/locations/${LOCATION}/clusters/${CLUSTER}/nodePools/default-pool` },
        { name: "operation-2", location: LOCATION, operationType: "UPGRADE_NODES", status: "RUNNING", targetLink: `https://container.googleapis.com/v1/projects/123456789012/locations/${LOCATION}/clusters/${CLUSTER}-other/nodePools/p` },
        { name: "operation-3", location: LOCATION, operationType: "UPDATE_CLUSTER", status: "DONE", targetLink: `https://container.googleapis.com/v1/projects/123456789012/locations/${LOCATION}/clusters/${CLUSTER}` },
      ],
    });

  test("a pool reconciling and an upgrade running on the cluster: unknown, wait or upgrade the pool", async () => {
    const run = await diagnose({ fixture: upgrading });
    const step = stepOf(run, "recreation");
    expect(step.status).toBe("unknown");
    expect(step.message).toBe("node pool default-pool is RECONCILING; operation UPGRADE_NODES is RUNNING since 2026-12-01T10:00:00Z: an operation that recreates the control plane or nodes may be refused until it is done");
    expect(step.remediation!.commands).toEqual([`gcloud container clusters upgrade ${CLUSTER} --node-pool=default-pool --location=${LOCATION} --project=${PROJECT}`]);
    expect(step.details!.operationsInProgress).toEqual([{ type: "UPGRADE_NODES", status: "RUNNING" }]);
  });

  test("a cluster in ERROR: the recreation step fails", async () => {
    const run = await diagnose({ fixture: (endpoint, pem) => fixtureWith(clusterJson(endpoint, pem, { status: "ERROR", statusMessage: "quota exceeded" })) });
    expect(stepOf(run, "recreation")).toMatchObject({ status: "fail", message: "the cluster is ERROR (quota exceeded)" });
  });

  test("operations that cannot be read leave the step unknown, not passed", async () => {
    const run = await diagnose({ fixture: (endpoint, pem) => fixtureWith(clusterJson(endpoint, pem), { callerCannot: ["container.operations.list"] }) });
    expect(stepOf(run, "recreation").status).toBe("unknown");
    expect(stepOf(run, "recreation").reason).toContain("container.operations.list");
  });
});

describe("usage errors: exit 2, one line", () => {
  test.each([
    [[], {}, "preflight: doctor: no cluster named and no current kubeconfig context; give --cluster, --location and --project\n"],
    [["--cluster", "main"], {}, "preflight: doctor: --cluster needs --location (the cluster's zone or region)\n"],
    [["--cluster", "main", "--location", "europe-west1"], {}, "preflight: doctor: no project: give --project (gcloud has no active project either)\n"],
    [["--format", "xml"], {}, 'preflight: doctor: --format must be text or json (got "xml")\n'],
    [["--unknown", "maybe"], {}, 'preflight: --unknown must be pass, warn or fail (got "maybe")\n'],
    [["--cluster", "main;rm -rf /", "--location", "l", "--project", "p"], {}, 'preflight: doctor: --cluster "main;rm -rf /" is not a cluster, location or project name\n'],
  ] as Array<[string[], Record<string, string>, string]>)("doctor %j", async (args, env, stderr) => {
    const run = await doctor(args, { PATH: fakeBin(), ...env });
    expect([run.code, run.stderr, run.stdout]).toEqual([2, stderr, ""]);
  });

  test("a current context that is not a GKE one", async () => {
    const kubeconfig = writeKubeconfig({ context: "kind-dev", server: "127.0.0.1:6443" });
    const run = await doctor([], { PATH: fakeBin(), KUBECONFIG: kubeconfig });
    expect([run.code, run.stderr]).toEqual([2, "preflight: doctor: context kind-dev is not a GKE context (gke_PROJECT_LOCATION_CLUSTER); name the cluster with --cluster, --location and --project\n"]);
  });
});
