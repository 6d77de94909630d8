/**
 * Runs a suite against every database engine (Dendrite test.WithAllDatabases, Synapse
 * SYNAPSE_POSTGRES): SQLite always, PostgreSQL too when HEARTH_TEST_POSTGRES_URL is set. Each test
 * gets a fresh, fully migrated database, closed (and on PostgreSQL dropped) after it:
 * - SQLite: a temp file copied from a template this process migrated once (a copy takes well
 *   under a millisecond; the open still runs the migrator, which finds nothing pending);
 * - PostgreSQL: a new schema, migrated, dropped afterwards. The drop runs in the background
 *   on a separate connection while the next test starts; the run waits for all drops at the end.
 */
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { openDatabase, type HearthDataSource } from "../../src/storage/data-source.js";

export type Engine = "sqlite" | "postgres";

let tempDir: string | null = null;
let template: Promise<string> | null = null;
let counter = 0;

function testDir(): string {
  if (!tempDir) {
    const dir = mkdtempSync(join(tmpdir(), "hearth-test-"));
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
    tempDir = dir;
  }
  return tempDir;
}

/** A path for a scratch SQLite database, removed when the process exits. */
export function tempDatabasePath(): string {
  return join(testDir(), `db-${++counter}.sqlite`);
}

async function migratedTemplate(): Promise<string> {
  const path = join(testDir(), "template.sqlite");
  const db = await openDatabase({ engine: "sqlite", path });
  // Closing the last connection checkpoints the WAL into the file, so the file alone is complete.
  await db.destroy();
  return path;
}

/** A fresh, migrated database on `engine` (pg: in a new schema; pass it to dropTestDatabase). */
export async function openTestDatabase(engine: Engine): Promise<HearthDataSource> {
  if (engine === "sqlite") {
    template ??= migratedTemplate();
    const path = tempDatabasePath();
    copyFileSync(await template, path);
    return openDatabase({ engine: "sqlite", path });
  }
  const url = process.env.HEARTH_TEST_POSTGRES_URL;
  if (!url) throw new Error("HEARTH_TEST_POSTGRES_URL is not set");
  const schema = `hearth_test_${process.pid}_${++counter}`;
  return openDatabase({ engine: "postgres", url, schema, poolSize: 5 });
}

let dropPool: pg.Pool | null = null;
const pendingDrops: Promise<void>[] = [];
const dropErrors: unknown[] = [];

/** Closes a database from openTestDatabase, dropping its pg schema or deleting its SQLite files. */
export async function closeTestDatabase(db: HearthDataSource): Promise<void> {
  const opts = db.databaseOptions;
  await db.destroy();
  if (opts.engine === "sqlite") {
    for (const suffix of ["", "-wal", "-shm"]) rmSync(opts.path + suffix, { force: true });
  } else if (opts.schema) {
    const pool = (dropPool ??= new pg.Pool({ connectionString: opts.url, max: 2 }));
    const schema = opts.schema;
    // Not awaited: the next test starts meanwhile. Errors are kept for the root `after` hook.
    pendingDrops.push((async () => {
      try {
        await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } catch (err) {
        dropErrors.push(err);
      }
    })());
  }
}

// Root-level hook: wait for the background schema drops before the run ends.
after(async function () {
  const drops = pendingDrops.splice(0);
  const pool = dropPool;
  dropPool = null;
  await Promise.all(drops);
  await pool?.end();
  if (dropErrors.length > 0) throw dropErrors.splice(0)[0];
});

/** The engines this run covers. */
export function testEngines(): Engine[] {
  return process.env.HEARTH_TEST_POSTGRES_URL ? ["sqlite", "postgres"] : ["sqlite"];
}

export function withAllDatabases(title: string, fn: (getDb: () => HearthDataSource) => void): void {
  for (const engine of testEngines()) {
    describe(`${title} [${engine}]`, function () {
      let db: HearthDataSource | null = null;
      beforeEach(async function () {
        db = await openTestDatabase(engine);
      });
      afterEach(async function () {
        if (db) await closeTestDatabase(db);
        db = null;
      });
      fn(() => {
        if (!db) throw new Error("getDb() called outside a test");
        return db;
      });
    });
  }
}
