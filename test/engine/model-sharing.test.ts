import { modelFromTerraformJson } from "../../src/inputs/terraform-json";
import { withoutCredentials } from "../../src/model/secrets";
import { isUnknown } from "../../src/model/unknown";
import { checkModel } from "../../src/engine/check";
import type { Values } from "../../src/model/types";

// The model shares what it need not copy (values without credentials, the draft's resources) and
// spells out a resource's JSON pointer only when a finding reads it. These check that sharing
// never shows: same answers as copies, inputs left as they were.

describe("withoutCredentials shares what holds no credential", () => {
  test("a value without credentials is returned as is, not copied", () => {
    const before: Values = { name: "c", node_config: [{ service_account: "sa@p.iam.gserviceaccount.com", tags: ["a", "b"] }] };
    expect(withoutCredentials(before)).toBe(before);
  });

  test("only the path to a credential is copied; the input is left unchanged", () => {
    const token = `ya29.${"a".repeat(30)}`;
    const untouched = { labels: { team: "x" } };
    const before: Values = { settings: [{ header: token, plain: "ok" }], client_secret: "s3cret", other: untouched };
    const copy = withoutCredentials(before);
    expect(copy).not.toBe(before);
    expect(isUnknown((copy.settings as Values[])[0].header)).toBe(true);
    expect((copy.settings as Values[])[0].plain).toBe("ok");
    expect(isUnknown(copy.client_secret)).toBe(true);
    expect(copy.other).toBe(untouched);
    expect((before.settings as Values[])[0].header).toBe(token);
    expect(before.client_secret).toBe("s3cret");
  });

  test("a key named __proto__ stays a data key of the copy, never its prototype", () => {
    const before = JSON.parse('{"__proto__": {"disable_on_destroy": true}, "password": "x"}') as Values;
    const copy = withoutCredentials(before);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(["__proto__", "password"]);
    expect((copy as Record<string, unknown>).disable_on_destroy).toBeUndefined();
  });
});

describe("Terraform JSON model", () => {
  const config = () => ({
    resource: {
      google_project: { p: { project_id: "acme-prod", name: "acme" } },
      google_service_account: { "a/b": { account_id: "nodes", project: "acme-prod" } },
      google_container_cluster: { "c~x": { name: "c", location: "europe-west1", project: "${google_project.p.project_id}", node_config: { service_account: "default" } } },
    },
  });

  test("JSON pointers are spelled out with ~ and / escaped, as before", () => {
    const model = modelFromTerraformJson(config(), { file: "cdk.tf.json" });
    expect(model.byAddress.get("google_container_cluster.c~x")!.location).toMatchObject({ file: "cdk.tf.json", pointer: "/resource/google_container_cluster/c~0x" });
    expect(model.byAddress.get("google_service_account.a/b")!.location.pointer).toBe("/resource/google_service_account/a~1b");
    const finding = checkModel(model).find((f) => f.address === "google_container_cluster.c~x");
    expect(finding?.pointer).toBe("/resource/google_container_cluster/c~0x");
  });

  test("the input configuration is not changed by resolving it", () => {
    const json = config();
    const copy = JSON.parse(JSON.stringify(json));
    const model = modelFromTerraformJson(json, { file: "cdk.tf.json" });
    expect(model.byAddress.get("google_container_cluster.c~x")!.values.project).toBe("acme-prod");
    expect(json).toEqual(copy);
  });

  test("every resource is indexed once, by address and by type, after resolution", () => {
    const model = modelFromTerraformJson(config(), { file: "cdk.tf.json" });
    expect(model.resources.map((r) => model.byAddress.get(r.address))).toEqual(model.resources);
    expect(model.byType.get("google_container_cluster")).toEqual([model.byAddress.get("google_container_cluster.c~x")]);
    expect(model.byAddress.get("google_container_cluster.c~x")!.references).toEqual(["google_project.p"]);
  });
});
