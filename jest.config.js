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
  testTimeout: 60000,
};
