import { displayPath } from "../../src/report/paths";

describe("displayPath", () => {
  it("is relative inside the base folder and unchanged outside it", () => {
    expect(displayPath("/repo/a/b.json", "/repo")).toBe("a/b.json");
    expect(displayPath("/elsewhere/b.json", "/repo")).toBe("/elsewhere/b.json");
    expect(displayPath("/repo", "/repo")).toBe("/repo");
    expect(displayPath("rel/b.json", "/repo")).toBe("rel/b.json");
    expect(displayPath("/repo/a.json", undefined)).toBe("/repo/a.json");
  });
});
