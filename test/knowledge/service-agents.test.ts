import fc from "fast-check";
import {
  GOOGLE_IDENTITIES,
  googleIdentityEmail,
  recogniseGoogleIdentity,
  googleIdentity,
  isProjectNumber,
  type GoogleIdentityKind,
} from "../../src/knowledge/service-agents";
import { roleInfo } from "../../src/knowledge/roles";

const KINDS = GOOGLE_IDENTITIES.map((i) => i.kind);

describe("Google-managed identities", () => {
  it("builds the documented emails", () => {
    expect(googleIdentityEmail("gke-service-agent", "123456789012")).toBe("service-123456789012@container-engine-robot.iam.gserviceaccount.com");
    expect(googleIdentityEmail("gke-node-service-agent", 42)).toBe("service-42@gcp-sa-gkenode.iam.gserviceaccount.com");
    expect(googleIdentityEmail("google-apis-service-agent", "42")).toBe("42@cloudservices.gserviceaccount.com");
    expect(googleIdentityEmail("compute-default-sa", "42")).toBe("42-compute@developer.gserviceaccount.com");
    expect(googleIdentityEmail("compute-service-agent", "42")).toBe("service-42@compute-system.iam.gserviceaccount.com");
  });

  it("round-trips email -> kind and number for every kind", () => {
    fc.assert(
      fc.property(fc.constantFrom(...KINDS), fc.bigInt({ min: 1n, max: 999999999999999999n }), (kind: GoogleIdentityKind, n: bigint) => {
        const email = googleIdentityEmail(kind, n.toString());
        expect(recogniseGoogleIdentity(email)).toEqual({ kind, projectNumber: n.toString() });
        expect(recogniseGoogleIdentity(`serviceAccount:${email}`)).toEqual({ kind, projectNumber: n.toString() });
      }),
    );
  });

  it("recognises mixed-case emails and IAM member strings", () => {
    expect(recogniseGoogleIdentity("serviceAccount:Service-7@Container-Engine-Robot.iam.gserviceaccount.com")).toEqual({ kind: "gke-service-agent", projectNumber: "7" });
  });

  it("rejects look-alikes", () => {
    for (const email of [
      "service-abc@container-engine-robot.iam.gserviceaccount.com", // project id, not number
      "service-0123@container-engine-robot.iam.gserviceaccount.com", // leading zero
      "service-1@container-engine-robot.iam.gserviceaccount.com.evil.example",
      "xservice-1@container-engine-robot.iam.gserviceaccount.com",
      "1-compute@developer.gserviceaccount.com.example",
      "nodes@my-project.iam.gserviceaccount.com",
      "user:service-1@container-engine-robot.iam.gserviceaccount.com",
      "",
    ]) {
      expect(recogniseGoogleIdentity(email)).toBeUndefined();
    }
  });

  it("refuses to build an email from something that is not a project number", () => {
    expect(() => googleIdentityEmail("gke-service-agent", "my-project")).toThrow(/not a project number/);
    expect(() => googleIdentityEmail("gke-service-agent", "")).toThrow();
    expect(isProjectNumber("0")).toBe(false);
  });

  it("each identity has sources, and its project role (when given) is in the role table", () => {
    for (const identity of GOOGLE_IDENTITIES) {
      expect(identity.sources.length).toBeGreaterThan(0);
      if (identity.projectRole) expect(roleInfo(identity.projectRole)).toBeDefined();
    }
    expect(googleIdentity("gke-service-agent").projectRole).toBe("roles/container.serviceAgent");
    expect(googleIdentity("google-apis-service-agent").projectRole).toBe("roles/editor");
  });
});
