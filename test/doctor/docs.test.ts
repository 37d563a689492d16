import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DOCTOR_METHODS, KUBERNETES_READS } from "../../src/live/allowlist";
import { DOCTOR_STEPS } from "../../src/doctor/steps";

/** The pages that tell users what the doctor reads must name every read and every step. */
const ROOT = join(__dirname, "..", "..");
const read = (file: string) => readFileSync(join(ROOT, file), "utf8");

test.each(DOCTOR_METHODS.map((method) => method.id))("%s is in docs/doctor.md and SECURITY.md", (id) => {
  expect(read("docs/doctor.md")).toContain(`\`${id}\``);
  expect(read("SECURITY.md")).toContain(id.split(".").slice(-2).join("."));
});

test("the Kubernetes reads and the eight steps are documented", () => {
  const page = read("docs/doctor.md");
  for (const { path } of KUBERNETES_READS) expect(page).toContain(path);
  expect(DOCTOR_STEPS).toHaveLength(8);
  for (const id of ["cluster", "credentials", "permission", "kubeconfig", "plugin", "kubectl", "api-server", "recreation"]) expect(page).toContain(`| \`${id}\` |`);
});

test("the package ships docs/doctor.md, which --help points to", () => {
  expect((JSON.parse(read("package.json")) as { files: string[] }).files).toContain("docs/doctor.md");
});
