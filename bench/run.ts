/**
 * Runs the benchmarks: every bench/*.bench.ts, or only those named on the command line
 * (`npm run bench -- crypto` or `tsx bench/run.ts crypto.bench.ts`). Each exports
 * `run(): Promise<void>` and prints its own figures; nothing here asserts.
 */
import { readdirSync } from "node:fs";
import { basename, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

interface BenchModule {
  run(): Promise<void>;
}

const SUFFIX = ".bench.ts";
const benchDir = dirname(fileURLToPath(import.meta.url));

function selectBenches(names: string[]): string[] {
  const available = readdirSync(benchDir).filter((file) => file.endsWith(SUFFIX)).sort();
  if (names.length === 0) return available;
  return names.map((name) => {
    const file = basename(name).endsWith(SUFFIX) ? basename(name) : `${basename(name)}${SUFFIX}`;
    if (!available.includes(file)) throw new Error(`no benchmark ${file}; have ${available.join(", ") || "none"}`);
    return file;
  });
}

async function main(): Promise<void> {
  let files: string[];
  try {
    files = selectBenches(process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message);
    process.exitCode = 1;
    return;
  }
  for (const file of files) {
    console.log(`\n${file}`);
    const bench = (await import(pathToFileURL(`${benchDir}/${file}`).href)) as BenchModule;
    await bench.run();
  }
}

await main();
