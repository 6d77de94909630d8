/**
 * Which npm packages a piece of code loads: runs `script` (an ES module body; `ROOT` is the
 * repository's absolute path, for importing `${ROOT}/src/…`) in a fresh Node process under tsx
 * and returns the packages in its CommonJS module cache afterwards (ES-module imports of CommonJS
 * packages land there too). For tests that keep heavy packages off paths that do not need them.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const ROOT = join(import.meta.dirname, "..", "..");
const MARKER = "\n--loaded modules--\n";
const PACKAGE = /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/;

export async function packagesLoadedBy(script: string): Promise<Set<string>> {
  const dir = mkdtempSync(join(tmpdir(), "hearth-loaded-"));
  try {
    const file = join(dir, "probe.mts");
    writeFileSync(
      file,
      [
        `import { createRequire } from "node:module";`,
        `const ROOT = ${JSON.stringify(ROOT)};`,
        script,
        `process.stdout.write(${JSON.stringify(MARKER)} + JSON.stringify(Object.keys(createRequire(import.meta.url).cache)));`,
      ].join("\n"),
    );
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", file], { cwd: ROOT });
    const paths = JSON.parse(stdout.slice(stdout.lastIndexOf(MARKER) + MARKER.length)) as string[];
    const packages = new Set<string>();
    for (const path of paths) {
      const name = PACKAGE.exec(path)?.[1];
      if (name !== undefined) packages.add(name.replace(/\\/g, "/"));
    }
    return packages;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
