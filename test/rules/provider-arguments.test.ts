import { modelFromPlan } from "../../src/inputs/plan-json";
import { modelFromTerraformJson } from "../../src/inputs/terraform-json";
import { isUnknown } from "../../src/model/unknown";
import { buildPlan } from "../support/plan-builder";

describe("provider blocks keep their arguments (for GKE010)", () => {
  test("plan: constants, references and nested blocks, module-qualified", () => {
    const plan = buildPlan({ project: "acme-prod", resources: [] });
    (plan.configuration as { provider_config: Record<string, unknown> }).provider_config["module.apps:helm"] = {
      name: "helm",
      module_address: "module.apps",
      expressions: { kubernetes: [{ host: { references: ["var.host"] }, exec: [{ command: { constant_value: "gke-gcloud-auth-plugin" }, args: { constant_value: [] } }] }] },
    };
    const model = modelFromPlan(plan, "p.json");
    const helm = model.providers.get("module.apps:helm")!;
    expect(helm.name).toBe("helm");
    const kubernetes = (helm.arguments!.kubernetes as Array<Record<string, unknown>>)[0];
    expect(isUnknown(kubernetes.host)).toBe(true);
    expect((kubernetes.exec as Array<Record<string, unknown>>)[0].command).toBe("gke-gcloud-auth-plugin");
    expect(model.providers.get("google")!.arguments).toEqual({ project: "acme-prod" });
  });

  test("Terraform JSON: aliases, references resolved to Unknowns, literals kept, credentials never", () => {
    const model = modelFromTerraformJson(
      {
        provider: { kubernetes: [{ alias: "apps", host: "https://${google_container_cluster.c.endpoint}", token: "${data.google_client_config.d.access_token}", insecure: false }, { config_path: "~/.kube/config", token: "ya29.a0AfH6SMBnotarealtokenatall" }] },
        data: { google_client_config: { d: {} } },
        resource: { google_container_cluster: { c: { name: "c" } } },
      },
      { file: "cdk.tf.json" },
    );
    const apps = model.providers.get("kubernetes.apps")!;
    expect(apps.name).toBe("kubernetes");
    expect(apps.arguments!.insecure).toBe(false);
    const host = apps.arguments!.host;
    expect(isUnknown(host) && host.references).toEqual(["google_container_cluster.c.endpoint"]);
    const token = apps.arguments!.token;
    expect(isUnknown(token) && token.references).toEqual(["data.google_client_config.d.access_token"]);
    const literal = model.providers.get("kubernetes")!.arguments!;
    expect(literal.config_path).toBe("~/.kube/config");
    expect(JSON.stringify(literal)).not.toContain("ya29");
  });
});
