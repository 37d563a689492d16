import { hideSensitive, sensitiveVariable } from "../../src/model/secrets";
import { isUnknown, Unknown } from "../../src/model/unknown";

test("a sensitive variable of recognisable strings stays usable; anything shorter or not a string is not read", () => {
  expect(sensitiveVariable("secret-project")).toEqual({ value: "secret-project", texts: ["secret-project"] });
  expect(sensitiveVariable(["secret-a1", "secret-b2"]).texts).toEqual(["secret-a1", "secret-b2"]);
  for (const value of ["abc", 123456789012, true, ["secret-a1", "x"], { a: "secret-a1", b: 1 }]) {
    const hidden = sensitiveVariable(value);
    expect(isUnknown(hidden.value)).toBe(true);
    expect(hidden.texts).toEqual([]);
  }
});

test("hideSensitive replaces every occurrence, whatever its case, longest text first, and copies only what changes", () => {
  const untouched = { b: ["plain"] };
  const finding = { message: "gke@Secret-Project.iam.gserviceaccount.com on secret-project-2", details: { list: ["x", "SECRET-PROJECT"], untouched }, reason: new Unknown("from secret-project", ["var.p"], "${secret-project}") };
  const hidden = hideSensitive(finding, ["secret-project", "secret-project-2"]);
  expect(hidden.message).toBe("gke@(sensitive).iam.gserviceaccount.com on (sensitive)");
  expect(hidden.details.list).toEqual(["x", "(sensitive)"]);
  expect(hidden.details.untouched).toBe(untouched);
  expect(hidden.reason).toEqual(new Unknown("from (sensitive)", ["var.p"], "${(sensitive)}"));
  expect(finding.message).toContain("Secret-Project");
  expect(hideSensitive(untouched, ["secret-project"])).toBe(untouched);
});
