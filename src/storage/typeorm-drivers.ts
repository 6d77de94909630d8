/**
 * Keeps TypeORM from loading the database drivers Hearth never uses. TypeORM's DriverFactory
 * requires every driver it has (SAP HANA, Oracle, SQL Server, Spanner, MongoDB, MySQL, React
 * Native, …: ~280 modules' worth of code in the heap, ~3 MiB resident measured on an idle
 * server) although only better-sqlite3 and PostgreSQL are ever opened here.
 *
 * skipUnusedTypeormDrivers() puts a placeholder module into Node's CommonJS cache for each file
 * of those drivers, before TypeORM loads: TypeORM's own require() calls then get the placeholder,
 * whose every export is an empty class (so `instanceof` checks are simply false), and the
 * driver's code is never read. Opening one of them would fail; Hearth's config cannot name one.
 * It must run before anything imports TypeORM (main.ts calls it first).
 */
import { readdirSync } from "node:fs";
import { createRequire, Module } from "node:module";
import { dirname, join } from "node:path";

/** TypeORM's driver directories (typeorm/driver/<name>/) Hearth uses; the others are skipped. */
const USED_DRIVERS = new Set(["better-sqlite3", "sqlite-abstract", "postgres", "types"]);
/** Files of skipped drivers that TypeORM uses outside its driver (exported by index.js, used by the migration executor). */
const KEPT_FILES = new Set(["MssqlParameter.js"]);

class SkippedDriverExport {}

const placeholderExports: unknown = new Proxy(
  {},
  {
    get: (_target, name) => (name === "__esModule" ? true : SkippedDriverExport),
  },
);

/** The files skipped (absolute paths); none if TypeORM is loaded already or cannot be found. */
export function skipUnusedTypeormDrivers(): string[] {
  const require = createRequire(import.meta.url);
  let driverDir: string;
  try {
    driverDir = join(dirname(require.resolve("typeorm")), "driver");
  } catch {
    return [];
  }
  if (require.cache[require.resolve("typeorm")] !== undefined) return [];
  const skipped: string[] = [];
  for (const entry of readdirSync(driverDir, { withFileTypes: true })) {
    if (!entry.isDirectory() || USED_DRIVERS.has(entry.name)) continue;
    for (const file of readdirSync(join(driverDir, entry.name))) {
      if (!file.endsWith(".js") || KEPT_FILES.has(file)) continue;
      const filename = join(driverDir, entry.name, file);
      if (require.cache[filename] !== undefined) continue;
      const placeholder = new Module(filename);
      placeholder.filename = filename;
      placeholder.loaded = true;
      placeholder.exports = placeholderExports;
      require.cache[filename] = placeholder;
      skipped.push(filename);
    }
  }
  return skipped;
}
