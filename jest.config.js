/** Two projects: fast unit tests, and the slower terraform checks against the real provider. */
const transform = { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.test.json", diagnostics: false }] };
// Examples and docs snippets import the package by name, as users do.
const moduleNameMapper = { "^cdktf-backup-governance$": "<rootDir>/lib/index.ts" };
module.exports = {
  projects: [
    {
      displayName: "unit",
      testEnvironment: "node",
      roots: ["<rootDir>/test"],
      testMatch: ["**/*.test.ts"],
      testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/terraform/"],
      setupFilesAfterEnv: ["<rootDir>/test/support/setup.ts"],
      transform,
      moduleNameMapper,
    },
    {
      displayName: "terraform",
      testEnvironment: "node",
      roots: ["<rootDir>/test/terraform"],
      testMatch: ["**/*.test.ts"],
      globalSetup: "<rootDir>/test/terraform/global-setup.ts",
      setupFilesAfterEnv: ["<rootDir>/test/support/setup.ts"],
      transform,
      moduleNameMapper,
    },
  ],
};
