import { execFileSync } from "node:child_process";
import { sh, shellCode, shellWord } from "../../src/text/shell";

/** What bash makes of a command line: its words, without running anything but printf. */
const words = (line: string) => execFileSync("bash", ["-c", `set -- ${line}; printf '%s\\n' "$@"`], { encoding: "utf8" }).trimEnd().split("\n");

test("plain values stay as they are", () => {
  expect(sh`gcloud services enable ${"container.googleapis.com"} --project=${"acme-prod"}`).toBe("gcloud services enable container.googleapis.com --project=acme-prod");
  expect(sh`--member="serviceAccount:${"a@b.iam.gserviceaccount.com"}"`).toBe('--member="serviceAccount:a@b.iam.gserviceaccount.com"');
});

const hostile = ["p; touch /tmp/pwned", "$(id)", "`id`", "a'b", 'a"b', "x\\y", "${HOME}", "ci!#;id>FILE;#", "!!", "a!b", "^a^b", "", "*", "a b", "#c", "~root", "%1", "a=b c"];

test.each(hostile)("a hostile value %j stays one word, literally", (value) => {
  expect(words(sh`--project=${value}`)).toEqual([`--project=${value}`]);
  expect(words(sh`--member="serviceAccount:${value}"`)).toEqual([`--member=serviceAccount:${value}`]);
  expect(words(sh`--member="${value}"`)).toEqual([`--member=${value}`]);
  expect(words(sh`describe ${value} --x`)).toEqual(["describe", value, "--x"]);
  expect(words(shellWord(value))).toEqual([value]);
});

test("every value that is not plain is in single quotes: no `!` outside them for history expansion", () => {
  expect(sh`--member="${"serviceAccount:ci!#;id>FILE;#"}"`).toBe(`--member='serviceAccount:ci!#;id>FILE;#'`);
  expect(sh`--member="serviceAccount:${"ci!#;id>FILE;#"}"`).toBe(`--member="serviceAccount:"'ci!#;id>FILE;#'""`);
  expect(sh`--member="serviceAccount:${"a!b"}@x" --role=r`).toBe(`--member="serviceAccount:"'a!b'"@x" --role=r`);
  expect(sh`x ${"it's"}`).toBe(`x 'it'\\''s'`);
  for (const value of hostile) expect(sh`a ${value} --b="${value}" --c="x${value}y"`.replace(/'[^']*'/g, "")).not.toMatch(/!/);
});

test("control characters, separators and bidirectional marks never reach the command line", () => {
  expect(sh`--project=${"a\nb"}`).toBe("--project='a\uFFFDb'");
  expect(sh`x ${"a\u001b[2Jb\u2028c\u202ed\r"}`).toBe("x 'a\uFFFD[2Jb\uFFFDc\uFFFDd\uFFFD'");
});

test("a value at the start of a word is never read as an option, nor expanded by zsh's =cmd", () => {
  expect(sh`gcloud projects describe ${"--impersonate-service-account=x"}`).toBe(`gcloud projects describe '\\--impersonate-service-account=x'`);
  expect(words(sh`describe ${"-x"}`)).toEqual(["describe", "\\-x"]);
  expect(sh`describe ${"=ls"}`).toBe(`describe '=ls'`);
  expect(sh`--project=${"-x"}`).toBe("--project=-x");
});

test("shell syntax the fix means is passed as code", () => {
  expect(sh`--member="serviceAccount:${shellCode("service-${PROJECT_NUMBER}")}@x"`).toBe('--member="serviceAccount:service-${PROJECT_NUMBER}@x"');
  expect(() => sh`--format='${"x"}'`).toThrow(/inside single quotes of the template/);
});

test("a comment's own words hold no shell syntax: zsh (without INTERACTIVE_COMMENTS) parses them", () => {
  expect(sh`# add ${"a'b"} to exceptionPrincipals in the rule, then:`).toBe(`# add 'a'\\''b' to exceptionPrincipals in the rule, then:`);
  expect(() => sh`# add ${"x"} to the rule's exceptionPrincipals`).toThrow(/a comment with shell syntax zsh would parse/);
  expect(() => sh`gcloud x ${"y"}   # or (later) this`).toThrow(/a comment with shell syntax/);
  expect(() => sh`gcloud x ${"y"}   # if it was already disabled`).toThrow(/a comment after a command/);
});
