import { execFileSync } from "node:child_process";
import { sh, shellWord } from "../../src/rules/shell";

/** What bash makes of a command line: its words, without running anything but printf. */
const words = (line: string) => execFileSync("bash", ["-c", `set -- ${line}; printf '%s\\n' "$@"`], { encoding: "utf8" }).trimEnd().split("\n");

test("plain values stay as they are", () => {
  expect(sh`gcloud services enable ${"container.googleapis.com"} --project=${"acme-prod"}`).toBe("gcloud services enable container.googleapis.com --project=acme-prod");
  expect(sh`--member="serviceAccount:${"a@b.iam.gserviceaccount.com"}"`).toBe('--member="serviceAccount:a@b.iam.gserviceaccount.com"');
});

test.each(["p; touch /tmp/pwned", "$(id)", "`id`", "a'b", 'a"b', "x\\y", "${HOME}"])("a hostile value %j stays one word, literally", (value) => {
  expect(words(sh`--project=${value}`)).toEqual([`--project=${value}`]);
  expect(words(sh`--member="serviceAccount:${value}"`)).toEqual([`--member=serviceAccount:${value}`]);
  expect(words(shellWord(value))).toEqual([value]);
});
