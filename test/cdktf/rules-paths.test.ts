/**
 * Every rule that can fail on a configuration alone, made to fail in a CDKTF stack: synth must
 * fail with that rule's line at the construct that causes it.
 */
import { TerraformStack, Testing } from "cdktf";
import { ProjectDefaultServiceAccounts } from "@cdktf/provider-google/lib/project-default-service-accounts";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { ProjectService } from "@cdktf/provider-google/lib/project-service";
import { GkePreflight } from "../../src/cdktf";
import { addGke } from "./fixtures";
import { annotations } from "./helpers";

type Breaker = (stack: TerraformStack) => void;

const cases: Array<{ rule: string; path: string; what: string; build: Breaker }> = [
  {
    rule: "GKE001",
    path: "gke/pool",
    what: "node account with only the legacy logging role",
    build: (s) => void addGke(s, { nodeRoles: ["roles/logging.logWriter"] }),
  },
  {
    rule: "GKE002",
    path: "gke/service_agents",
    what: "authoritative binding without the GKE service agent",
    build: (s) => void addGke(s, { stripServiceAgent: true }),
  },
  {
    rule: "GKE003",
    path: "gke/cluster",
    what: "project created here without the APIs",
    build: (s) => void addGke(s, { apis: false, createProject: true }),
  },
  {
    rule: "GKE004",
    path: "gke/pool",
    what: "node pool on the Compute Engine default account",
    build: (s) => addGke(s).pool.addOverride("node_config.service_account", "default"),
  },
  {
    rule: "GKE006",
    path: "gke/nodes_sa",
    what: "node account created disabled",
    build: (s) => addGke(s).sa.addOverride("disabled", true),
  },
  {
    rule: "GKE006",
    path: "gke/default_accounts",
    what: "default account disabled while a pool runs as it",
    build: (s) => {
      addGke(s).pool.addOverride("node_config.service_account", "default");
      new ProjectDefaultServiceAccounts(s, "default_accounts", { project: "p1", action: "DISABLE" });
    },
  },
  {
    rule: "GKE007",
    path: "gke/cluster",
    what: "cluster not waiting for its grant and APIs",
    build: (s) => void addGke(s, { ordered: false }),
  },
  {
    rule: "GKE008",
    path: "gke/extra_container_api",
    what: "API enabled without disable_on_destroy under provider 6.x",
    build: (s) => {
      addGke(s);
      new ProjectService(s, "extra_container_api", { project: "p1", service: "container.googleapis.com" });
    },
  },
];

describe("each configuration-decidable rule fails synth at the construct that causes it", () => {
  // Warning-severity rules fail synth with failOn "warning" (as --fail-on warning); by default they are WARN lines.
  it.each(cases)("$rule: $what → [$path]", ({ rule, path, build }) => {
    const stack = new TerraformStack(Testing.app(), "gke");
    build(stack);
    const preflight = GkePreflight.of(stack, { failOn: "warning" });
    let message = "";
    try {
      Testing.fullSynth(stack);
    } catch (e) {
      message = (e as Error).message;
    }
    const lines = message.split("\n").filter((l) => l.startsWith("["));
    expect(lines.map((l) => l.split(" ").slice(0, 2).join(" "))).toContain(`[${path}] ${rule}`);
    const severity = preflight.lastResults.get("gke")!.findings.find((f) => f.ruleId === rule && f.status === "fail")!.severity;
    if (severity === "warning") {
      const byDefault = new TerraformStack(Testing.app(), "gke");
      build(byDefault);
      GkePreflight.of(byDefault);
      let thrown = "";
      try {
        Testing.fullSynth(byDefault);
      } catch (e) {
        thrown = (e as Error).message;
      }
      expect(thrown).not.toContain(`[${path}] ${rule}`);
      expect(annotations(byDefault, "warn").map((l) => l.split(" ").slice(0, 2).join(" "))).toContain(`[${path}] ${rule}`);
    }
  });

  it("the same stack without the fault passes (the cases above are not failing for another reason)", () => {
    const stack = new TerraformStack(Testing.app(), "gke");
    addGke(stack);
    new ServiceAccount(stack, "unused_sa", { project: "p1", accountId: "unused" });
    GkePreflight.of(stack);
    expect(() => Testing.fullSynth(stack)).not.toThrow();
  });
});
