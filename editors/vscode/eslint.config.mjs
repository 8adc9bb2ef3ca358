// Flat config: the recommended rules plus the type-aware ones that catch
// forgotten promises, the usual bug in extension code.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["out/**", "node_modules/**", "*.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/explicit-function-return-type": ["warn", { allowExpressions: true }],
      eqeqeq: "error",
      curly: "error",
    },
  },
  {
    // node:test registers tests from the promise-returning test() calls.
    files: ["src/test/**"],
    rules: { "@typescript-eslint/no-floating-promises": "off" },
  },
);
