import type { AuthClient } from "google-auth-library";
import { DEFAULT_POLICY, GuardedAuthClient, LiveCallError } from "../../src/live/transport";

/**
 * The transport's deadline on a virtual clock: what "no answer in time" means, decided without
 * waiting for real time to pass, so a loaded machine cannot make a call that answered look late
 * (the end-to-end tests in read.test.ts and security.test.ts give every other call a minute).
 */
const URL = "https://cloudresourcemanager.googleapis.com/v1/projects/shop-prod";
const SILENT_URL = "https://cloudresourcemanager.googleapis.com/v1/projects/silent";

type Send = (options: { signal?: AbortSignal }) => Promise<unknown>;

/** Credentials whose requests go to `send` instead of the network. */
function credentials(send: Send): AuthClient {
  return { universeDomain: "googleapis.com", request: send } as unknown as AuthClient;
}

/** A server that never answers: the request ends only when its signal aborts it. */
const silent: Send = ({ signal }) =>
  new Promise((_, reject) => signal?.addEventListener("abort", () => reject(Object.assign(new Error("This operation was aborted"), { name: "AbortError" }))));

/** A server that answers after `ms` of virtual time. */
const answersAfter =
  (ms: number): Send =>
  () =>
    new Promise((resolve) => setTimeout(() => resolve({ status: 200, data: { projectId: "shop-prod" } }), ms));

function settle<T>(promise: Promise<T>): { state: () => "pending" | "answered" | "failed"; error: () => unknown } {
  let state: "pending" | "answered" | "failed" = "pending";
  let error: unknown;
  promise.then(
    () => (state = "answered"),
    (e: unknown) => ((state = "failed"), (error = e)),
  );
  return { state: () => state, error: () => error };
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

test("a call without an answer fails exactly at the deadline, as a timeout, and is not retried", async () => {
  let attempts = 0;
  const client = new GuardedAuthClient(credentials((o) => (attempts++, silent(o))), { ...DEFAULT_POLICY, timeoutMs: 2_000, retries: 3 });
  const call = settle(client.request({ url: URL, method: "GET" }));
  await jest.advanceTimersByTimeAsync(1_999);
  expect(call.state()).toBe("pending");
  await jest.advanceTimersByTimeAsync(1);
  expect(call.state()).toBe("failed");
  const error = call.error() as LiveCallError;
  expect(error).toBeInstanceOf(LiveCallError);
  expect({ message: error.message, timedOut: error.timedOut, attempts: error.attempts }).toEqual({
    message: "cloudresourcemanager.v1.projects.get: no answer within 2000 ms",
    timedOut: true,
    attempts: 1,
  });
  expect(attempts).toBe(1);
});

test("an answer before the deadline is an answer, and leaves no timer behind", async () => {
  const client = new GuardedAuthClient(credentials(answersAfter(1_999)), { ...DEFAULT_POLICY, timeoutMs: 2_000 });
  const call = settle(client.request({ url: URL, method: "GET" }));
  await jest.advanceTimersByTimeAsync(1_999);
  expect(call.state()).toBe("answered");
  expect(jest.getTimerCount()).toBe(0);
});

test("each call has its own deadline: one silent call does not make the others late", async () => {
  const client = new GuardedAuthClient(
    credentials((o) => ((o as { url?: string }).url === SILENT_URL ? silent(o) : answersAfter(1_500)(o))),
    { ...DEFAULT_POLICY, timeoutMs: 2_000, concurrency: 1 },
  );
  const slow = settle(client.request({ url: SILENT_URL, method: "GET" }));
  // With one call at a time, the second waits for the first: its deadline starts when it is sent.
  const next = settle(client.request({ url: URL, method: "GET" }));
  await jest.advanceTimersByTimeAsync(2_000);
  expect(slow.state()).toBe("failed");
  expect(next.state()).toBe("pending");
  await jest.advanceTimersByTimeAsync(1_500);
  expect(next.state()).toBe("answered");
});
