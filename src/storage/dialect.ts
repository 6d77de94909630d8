/**
 * The few real differences between SQLite and PostgreSQL, in one place (Synapse engines/_base.py).
 *
 * Stores write SQL once, with `?` placeholders; everything both engines accept is written plainly:
 * `ON CONFLICT … DO NOTHING / DO UPDATE SET x = excluded.x`, `RETURNING`, `WITH RECURSIVE`,
 * partial indexes, `TRUE`/`FALSE`. What differs is handled here:
 * - placeholders: `?` is rewritten to `$1, $2, …` for pg (cached per SQL text);
 * - "column in this array": `= ANY(?)` with an array parameter on pg, `IN (SELECT value FROM
 *   json_each(?))` with a JSON parameter on SQLite — one statement whatever the list length;
 * - values read back: pg returns BIGINT as a string (we parse it to a number when it fits, see
 *   PG_TYPES) and BOOLEAN as a boolean, SQLite returns 0/1: use toNumber()/toBool() in row mappers;
 * - constraint errors become UniqueViolationError / ForeignKeyViolationError (storage-errors.ts);
 * - identity columns differ in DDL: migrations carry that one branch themselves; reserveIds()
 *   draws values from either engine's counter for rows inserted later with explicit IDs;
 * - pg TEXT cannot hold U+0000 (SQLite can): a state key or type containing NUL fails on pg, so
 *   the layers above must refuse such events before they reach storage (as Synapse does).
 */
import type { DataSource, EntityManager, QueryRunner } from "typeorm";
import { createRequire } from "node:module";
import type { CustomTypesConfig } from "pg";
import type Pg from "pg";
import { translateDriverError } from "./storage-errors.js";

export type Engine = "sqlite" | "postgres";

/** SQLite allows 32,766 bound parameters per statement, PostgreSQL 65,535: stay under both. */
const MAX_PARAMS_PER_STATEMENT = 30_000;
const MAX_ROWS_PER_STATEMENT = 500;
/**
 * SQLite: a multi-row INSERT takes a power of two of rows, at most this many. The statement cache
 * (TypeORM's, per connection, 100 statements) keeps one prepared statement per SQL text, and a
 * statement's compiled program grows with its rows (~0.8 KiB per row of 12 columns): with any row
 * count, batches of varying size filled the cache with ~70 multi-row INSERTs (~6 MiB of native
 * memory in the memory benchmark) and kept pushing the short, hot statements out. Powers of two up
 * to 32 make at most six texts per table; a batch of n rows takes popcount(n) statements where it
 * took one, each a few microseconds. PostgreSQL is unaffected: pg parses every statement anyway.
 */
const SQLITE_MAX_ROWS_PER_STATEMENT = 32;
const PG_INT8_OID = 20;
const TABLE_NAME = /^[a-z_][a-z0-9_]*$/;

/** Parses pg BIGINT text to a number when it is a safe integer; larger values stay strings. */
function parseInt8(text: string): number | string {
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : text;
}

const requireCjs = createRequire(import.meta.url);
/** pg's own parsers, loaded with the first PostgreSQL query: a SQLite server never loads pg (~2.5 MiB of heap). */
let pgTypes: typeof Pg.types | null = null;

/**
 * pg type parsers for one pool (passed as the `types` client option, so no process-wide state
 * changes): BIGINT columns (stream orderings, timestamps, COUNT(*)) come back as numbers.
 */
export const PG_TYPES: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") => {
    if (oid === PG_INT8_OID && format !== "binary") return parseInt8;
    pgTypes ??= (requireCjs("pg") as typeof Pg).types;
    return pgTypes.getTypeParser(oid, format);
  }) as CustomTypesConfig["getTypeParser"],
};

/** A number column read back from either engine (BIGINT may arrive as a string). */
export function toNumber(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "string" || typeof value === "bigint") {
    const n = Number(value);
    if (Number.isSafeInteger(n)) return n;
  }
  throw new TypeError(`not a safe integer from the database: ${String(value)}`);
}

export function toNullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : toNumber(value);
}

/** A BOOLEAN column: pg returns true/false, SQLite 1/0. */
export function toBool(value: unknown): boolean {
  return value === true || value === 1;
}

export class Dialect {
  /** `<column> ${inArray}` tests membership in the array passed through arrayParam(). */
  readonly inArray: string;
  private readonly translated = new Map<string, string>();

  constructor(readonly engine: Engine) {
    this.inArray = engine === "postgres" ? "= ANY(?)" : "IN (SELECT value FROM json_each(?))";
  }

  /** The parameter that goes with `inArray`. */
  arrayParam(values: readonly (string | number)[]): unknown {
    return this.engine === "postgres" ? values : JSON.stringify(values);
  }

  /**
   * `count` fresh values of the auto-numbered `id` column of `table` (an identityPrimaryKey), for
   * rows the caller inserts with explicit IDs later, e.g. together in one multi-row statement.
   * They come from the column's own counter (the identity sequence on pg, AUTOINCREMENT's
   * sqlite_sequence row on SQLite), so rows inserted without an ID never take them; values left
   * unused are a gap. On SQLite the reservation rolls back with the transaction; pg sequences
   * never go back.
   */
  async reserveIds(em: EntityManager, table: string, count: number): Promise<number[]> {
    if (!TABLE_NAME.test(table)) throw new Error(`invalid table name: ${table}`);
    if (!(count >= 1)) return [];
    if (this.engine === "postgres") {
      const rows = await this.query<{ id: unknown }>(
        em,
        `SELECT nextval(pg_get_serial_sequence('${table}', 'id')) AS id FROM generate_series(1, ?::int)`,
        [count],
      );
      return rows.map((row) => toNumber(row.id));
    }
    const bump = "UPDATE sqlite_sequence SET seq = seq + ? WHERE name = ? RETURNING seq";
    let rows = await this.query<{ seq: unknown }>(em, bump, [count, table]);
    if (rows.length === 0) {
      // No row before the table's first AUTOINCREMENT insert.
      await this.execute(em, `INSERT INTO sqlite_sequence (name, seq) SELECT ?, COALESCE(MAX(id), 0) FROM ${table}`, [table]);
      rows = await this.query<{ seq: unknown }>(em, bump, [count, table]);
    }
    const last = toNumber(rows[0]?.seq);
    return Array.from({ length: count }, (_, i) => last - count + 1 + i);
  }

  /** Runs a statement and returns its rows (SELECT, or anything with RETURNING). */
  async query<T>(em: EntityManager, sql: string, params: readonly unknown[] = []): Promise<T[]> {
    const result = await this.run(em, sql, params);
    return (result.records ?? []) as T[];
  }

  /** Runs a statement without RETURNING and returns the number of rows it changed. */
  async execute(em: EntityManager, sql: string, params: readonly unknown[] = []): Promise<number> {
    const result = await this.run(em, sql, params);
    return result.affected ?? 0;
  }

  /**
   * Multi-row `INSERT INTO table (columns) VALUES (…), (…) <suffix>`, split into statements that
   * stay under both engines' parameter limits. `suffix` is e.g. an ON CONFLICT or RETURNING
   * clause; the rows any RETURNING produces are concatenated.
   */
  async insertMany<T>(
    em: EntityManager,
    table: string,
    columns: readonly string[],
    rows: readonly (readonly unknown[])[],
    suffix = "",
  ): Promise<T[]> {
    if (rows.length === 0) return [];
    const maxRows = this.engine === "sqlite" ? SQLITE_MAX_ROWS_PER_STATEMENT : MAX_ROWS_PER_STATEMENT;
    const perStatement = Math.max(1, Math.min(maxRows, Math.floor(MAX_PARAMS_PER_STATEMENT / columns.length)));
    const tuple = `(${columns.map(() => "?").join(", ")})`;
    const head = `INSERT INTO ${table} (${columns.join(", ")}) VALUES `;
    const out: T[] = [];
    for (let start = 0, end = 0; start < rows.length; start = end) {
      const take = Math.min(rows.length - start, perStatement);
      end = start + (this.engine === "sqlite" ? 2 ** Math.floor(Math.log2(take)) : take);
      const params: unknown[] = [];
      for (let i = start; i < end; i++) {
        const row = rows[i]!;
        if (row.length !== columns.length) throw new Error(`insert into ${table}: row ${i} has ${row.length} values for ${columns.length} columns`);
        for (const value of row) params.push(value);
      }
      const sql = head + new Array<string>(end - start).fill(tuple).join(", ") + (suffix ? ` ${suffix}` : "");
      const result = await this.run(em, sql, params);
      if (result.records) for (const record of result.records as T[]) out.push(record);
    }
    return out;
  }

  private async run(em: EntityManager, sql: string, params: readonly unknown[]): Promise<{ records?: unknown[]; affected?: number }> {
    const text = this.engine === "postgres" ? this.numberPlaceholders(sql) : sql;
    const ownRunner: QueryRunner | null = em.queryRunner ? null : em.dataSource.createQueryRunner();
    const runner = em.queryRunner ?? ownRunner!;
    try {
      return await runner.query(text, params as unknown[], true);
    } catch (err) {
      throw translateDriverError(err);
    } finally {
      if (ownRunner) await ownRunner.release();
    }
  }

  /** `?` → `$n`, skipping quoted literals and identifiers. Cached: SQL texts are a small set. */
  private numberPlaceholders(sql: string): string {
    const cached = this.translated.get(sql);
    if (cached !== undefined) return cached;
    let out = "";
    let n = 0;
    let quote: string | null = null;
    for (const ch of sql) {
      if (quote) {
        if (ch === quote) quote = null;
        out += ch;
      } else if (ch === "'" || ch === '"') {
        quote = ch;
        out += ch;
      } else if (ch === "?") {
        out += `$${++n}`;
      } else {
        out += ch;
      }
    }
    if (this.translated.size >= 2000) this.translated.clear();
    this.translated.set(sql, out);
    return out;
  }
}

const dialects: Record<Engine, Dialect> = { sqlite: new Dialect("sqlite"), postgres: new Dialect("postgres") };

export function engineOf(db: DataSource): Engine {
  const type = db.options.type;
  if (type === "better-sqlite3") return "sqlite";
  if (type === "postgres") return "postgres";
  throw new Error(`unsupported database type: ${type}`);
}

export function dialectOf(db: DataSource): Dialect {
  return dialects[engineOf(db)];
}
