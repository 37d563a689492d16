import fc from "fast-check";
import type { Fault } from "./emulator";
import { expectContained, expectStrictStop, expectUnknownWithOneLine, hostileRun } from "./hostile-harness";
import { FAKE_TOKEN } from "./harness";

/**
 * Property tests on live responses, beside the input fuzzing of test/robustness: the emulator
 * answers one call of a real `--live` run (the CLI, the real client libraries) with a generated
 * hostile response: malformed, of the wrong shape, carrying hostile strings, huge, or slow. Every
 * case must end with that call's facts `unknown` and one stderr line naming the call (exit 2
 * and one line under --live-strict), only reads sent, and no token or control character printed.
 * Cases come from the fixed seed (test/support/fast-check-seed.ts). Limits are set small through
 * PREFLIGHT_LIVE_* so huge and slow cases end quickly; nothing measures time.
 */
interface Target {
  methodId: string;
  fault: Pick<Fault, "path" | "method" | "exact">;
  /** Rules whose every finding needs this call's facts. */
  rules: string[];
  /** Paths (into the emulator's answer) of fields the reader uses, with their kind. */
  fields: Array<[path: Array<string | number>, kind: "string" | "list" | "bool" | "object"]>;
}

const ACCOUNT = "/v1/projects/-/serviceAccounts/ci-nodes@acme-prod.iam.gserviceaccount.com";

const TARGETS: Target[] = [
  {
    methodId: "cloudresourcemanager.v1.projects.get",
    fault: { path: "/v1/projects/acme-prod", exact: true },
    rules: ["GKE001", "GKE002", "GKE003"],
    fields: [[["projectId"], "string"], [["projectNumber"], "string"]],
  },
  {
    methodId: "cloudresourcemanager.projects.getIamPolicy",
    fault: { path: "/v1/projects/acme-prod:getIamPolicy" },
    rules: ["GKE002"],
    fields: [[["etag"], "string"], [["bindings"], "list"], [["bindings", 0], "object"], [["bindings", 0, "role"], "string"], [["bindings", 0, "members"], "list"], [["bindings", 0, "members", 0], "string"]],
  },
  {
    methodId: "serviceusage.services.list",
    fault: { path: "/services" },
    rules: ["GKE003"],
    fields: [[["services"], "list"], [["services", 0, "config"], "object"], [["services", 0, "config", "name"], "string"], [["services", 0, "name"], "string"]],
  },
  {
    methodId: "iam.projects.serviceAccounts.get",
    fault: { path: ACCOUNT, method: "GET" },
    rules: ["GKE006"],
    fields: [[["email"], "string"], [["disabled"], "bool"]],
  },
  {
    methodId: "cloudresourcemanager.projects.testIamPermissions",
    fault: { path: "/v1/projects/acme-prod:testIamPermissions" },
    rules: [],
    fields: [[["permissions"], "list"], [["permissions", 0], "string"]],
  },
  {
    methodId: "iam.policies.listPolicies",
    fault: { path: "/denypolicies", method: "GET" },
    rules: ["GKE002"],
    // The emulator's acme-good lists no deny policy: only the answer as a whole can be wrong.
    fields: [],
  },
];

const target = fc.constantFrom(...TARGETS);
const RUNS = { numRuns: 8, endOnFailure: true } as const;
const PROPERTY_TIMEOUT = 240_000;

/** The outcome every hostile case must have. */
function expectRefused(run: Awaited<ReturnType<typeof hostileRun>>, chosen: Target, strict: boolean, reason: RegExp): void {
  expectContained(run);
  if (strict) expectStrictStop(run, chosen.methodId);
  else expectUnknownWithOneLine(run, chosen.methodId, chosen.rules, reason);
}

const strictArgs = (strict: boolean) => (strict ? ["--live-strict"] : []);

describe("property: malformed answers", () => {
  // A top level that is not an object fits no method's answer.
  const notAnObject = fc.oneof(fc.array(fc.jsonValue(), { maxLength: 3 }), fc.string(), fc.integer(), fc.boolean(), fc.constant(null)).map((value) => JSON.stringify(value));
  const body = fc.oneof(
    fc.record({ kind: fc.constant("truncated" as const), cut: fc.double({ min: 0, max: 0.999, noNaN: true }) }),
    fc.record({ kind: fc.constant("raw" as const), text: fc.oneof(fc.string().filter(isNotAJsonObject), fc.constant("<html><body>Service Unavailable</body></html>"), fc.constant("")), type: fc.constantFrom("text/html", "text/plain", "application/xml", "application/json") }),
    fc.record({ kind: fc.constant("not-an-object" as const), text: notAnObject }),
  );

  test(
    "truncated JSON, other media types, non-objects: unknown with one line (exit 2 strict)",
    async () => {
      await fc.assert(
        fc.asyncProperty(target, body, fc.boolean(), async (chosen, answer, strict) => {
          const fault: Fault =
            answer.kind === "truncated"
              ? { ...chosen.fault, mangle: (json) => json.slice(0, Math.floor(json.length * answer.cut)) }
              : answer.kind === "raw"
                ? { ...chosen.fault, body: answer.text, contentType: answer.type }
                : { ...chosen.fault, body: answer.text, contentType: "application/json" };
          const run = await hostileRun([fault], { args: strictArgs(strict) });
          expectRefused(run, chosen, strict, /: the answer (is [\w/+.-]+, not JSON|is not valid JSON|does not have the expected shape \(.*\)); not used$/);
        }),
        RUNS,
      );
    },
    PROPERTY_TIMEOUT,
  );
});

describe("property: wrong shapes", () => {
  const wrongFor = (kind: Target["fields"][number][1]) =>
    fc.oneof(
      ...([
        kind !== "string" ? fc.string({ maxLength: 20 }) : undefined,
        fc.integer(),
        kind !== "bool" ? fc.boolean() : undefined,
        kind !== "object" ? fc.constant({ unexpected: 1 }) : undefined,
        // A list whose items are numbers: wrong for every list the reader reads (of strings or objects).
        fc.constant([1, 2]),
      ] as Array<fc.Arbitrary<unknown> | undefined>).filter((arbitrary): arbitrary is fc.Arbitrary<unknown> => arbitrary !== undefined),
    );
  const mutation = target
    .filter((chosen) => chosen.fields.length > 0)
    .chain((chosen) => fc.constantFrom(...chosen.fields).chain(([path, kind]) => fc.record({ chosen: fc.constant(chosen), path: fc.constant(path), wrong: wrongFor(kind) })));

  test(
    "a field the reader uses, given a value of another type: unknown with one line",
    async () => {
      await fc.assert(
        fc.asyncProperty(mutation, async ({ chosen, path, wrong }) => {
          let reached = false;
          const rewrite = (answer: unknown) => {
            reached = setAt(answer, path, wrong);
            return answer;
          };
          const run = await hostileRun([{ ...chosen.fault, rewrite }]);
          expect(reached).toBe(true); // the field existed in the answer: the mutation was real
          expectRefused(run, chosen, false, /: the answer does not have the expected shape \(.*\); not used$/);
        }),
        RUNS,
      );
    },
    PROPERTY_TIMEOUT,
  );
});

describe("property: hostile strings", () => {
  const HOSTILE_PIECES = ["\u001b[2J", "\u001b]8;;http://evil\u0007", "\r", "\n", "\u0000", "\u202e", "\u2028", "\u200b", "$(id)", "`id`", "'; id #", '"', "\\", "%0a", "${x}", FAKE_TOKEN, "Bearer ya29.a0-other-token-value", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXZhbHVl", "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----", "x".repeat(5_000)];
  const hostile = fc.array(fc.oneof(fc.constantFrom(...HOSTILE_PIECES), fc.string({ maxLength: 8 })), { minLength: 1, maxLength: 4 }).map((pieces) => pieces.join(""));
  const stringFields = target.chain((chosen) => {
    const strings = chosen.fields.filter(([, kind]) => kind === "string");
    return strings.length === 0 ? fc.constant(undefined) : fc.record({ chosen: fc.constant(chosen), path: fc.constantFrom(...strings.map(([path]) => path)), value: hostile });
  });
  // Control and format characters, or longer than 4 KiB: refused. Anything else may be used, but never printed raw.
  const refusable = (value: string) => value.length > 4_096 || /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/.test(value);

  test(
    "in identifiers: refused when they hold control characters; never printed raw, never a token",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          stringFields.filter((c) => c !== undefined),
          async (c) => {
            const { chosen, path, value } = c!;
            const run = await hostileRun([{ ...chosen.fault, rewrite: (answer) => (setAt(answer, path, value), answer) }]);
            expectContained(run);
            if (refusable(value)) expectUnknownWithOneLine(run, chosen.methodId, chosen.rules, /does not have the expected shape \(.*(holds a control character|longer than 4096 characters)\); not used$/);
            else expect(run.code === 0 || run.code === 1).toBe(true);
          },
        ),
        RUNS,
      );
    },
    PROPERTY_TIMEOUT,
  );
});

describe("property: huge and slow answers", () => {
  const CAP = 65_536;

  test(
    "an answer over PREFLIGHT_LIVE_MAX_RESPONSE_BYTES, declared or not: unknown with one line",
    async () => {
      await fc.assert(
        fc.asyncProperty(target, fc.integer({ min: CAP + 1, max: 4 * CAP }), fc.boolean(), async (chosen, bytes, declareLength) => {
          const run = await hostileRun([{ ...chosen.fault, huge: { bytes, declareLength } }], { env: { PREFLIGHT_LIVE_MAX_RESPONSE_BYTES: String(CAP) } });
          expectRefused(run, chosen, false, new RegExp(`: the answer is larger than ${CAP} bytes$`));
        }),
        { numRuns: 6, endOnFailure: true },
      );
    },
    PROPERTY_TIMEOUT,
  );

  test(
    "an answer that drips, or never starts: cut off by the one deadline",
    async () => {
      const slow = fc.oneof(fc.integer({ min: 5, max: 40 }).map((everyMs) => ({ drip: { everyMs } })), fc.constant({ delayMs: 600_000 }));
      await fc.assert(
        fc.asyncProperty(target, slow, async (chosen, how) => {
          const run = await hostileRun([{ ...chosen.fault, ...how }], { env: { PREFLIGHT_LIVE_TIMEOUT_MS: "15000" } });
          expectRefused(run, chosen, false, /: no complete answer within 15000 ms$/);
        }),
        { numRuns: 3, endOnFailure: true },
      );
    },
    PROPERTY_TIMEOUT,
  );
});

/** Text that is not the JSON of an object (which could fit an answer's shape: `{}` is a valid empty list of services). */
function isNotAJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value !== "object" || value === null || Array.isArray(value);
  } catch {
    return true;
  }
}

/** Sets `value` at `path` inside `root`; false when the path does not exist (nothing changed). */
function setAt(root: unknown, path: ReadonlyArray<string | number>, value: unknown): boolean {
  let node = root as Record<string | number, unknown> | undefined;
  for (const key of path.slice(0, -1)) {
    node = node?.[key] as Record<string | number, unknown> | undefined;
    if (typeof node !== "object" || node === null) return false;
  }
  const last = path[path.length - 1]!;
  if (!node || !(last in node)) return false;
  node[last] = value;
  return true;
}
