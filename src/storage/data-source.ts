/**
 * Opens the database: SQLite through better-sqlite3 or PostgreSQL through pg, both as a TypeORM
 * DataSource whose schema comes only from the migrations in migrations/ (never `synchronize`).
 *
 * SQLite in TypeORM is one connection shared by everything, so an open write transaction would
 * be visible to (and interleaved with) every concurrent read. A file database therefore gets a
 * second, read-only connection: readManager(db) reads through it and sees committed data only
 * (WAL gives it a snapshot per statement), while writes go through runInTransaction
 * (transaction.ts), serialized by sqlite-writer.ts. An in-memory database cannot be shared
 * between connections, so there the reader is the writer.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DataSource, type DataSourceOptions, type EntityManager } from "typeorm";
import { migrations } from "../../migrations/index.js";
import { PG_TYPES } from "./dialect.js";
import { SAFETY_CAP_PAGES, SqliteCheckpointer } from "./sqlite-checkpointer.js";
import { sqliteWriterFor } from "./sqlite-writer.js";

export type DatabaseOptions =
  | { engine: "sqlite"; path: string }
  | { engine: "postgres"; url: string; schema?: string; poolSize?: number };

const SQLITE_BUSY_TIMEOUT_MS = 10_000;
/**
 * Page cache of the writing connection: a quarter of the database, between these bounds, in KiB
 * (better-sqlite3's default is 16 MB). In a large database the indexes a large room's writes touch
 * (event IDs, memberships, current state) stay in memory instead of being read back from the file
 * for every batch (the 100,000-member join benchmark). A small database gets a small cache: its
 * pages stay in the operating system's file cache anyway, and the cache's memory, once used, is
 * not given back to the system (malloc keeps it): 64 MiB from the start cost ~10 MiB more resident
 * memory after the memory benchmark's workload (an 11 MiB database), for no CPU time measured on
 * the send benchmark. The size follows the database as it grows (SQLITE_CACHE_CHECK_MS).
 */
const SQLITE_CACHE_MIN_KIB = 2_048;
const SQLITE_CACHE_MAX_KIB = 65_536;
const SQLITE_CACHE_SHARE = 0.25;
/** How often the writer's cache size is matched to the database's size again. */
const SQLITE_CACHE_CHECK_MS = 10_000;
/**
 * Page cache of the read connection, in KiB. Small on purpose: SQLite empties a WAL reader's
 * cache whenever another connection has committed since its previous read (pager_reset), so
 * while the writer commits a large reader cache keeps nothing for long, only memory (it grew to
 * the size of the database in the memory benchmark). This is enough for one query's pages.
 */
const SQLITE_READER_CACHE_KIB = 2_048;
/**
 * WAL pages (of 4 KiB) before the writing connection copies them back into the database file
 * itself, in its COMMIT. A file database is checkpointed in the background instead
 * (sqlite-checkpointer.ts), so this is only its safety cap.
 */
const SQLITE_WAL_AUTOCHECKPOINT_PAGES = SAFETY_CAP_PAGES;
const MIGRATIONS_TABLE = "migrations";
const SCHEMA_NAME = /^[a-z_][a-z0-9_]*$/;

/** A DataSource that also owns the SQLite read connection and the PostgreSQL schema it uses. */
export class HearthDataSource extends DataSource {
  /** SQLite file databases only: the read-only connection behind readManager(). */
  reader: DataSource | null = null;
  /** SQLite file databases only: checkpoints the WAL off the event loop. */
  checkpointer: SqliteCheckpointer | null = null;
  private cacheCheck: NodeJS.Timeout | null = null;

  constructor(readonly databaseOptions: DatabaseOptions) {
    super(typeOrmOptions(databaseOptions));
  }

  /** Connects; on pg creates the schema if one was named; on SQLite opens the read connection. */
  override async initialize(): Promise<this> {
    const opts = this.databaseOptions;
    if (opts.engine === "sqlite" && opts.path !== ":memory:") mkdirSync(dirname(opts.path), { recursive: true });
    await super.initialize();
    try {
      if (opts.engine === "postgres" && opts.schema) await this.query(`CREATE SCHEMA IF NOT EXISTS "${opts.schema}"`);
      if (opts.engine === "sqlite" && opts.path !== ":memory:") {
        const reader = new DataSource(sqliteOptions(opts.path, true));
        await reader.initialize();
        this.reader = reader;
        const checkpointer = new SqliteCheckpointer(opts.path, { onError: (err) => process.emitWarning(err) });
        this.checkpointer = checkpointer;
        sqliteWriterFor(this).afterWrite = () => checkpointer.noteWrite();
      }
      if (opts.engine === "sqlite") {
        this.sizeWriterCache();
        this.cacheCheck = setInterval(() => this.sizeWriterCache(), SQLITE_CACHE_CHECK_MS);
        this.cacheCheck.unref();
      }
    } catch (err) {
      await super.destroy();
      throw err;
    }
    return this;
  }

  /**
   * SQLite: sets the writing connection's page cache to sqliteWriterCacheKib() of the database's
   * current size; returns that size in KiB. Runs at open and every SQLITE_CACHE_CHECK_MS.
   */
  sizeWriterCache(): number {
    // TypeORM's better-sqlite3 driver exposes the better-sqlite3 Database it opened.
    const connection = (this.driver as unknown as { databaseConnection: SqliteConnection }).databaseConnection;
    const pages = Number(connection.pragma("page_count", { simple: true }));
    const pageSize = Number(connection.pragma("page_size", { simple: true }));
    const kib = sqliteWriterCacheKib(pages * pageSize);
    connection.pragma(`cache_size = -${kib}`);
    return kib;
  }

  override async destroy(): Promise<void> {
    if (this.cacheCheck !== null) clearInterval(this.cacheCheck);
    this.cacheCheck = null;
    const checkpointer = this.checkpointer;
    this.checkpointer = null;
    if (checkpointer !== null) {
      sqliteWriterFor(this).afterWrite = null;
      await checkpointer.close();
    }
    const reader = this.reader;
    this.reader = null;
    if (reader?.isInitialized) await reader.destroy();
    if (this.isInitialized) await super.destroy();
  }
}

/** The pragma call of a better-sqlite3 Database, as used here. */
interface SqliteConnection {
  pragma(source: string, options?: { simple: boolean }): unknown;
}

/** The writing connection's page cache for a database of `databaseBytes`, in KiB. */
export function sqliteWriterCacheKib(databaseBytes: number): number {
  const share = Math.round((databaseBytes * SQLITE_CACHE_SHARE) / 1024);
  return Math.min(SQLITE_CACHE_MAX_KIB, Math.max(SQLITE_CACHE_MIN_KIB, share));
}

/** A DataSource for the options, not yet connected. */
export function createDataSource(opts: DatabaseOptions): HearthDataSource {
  return new HearthDataSource(opts);
}

/** Connects and runs every pending migration (all in one transaction). */
export async function openDatabase(opts: DatabaseOptions): Promise<HearthDataSource> {
  const db = createDataSource(opts);
  await db.initialize();
  try {
    await db.runMigrations({ transaction: "all" });
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return db;
}

/**
 * The manager reads go through outside a transaction: committed data only. Inside a
 * transaction, read through its `tx` instead to see the transaction's own writes.
 */
export function readManager(db: DataSource): EntityManager {
  return db instanceof HearthDataSource && db.reader ? db.reader.manager : db.manager;
}

function typeOrmOptions(opts: DatabaseOptions): DataSourceOptions {
  if (opts.engine === "sqlite") return sqliteOptions(opts.path, false);
  if (opts.schema !== undefined && !SCHEMA_NAME.test(opts.schema)) throw new Error(`invalid schema name: ${opts.schema}`);
  return {
    type: "postgres",
    url: opts.url,
    schema: opts.schema,
    poolSize: opts.poolSize ?? 10,
    migrations,
    migrationsTableName: MIGRATIONS_TABLE,
    logging: false,
    synchronize: false,
    // Pool options: per-pool BIGINT parsing, and the schema first on the search path so that
    // unqualified table names resolve there.
    extra: {
      types: PG_TYPES,
      ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
    },
  };
}

function sqliteOptions(path: string, readonly: boolean): DataSourceOptions {
  return {
    type: "better-sqlite3",
    database: path,
    readonly,
    timeout: SQLITE_BUSY_TIMEOUT_MS,
    migrations: readonly ? [] : migrations,
    migrationsTableName: MIGRATIONS_TABLE,
    logging: false,
    synchronize: false,
    prepareDatabase: (connection: SqliteConnection) => {
      if (!readonly) {
        connection.pragma("journal_mode = WAL");
        connection.pragma(`wal_autocheckpoint = ${SQLITE_WAL_AUTOCHECKPOINT_PAGES}`);
      }
      // The writer's is sized by the database once it is open (HearthDataSource.sizeWriterCache).
      connection.pragma(`cache_size = -${readonly ? SQLITE_READER_CACHE_KIB : SQLITE_CACHE_MIN_KIB}`);
      connection.pragma("synchronous = NORMAL");
      connection.pragma("foreign_keys = ON");
      connection.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    },
  };
}
