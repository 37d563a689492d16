import { OAuth2Client } from "google-auth-library";
import { describeCredentialSource } from "../../src/doctor/credential-source";
import { iniSection, readGcloudConfig } from "../../src/doctor/gcloud-config";
import { kubeGet } from "../../src/doctor/kube-api";
import { kubeconfigPaths, loadKubeconfig, parseGkeContextName } from "../../src/doctor/kubeconfig";
import { parseExecCredential } from "../../src/doctor/plugin-token";
import { rolesGrantingClusterGet } from "../../src/doctor/steps/permission";
import { caExpiry, operationsOn } from "../../src/doctor/steps/recreation";
import { kubectlVersion } from "../../src/doctor/steps/kubeconfig";
import { DOCTOR_METHODS } from "../../src/live/allowlist";
import { DEFAULT_LIMITS, guardedTransport } from "../../src/live/transport";
import { GoogleEmulator } from "../live/emulator";
import { FAKE_TOKEN } from "../live/harness";
import { KubeApiServer, makeCa } from "./kube-server";
import { fixtureWith } from "./support";

describe("kubeconfig", () => {
  test("GKE context names split into project, location and cluster; others do not", () => {
    expect(parseGkeContextName("gke_shop-prod_europe-west1-b_main")).toEqual({ project: "shop-prod", location: "europe-west1-b", cluster: "main" });
    expect(parseGkeContextName("kind-dev")).toBeUndefined();
    expect(parseGkeContextName("gke_a_b")).toBeUndefined();
    expect(parseGkeContextName("gke_a__c")).toBeUndefined();
    expect(parseGkeContextName("gke_a_b_c_d")).toBeUndefined();
  });

  test("KUBECONFIG lists merge as kubectl does: the first file to name an entry or set current-context wins", () => {
    const files: Record<string, string> = {
      "/a": "current-context: one\ncontexts:\n- name: one\n  context: {cluster: c1, user: u1}\nusers:\n- name: u1\n  user:\n    exec: {command: gke-gcloud-auth-plugin, apiVersion: client.authentication.k8s.io/v1beta1}\n",
      "/b": "current-context: two\ncontexts:\n- name: one\n  context: {cluster: other, user: other}\n- name: two\n  context: {cluster: c2}\nclusters:\n- name: c1\n  cluster: {server: 'https://1.2.3.4'}\nusers:\n- name: u1\n  user: {token: secret-token-value}\n",
      "/broken": "contexts: [unclosed",
      "/list": "- just\n- a list\n",
    };
    const config = loadKubeconfig(kubeconfigPaths(undefined, { KUBECONFIG: "/a:/missing:/b:/broken:/list" }), (path) => {
      if (!(path in files)) throw Object.assign(new Error("nope"), { code: "ENOENT" });
      return files[path]!;
    });
    expect(config.files).toEqual(["/a", "/b"]);
    expect(config.problems).toEqual(["/missing: no such file", expect.stringMatching(/^\/broken: not YAML/), "/list: expected a kubeconfig mapping (apiVersion, clusters, contexts, users)"]);
    expect(config.currentContext).toBe("one");
    expect(config.contexts.get("one")).toEqual({ name: "one", cluster: "c1", user: "u1" });
    expect(config.clusters.get("c1")?.server).toBe("https://1.2.3.4");
    expect(config.users.get("u1")).toEqual({ name: "u1", otherAuth: [], exec: { command: "gke-gcloud-auth-plugin", apiVersion: "client.authentication.k8s.io/v1beta1", provideClusterInfo: undefined } });
    // Secrets are not copied out of the file.
    expect(JSON.stringify([...config.users.values()])).not.toContain("secret-token-value");
  });

  test("--kubeconfig wins over KUBECONFIG, which wins over ~/.kube/config", () => {
    expect(kubeconfigPaths("/x", { KUBECONFIG: "/y", HOME: "/h" })).toEqual(["/x"]);
    expect(kubeconfigPaths(undefined, { KUBECONFIG: "/y", HOME: "/h" })).toEqual(["/y"]);
    expect(kubeconfigPaths(undefined, { HOME: "/h" })).toEqual(["/h/.kube/config"]);
  });

  test("YAML aliases are refused (a billion-laughs kubeconfig is a problem, not a hang)", () => {
    const bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n";
    expect(loadKubeconfig(["/bomb"], () => bomb).problems).toEqual([expect.stringMatching(/^\/bomb: not YAML/)]);
  });
});

test("an ExecCredential's token is taken; anything else is a problem that quotes nothing of the output", () => {
  expect(parseExecCredential('{"kind":"ExecCredential","status":{"token":"ya29.abc","expirationTimestamp":"2026-12-01T23:00:00Z"}}')).toEqual({ token: "ya29.abc", expiry: "2026-12-01T23:00:00Z" });
  expect(parseExecCredential('{"kind":"ExecCredential","status":{}}')).toEqual({ problem: "its ExecCredential holds no token" });
  expect(parseExecCredential('{"kind":"Other","status":{"token":"ya29.abc"}}')).toEqual({ problem: "its ExecCredential holds no token" });
  expect(parseExecCredential("token ya29.abc")).toEqual({ problem: "it printed no ExecCredential JSON" });
});

describe("gcloud configuration", () => {
  test("the active configuration's core account and project; the environment overrides", () => {
    const files: Record<string, string> = {
      "/g/active_config": "work\n",
      "/g/configurations/config_work": "[compute]\nregion = x\n[core]\naccount = alice@example.com\nproject = shop-prod\n",
    };
    const read = (path: string) => {
      if (!(path in files)) throw new Error("ENOENT");
      return files[path]!;
    };
    expect(readGcloudConfig({ CLOUDSDK_CONFIG: "/g" }, read)).toEqual({ configuration: "work", account: "alice@example.com", project: "shop-prod", from: { account: "gcloud configuration work", project: "gcloud configuration work" } });
    expect(readGcloudConfig({ CLOUDSDK_CONFIG: "/g", CLOUDSDK_CORE_PROJECT: "other" }, read).project).toBe("other");
    expect(readGcloudConfig({ CLOUDSDK_CONFIG: "/g", CLOUDSDK_ACTIVE_CONFIG_NAME: "../../etc/passwd" }, read).configuration).toBe("default");
    expect(iniSection("[core]\nproject: p\n; comment\n[other]\nproject = q\n", "core")).toEqual({ project: "p" });
  });

  test("the ADC source names a key file's type and account, never its key", () => {
    const key = JSON.stringify({ type: "service_account", client_email: "ci@shop-prod.iam.gserviceaccount.com", private_key: "-----BEGIN PRIVATE KEY-----\nMIIsecret\n-----END PRIVATE KEY-----\n" });
    const described = describeCredentialSource({ GOOGLE_APPLICATION_CREDENTIALS: "/k.json" }, () => key);
    expect(described).toEqual({ source: "application default credentials", detail: "GOOGLE_APPLICATION_CREDENTIALS, service_account, ci@shop-prod.iam.gserviceaccount.com" });
    expect(describeCredentialSource({ GOOGLE_OAUTH_ACCESS_TOKEN: "x" })).toEqual({ source: "GOOGLE_OAUTH_ACCESS_TOKEN" });
    expect(describeCredentialSource({ HOME: "/h" }, () => '{"type":"authorized_user","refresh_token":"1//secret"}')).toEqual({ source: "application default credentials", detail: "gcloud auth application-default login, authorized_user" });
  });
});

describe("recreation signs", () => {
  const cluster = { name: "main", location: "l", conditions: [], nodePools: [] };
  test("only operations still running on this cluster or its pools count", () => {
    const link = (tail: string) => `https://container.googleapis.com/v1/projects/1/locations/l/clusters/${tail}`;
    const operations = [
      { name: "a", status: "RUNNING", targetLink: link("main") },
      { name: "b", status: "PENDING", targetLink: link("main/nodePools/p") },
      { name: "c", status: "RUNNING", targetLink: link("main-2") },
      { name: "d", status: "DONE", targetLink: link("main") },
      { name: "e", status: "RUNNING" },
    ];
    expect(operationsOn(cluster, operations).map((operation) => operation.name)).toEqual(["a", "b"]);
  });

  test("the CA's end date and days left; an expired CA is negative", () => {
    const { caPem } = makeCa("short", 3);
    const base64 = Buffer.from(caPem).toString("base64");
    const now = new Date();
    expect(caExpiry(base64, now)!.daysLeft).toBeGreaterThanOrEqual(2);
    expect(caExpiry(base64, now)!.daysLeft).toBeLessThanOrEqual(3);
    expect(caExpiry(base64, new Date(now.getTime() + 10 * 86_400_000))!.daysLeft).toBeLessThan(0);
    expect(caExpiry(Buffer.from("not a pem").toString("base64"), now)).toBeUndefined();
    expect(caExpiry(undefined, now)).toBeUndefined();
  });

  test("kubectl versions, from JSON or text", () => {
    expect(kubectlVersion('{"clientVersion":{"major":"1","minor":"29+","gitVersion":"v1.29.3-gke.1"}}')).toEqual({ major: 1, minor: 29, text: "v1.29.3-gke.1" });
    expect(kubectlVersion("Client Version: v1.24.17")).toEqual({ major: 1, minor: 24, text: "1.24" });
    expect(kubectlVersion("nothing")).toBeUndefined();
  });

  test("the roles granting container.clusters.get come from the role table, smallest first, no service agent role", () => {
    const roles = rolesGrantingClusterGet();
    expect(roles[0]).toBe("roles/container.clusterViewer");
    expect(roles).toEqual(expect.arrayContaining(["roles/container.viewer", "roles/container.developer", "roles/container.admin", "roles/owner"]));
    expect(roles.some((role) => /serviceAgent/.test(role))).toBe(false);
  });
});

describe("only reads leave, also when code asks for more", () => {
  test("the doctor's guarded client refuses writes to the Container API before they reach the network", async () => {
    const emulator = await new GoogleEmulator(fixtureWith(undefined), FAKE_TOKEN).start();
    try {
      const credentials = new OAuth2Client();
      credentials.setCredentials({ access_token: FAKE_TOKEN });
      const origin = new URL(emulator.url).origin;
      const auth = guardedTransport(credentials, { allowlist: DOCTOR_METHODS, limits: { ...DEFAULT_LIMITS, retries: 0 }, originOf: () => origin, secrets: [FAKE_TOKEN], door: "preflight doctor" });
      const base = `${emulator.url}/v1/projects/shop-prod/locations/europe-west1`;
      for (const [method, url] of [
        ["DELETE", `${base}/clusters/main`],
        ["POST", `${base}/clusters/main:startIpRotation`],
        ["POST", `${base}/clusters/main/nodePools/default-pool:rollback`],
        ["PUT", `${base}/clusters/main`],
        ["POST", `${emulator.url}/v1/projects/shop-prod:setIamPolicy`],
        ["GET", `${emulator.url}/v1/projects/shop-prod/serviceAccounts/x@y.iam.gserviceaccount.com`],
      ] as const) {
        await expect(auth.request({ method, url })).rejects.toThrow(/^refused .* not on the read-only allowlist of preflight doctor$/);
      }
      expect(emulator.requests).toEqual([]);
    } finally {
      await emulator.stop();
    }
  });

  test("kubeGet refuses any other Kubernetes path before connecting", async () => {
    const ca = makeCa();
    const server = await new KubeApiServer(ca, FAKE_TOKEN).start();
    try {
      const calls: never[] = [];
      for (const path of ["/api/v1/secrets", "/api/v1/namespaces/default", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", "/api/v1/namespaces?watch=1"]) {
        expect(await kubeGet(server.endpoint, path, { caPem: ca.caPem, token: FAKE_TOKEN, calls })).toEqual({ error: expect.stringMatching(/^refused GET .*not on the Kubernetes read allowlist/) });
      }
      expect(server.requests).toEqual([]);
      expect(calls).toEqual([]);
      // The allowed one goes through, with the token.
      expect(await kubeGet(server.endpoint, "/api/v1/namespaces?limit=1", { caPem: ca.caPem, token: FAKE_TOKEN, calls })).toMatchObject({ status: 200, kind: "NamespaceList" });
      expect(server.requests.map((request) => [request.method, request.url, request.authorized])).toEqual([["GET", "/api/v1/namespaces?limit=1", true]]);
    } finally {
      await server.stop();
    }
  });
});
