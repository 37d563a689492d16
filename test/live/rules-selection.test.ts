import { loadFixture } from "./emulator";
import { FAKE_TOKEN, withEmulator } from "./harness";
import { PLAN, preflight, statusesOf } from "./cli-harness";

/** `--rules` narrows what --live reads as well as what is checked: a rule not run asks nothing of Google. */
async function methodsOf(extraArgs: string[]): Promise<{ methods: string[]; code: number | null; statuses: string[] }> {
  return withEmulator(loadFixture("acme-good"), async (emulator) => {
    const run = await preflight([PLAN, "--format", "json", "--include-pass", "--live", "--api-endpoint", emulator.url, ...extraArgs], { GOOGLE_OAUTH_ACCESS_TOKEN: FAKE_TOKEN });
    return { methods: emulator.methodsCalled(), code: run.code, statuses: statusesOf(run, "GKE003") };
  });
}

test("--rules GKE003 --live reads the project's services but not the deployer's permissions nor the node account", async () => {
  const all = await methodsOf([]);
  const one = await methodsOf(["--rules", "GKE003"]);
  // What only other rules need is asked by the full run and not by the narrowed one.
  const onlyOthers = all.methods.filter((m) => !one.methods.includes(m));
  expect(onlyOthers.length).toBeGreaterThan(0);
  expect(one.methods.every((m) => all.methods.includes(m))).toBe(true);
  expect(one.statuses).toEqual(all.statuses);
  expect(one.statuses.length).toBeGreaterThan(0);
  expect(new Set(one.statuses)).toEqual(new Set(["pass"]));
  expect(one.methods).toContain("serviceusage.services.list");
  // The deployer's permissions (GKE009) and the node account (GKE006, GKE009) are other rules' questions.
  for (const method of ["cloudresourcemanager.projects.testIamPermissions", "iam.projects.serviceAccounts.testIamPermissions", "iam.projects.serviceAccounts.get"]) {
    expect(all.methods).toContain(method);
    expect(one.methods).not.toContain(method);
  }
});
