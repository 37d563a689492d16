import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ALLOWED_METHODS } from "../../src/live/allowlist";

/** The documents that tell users what --live calls must name every method it may call. */
const ROOT = join(__dirname, "..", "..");
const docs = ["docs/live.md", "SECURITY.md"].map((file) => [file, readFileSync(join(ROOT, file), "utf8")] as const);

test.each(ALLOWED_METHODS.map((method) => method.id))("%s is documented", (id) => {
  // Documents shorten ids after the first mention of a service (`folders.getIamPolicy`).
  const short = id.split(".").slice(-2).join(".");
  for (const [file, text] of docs) expect([file, text.includes(short)]).toEqual([file, true]);
});

test("docs/live.md says how many methods there are", () => {
  const words = ["fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "twenty-one", "twenty-two", "twenty-three", "twenty-four", "twenty-five", "twenty-six"];
  const said = words.find((word) => docs[0][1].includes(`the ${word} methods`));
  expect(said).toBe(words[ALLOWED_METHODS.length - 15]);
});
