/**
 * A real multi-stack cdktf app: stack iam creates the node account, grants it the node role and
 * enables the GKE API; stack gke creates the cluster. When gke depends on iam (addDependency),
 * cdktf deploys iam first, so GKE001, GKE003 and GKE006 pass, naming stack iam; without the
 * dependency they stay unknown. The aspect at synth and the CLI on the cdktf.out it writes agree.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App, TerraformStack } from "cdktf";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { ProjectService } from "@cdktf/provider-google/lib/project-service";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { ContainerCluster } from "@cdktf/provider-google/lib/container-cluster";
import { loadInputs } from "../../src/inputs/load";
import { checkModel } from "../../src/engine/check";
import type { Finding } from "../../src/rules/types";
import { GkePreflight } from "../../src/cdktf";

const PROJECT = "acme-gke";
const EMAIL = `gke-nodes@${PROJECT}.iam.gserviceaccount.com`;
const RULES = ["GKE001", "GKE003", "GKE006", "GKE007"];
const made: string[] = [];
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

interface Options {
  gkeDependsOnIam: boolean;
  /** The cluster reads the account's email from stack iam (a cross-stack reference, known only after iam's apply). */
  crossStackEmail?: boolean;
}

function synth(options: Options): { outdir: string; aspect: GkePreflight } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "preflight-upstream-app-"));
  made.push(outdir);
  const app = new App({ outdir });
  const iam = new TerraformStack(app, "iam");
  new GoogleProvider(iam, "google", { project: PROJECT, region: "europe-west1" });
  new ProjectService(iam, "container", { project: PROJECT, service: "container.googleapis.com", disableOnDestroy: false });
  const sa = new ServiceAccount(iam, "nodes", { project: PROJECT, accountId: "gke-nodes" });
  new ProjectIamMember(iam, "nodes_role", { project: PROJECT, role: "roles/container.defaultNodeServiceAccount", member: `serviceAccount:${sa.email}` });
  const gke = new TerraformStack(app, "gke");
  new GoogleProvider(gke, "google", { project: PROJECT, region: "europe-west1" });
  new ContainerCluster(gke, "cluster", {
    project: PROJECT,
    name: "acme-primary",
    location: "europe-west1",
    removeDefaultNodePool: true,
    initialNodeCount: 1,
    deletionProtection: false,
    nodeConfig: { serviceAccount: options.crossStackEmail ? sa.email : EMAIL },
  });
  if (options.gkeDependsOnIam) gke.addDependency(iam);
  const aspect = GkePreflight.of(app, { rules: RULES, failOn: "never" });
  app.synth();
  return { outdir, aspect };
}

const line = (f: Finding) => `${f.status} ${f.ruleId} ${f.stack}:${f.address}${f.ruleId === "GKE003" ? ` ${String(f.details?.api)}` : ""}`;

function bothDoors(options: Options): { cli: Finding[]; aspect: Finding[] } {
  const { outdir, aspect } = synth(options);
  const cli = loadInputs(outdir).flatMap((model) => checkModel(model, { includePass: true, rules: RULES }));
  const atSynth = [...aspect.lastResults.values()].flatMap((r) => r.findings);
  // The aspect reports what is not a pass; the CLI's findings beyond passes must be the same.
  expect(atSynth.map(line).sort()).toEqual(cli.filter((f) => f.status !== "pass").map(line).sort());
  return { cli, aspect: atSynth };
}

const gkeVerdicts = (findings: Finding[]) => findings.filter((f) => f.stack === "gke" && f.ruleId !== "GKE007").map(line).sort();

test("a cluster stack that depends on the stack granting, creating and enabling passes, naming that stack", () => {
  const { cli } = bothDoors({ gkeDependsOnIam: true });
  expect(gkeVerdicts(cli)).toEqual([
    "pass GKE001 gke:google_container_cluster.cluster",
    "pass GKE003 gke:google_container_cluster.cluster container.googleapis.com",
    "pass GKE006 gke:google_container_cluster.cluster",
    "unknown GKE003 gke:google_container_cluster.cluster compute.googleapis.com",
  ]);
  const gke001 = cli.find((f) => f.ruleId === "GKE001" && f.stack === "gke")!;
  expect(gke001.message).toContain("(granted in stack iam, deployed before this one)");
  expect(cli.find((f) => f.ruleId === "GKE006" && f.stack === "gke")!.message).toBe(`${EMAIL} is created by google_service_account.nodes in stack iam, deployed before this one, enabled`);
  expect(cli.find((f) => f.ruleId === "GKE007" && f.stack === "gke")!.status).toBe("pass");
});

test("without the stack dependency the cluster's account, grant and API stay unknown at both doors", () => {
  const { aspect } = bothDoors({ gkeDependsOnIam: false });
  expect(gkeVerdicts(aspect)).toEqual([
    "unknown GKE001 gke:google_container_cluster.cluster",
    "unknown GKE003 gke:google_container_cluster.cluster compute.googleapis.com",
    "unknown GKE003 gke:google_container_cluster.cluster container.googleapis.com",
    "unknown GKE006 gke:google_container_cluster.cluster",
  ]);
});

test("an account email read from the other stack (a cross-stack reference, which makes cdktf write the dependency) is that stack's account", () => {
  const { cli } = bothDoors({ gkeDependsOnIam: false, crossStackEmail: true });
  const gke001 = cli.find((f) => f.ruleId === "GKE001" && f.stack === "gke")!;
  expect(gke001.status).toBe("pass");
  expect(gke001.details?.identity).toBe(EMAIL);
  expect(gke001.message).toContain("(granted in stack iam, deployed before this one)");
  expect(cli.find((f) => f.ruleId === "GKE006" && f.stack === "gke")!.message).toBe(`${EMAIL} is created by google_service_account.nodes in stack iam, deployed before this one, enabled`);
  expect(cli.find((f) => f.ruleId === "GKE003" && f.stack === "gke" && f.details?.api === "container.googleapis.com")!.status).toBe("pass");
});
