// Flat config: typescript-eslint's recommended rules plus the layer rules of STYLE.md (habit 2).
import tseslint from "typescript-eslint";

const pureLayers = ["**/services/**", "**/storage/**", "**/http/**", "**/api/**", "**/sync/**", "**/federation/**", "**/cli/**", "**/app.js"];

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["src/matrix/**", "src/crypto/**", "src/room/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: pureLayers, message: "matrix/, crypto/ and room/ are pure: no I/O layers (STYLE.md habit 2)." }, { group: ["typeorm", "koa", "@koa/*", "pg", "better-sqlite3", "ioredis", "ws"], message: "pure layer" }] }],
    },
  },
  {
    files: ["src/api/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["**/storage/**", "typeorm"], message: "api/ calls services, never storage (STYLE.md habit 2)." }] }],
    },
  },
  {
    files: ["src/storage/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["**/services/**", "**/http/**", "**/api/**", "**/sync/**"], message: "storage/ is below services/ (DESIGN.md layers)." }] }],
    },
  },
);
