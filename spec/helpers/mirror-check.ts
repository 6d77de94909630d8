/**
 * STYLE.md habit 11: tests mirror src/. Every spec/<path>/<name>.spec.ts must test src/<path>/<name>.ts
 * (or the module folder src/<path>/<name>/). Cross-cutting suites that drive whole servers live in
 * spec/integration/ and are exempt. Run by `npm run lint`; exits 1 listing the orphans.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = join(import.meta.dirname, "..", "..");
const specRoot = join(root, "spec");

function* specFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) yield* specFiles(full);
    else if (name.endsWith(".spec.ts")) yield full;
  }
}

const orphans: string[] = [];
for (const file of specFiles(specRoot)) {
  const rel = relative(specRoot, file);
  if (rel.startsWith("integration/")) continue;
  const base = rel.slice(0, -".spec.ts".length);
  if (!existsSync(join(root, "src", `${base}.ts`)) && !existsSync(join(root, "src", base))) orphans.push(`spec/${rel}`);
}
if (orphans.length > 0) {
  console.error(`mirror check: these specs have no src/ counterpart (STYLE.md habit 11):\n  ${orphans.join("\n  ")}`);
  process.exit(1);
}
console.log("mirror check: every spec mirrors a src/ module");
