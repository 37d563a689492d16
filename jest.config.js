// Tests run on ts-jest in transpile-only mode: `npm test` type-checks the whole
// project first with `tsc` (pretest), so per-file type-checking here would only repeat it.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.test.json" }],
  },
  setupFiles: ["<rootDir>/test/support/fast-check-seed.ts"],
  // Generous for a loaded 2-core CI: the slowest test took 18 s at load 11 and 44 s at load 18
  // (cli-gate's policy sweep), so 120 s is a hang, not a slow machine. Tests that need longer say so.
  testTimeout: 120000,
};
