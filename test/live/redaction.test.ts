import { looksLikeCredential, redactCredentials } from "../../src/model/secrets";
import { redact, redactDeep } from "../../src/live/redact";

/**
 * One redaction for inputs and --live: every credential the input side recognises is removed
 * from what live mode prints, and the live side's context patterns (Authorization values, token
 * fields) apply to free text from the input too.
 */
const SHAPED = [
  ["an OAuth access token", "ya29.a0AfB_byC-2fQx9LmNoPqRsTuV"],
  ["a refresh token", "1//0gAbCdEfGhIjKlMnOpQrStUvWxYz"],
  ["a JWT", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjaS1ydW5uZXIifQ.c2lnbmF0dXJlLXZhbHVl"],
  ["a PEM private key", "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----"],
  ["a service account key's private_key field", '{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIE\\n-----END PRIVATE KEY-----\\n"}'],
] as const;

describe("the input patterns guard live output", () => {
  test.each(SHAPED)("%s: recognised on inputs and removed from live text", (_name, credential) => {
    expect(looksLikeCredential(credential)).toBe(true);
    const text = `upstream said: ${credential} (echoed)`;
    expect(redact(text)).not.toContain(credential);
    expect(redact(text)).toContain("[redacted]");
    expect(redactCredentials(text)).toContain("[credential not shown]");
  });

  test("the same patterns, deep in facts read live (keys included)", () => {
    const facts = { roles: { [`roles/${SHAPED[0][1]}`]: ["a", SHAPED[2][1]] }, ok: ["roles/viewer"] };
    const clean = redactDeep(facts);
    expect(JSON.stringify(clean)).not.toMatch(/ya29\.|eyJ/);
    expect(clean.ok).toBe(facts.ok); // what holds nothing is shared, not copied
  });

  test("by value: the token in use, whatever its shape", () => {
    expect(redact("opaque-0123456789abcdef rejected", ["opaque-0123456789abcdef"])).toBe("[redacted] rejected");
    expect(redact("short abc stays", ["abc"])).toBe("short abc stays");
  });

  test("the context patterns apply to input free text too", () => {
    expect(redactCredentials("curl -H 'Authorization: Bearer abcdefgh12345678' …")).toBe("curl -H 'Authorization: Bearer [credential not shown]' …");
    expect(redactCredentials("https://x/?access_token=abc123def456&alt=json")).toBe("https://x/?access_token=[credential not shown]&alt=json");
    expect(redactCredentials("nothing secret: roles/container.serviceAgent")).toBe("nothing secret: roles/container.serviceAgent");
  });
});
