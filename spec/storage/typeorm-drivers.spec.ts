import { execFile } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { expect } from "chai";
import { skipUnusedTypeormDrivers } from "../../src/storage/typeorm-drivers.js";
import { tempDatabasePath } from "../helpers/with-all-databases.js";

const SRC = pathToFileURL(join(import.meta.dirname, "..", "..", "src")).href;

interface ProbeResult {
  skipped: number;
  sapDriver: string;
  loadedDriverDirs: string[];
  sqlite: unknown;
  postgres: unknown;
}

/** In a fresh node (its own module cache): skip, then open the databases and report. */
async function probe(sqlitePath: string, postgresUrl: string | undefined): Promise<ProbeResult> {
  const script = `
    import { createRequire } from "node:module";
    const { skipUnusedTypeormDrivers } = await import(${JSON.stringify(`${SRC}/storage/typeorm-drivers.ts`)});
    const skipped = skipUnusedTypeormDrivers();
    const { openDatabase } = await import(${JSON.stringify(`${SRC}/storage/data-source.ts`)});
    const sqlite = await openDatabase({ engine: "sqlite", path: ${JSON.stringify(sqlitePath)} });
    const sqliteRows = await sqlite.query("SELECT COUNT(*) AS n FROM rooms");
    await sqlite.destroy();
    let postgresRows = null;
    const url = ${JSON.stringify(postgresUrl ?? null)};
    if (url !== null) {
      const schema = "hearth_typeorm_drivers_" + process.pid;
      const pg = await openDatabase({ engine: "postgres", url, schema });
      postgresRows = await pg.query("SELECT COUNT(*)::int AS n FROM rooms");
      await pg.query('DROP SCHEMA "' + schema + '" CASCADE');
      await pg.destroy();
    }
    const require = createRequire(import.meta.url);
    const cached = Object.keys(require.cache);
    const loadedDriverDirs = [...new Set(cached.filter((f) => !skipped.includes(f))
      .map((f) => /\\/typeorm\\/driver\\/([^/]+)\\//.exec(f)?.[1]).filter((d) => d !== undefined))].sort();
    const sap = skipped.find((f) => f.endsWith("/sap/SapDriver.js"));
    process.stdout.write(JSON.stringify({
      skipped: skipped.length,
      sapDriver: require.cache[sap].exports.SapDriver.name,
      loadedDriverDirs,
      sqlite: sqliteRows,
      postgres: postgresRows,
    }));
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script]);
  return JSON.parse(stdout) as ProbeResult;
}

describe("skipUnusedTypeormDrivers", function () {
  this.timeout(60_000);

  it("before TypeORM loads: placeholders for the unused drivers, and both engines still work", async () => {
    const result = await probe(tempDatabasePath(), process.env.HEARTH_TEST_POSTGRES_URL);
    expect(result.skipped).to.be.greaterThan(20);
    expect(result.sapDriver).to.equal("SkippedDriverExport");
    // Of the drivers' code, only what Hearth's engines use was loaded (and the shared MssqlParameter).
    expect(result.loadedDriverDirs).to.deep.equal(["better-sqlite3", "postgres", "sqlite-abstract", "sqlserver", "types"]);
    expect(result.sqlite).to.deep.equal([{ n: 0 }]);
    if (process.env.HEARTH_TEST_POSTGRES_URL) expect(result.postgres).to.deep.equal([{ n: 0 }]);
  });

  it("does nothing once TypeORM is loaded (as in this process)", () => {
    expect(skipUnusedTypeormDrivers()).to.deep.equal([]);
  });
});
