// Lint (issue 22): typescript-eslint's strict type-checked rules over lib/, test/, bench/ and
// scripts/. Violations that predate the linter are listed in eslint-suppressions.json (ESLint's
// bulk suppressions) and only shrink: a new one fails `npm run lint`, and `npm run lint:prune`
// drops entries fixed since.
import eslint from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "cdktf.out/", ".tmp/", "coverage/", "stacks/", "examples/", "**/*.js", "**/*.mjs", "**/*.cjs"] },
  eslint.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { project: ["./tsconfig.lint.json"], tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-non-null-assertion": "error",
      "@typescript-eslint/consistent-type-assertions": ["error", { assertionStyle: "as", objectLiteralTypeAssertions: "never" }],
      // Numbers and booleans print the same in every locale; objects and undefined are the bugs.
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true, allowBoolean: true }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // The library's errors come from lib/errors.ts, each with a stable code a user can look up.
    files: ["lib/**/*.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "ThrowStatement > NewExpression[callee.name=/^(Error|TypeError|RangeError|SyntaxError)$/]",
          message: "throw an error from lib/errors.ts (a stable code and a fix), not a bare Error",
        },
      ],
    },
  },
  {
    // Tests and benches read what the code wrote (JSON.parse of plans, reports, metrics) and
    // assert on it: untyped member access there is the point, and a wrong guess fails the test.
    files: ["test/**/*.ts", "bench/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/no-explicit-any": "off",
    },
  },
);
