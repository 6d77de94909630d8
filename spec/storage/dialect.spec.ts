import { expect } from "chai";
import type { EntityManager } from "typeorm";
import { PG_TYPES, dialectOf, engineOf, toBool, toNullableNumber, toNumber } from "../../src/storage/dialect.js";
import { readManager } from "../../src/storage/data-source.js";
import { runInTransaction } from "../../src/storage/transaction.js";
import { packagesLoadedBy } from "../helpers/loaded-packages.js";
import { withAllDatabases } from "../helpers/with-all-databases.js";
import { rejection } from "./rejection.js";

describe("dialect value helpers", () => {
  it("toNumber accepts numbers and integer strings, refuses what does not fit", () => {
    expect(toNumber(5)).to.equal(5);
    expect(toNumber("1700000000000")).to.equal(1_700_000_000_000);
    expect(toNumber(12n)).to.equal(12);
    expect(() => toNumber("9007199254740993")).to.throw(TypeError);
    expect(() => toNumber(null)).to.throw(TypeError);
    expect(toNullableNumber(null)).to.equal(null);
    expect(toNullableNumber("7")).to.equal(7);
  });

  it("toBool reads pg booleans and SQLite 0/1", () => {
    expect([toBool(true), toBool(1), toBool(false), toBool(0), toBool(null)]).to.deep.equal([true, true, false, false, false]);
  });

  it("the pg BIGINT parser gives numbers when safe, the text otherwise", () => {
    const parse = PG_TYPES.getTypeParser(20, "text") as (text: string) => unknown;
    expect(parse("42")).to.equal(42);
    expect(parse("-9007199254740991")).to.equal(-9007199254740991);
    expect(parse("9007199254740993")).to.equal("9007199254740993");
    // Other types keep pg's own parsers (int4 → number, bool → boolean).
    expect((PG_TYPES.getTypeParser(23, "text") as (text: string) => unknown)("7")).to.equal(7);
    expect((PG_TYPES.getTypeParser(16, "text") as (text: string) => unknown)("t")).to.equal(true);
  });

  it("a SQLite database never loads pg; pg's parsers load with the first one a pool asks for", async function () {
    this.timeout(60_000);
    const sqlite = await packagesLoadedBy(`
      const { mkdtempSync } = await import("node:fs");
      const { join } = await import("node:path");
      const { tmpdir } = await import("node:os");
      const { openDatabase, readManager } = await import(ROOT + "/src/storage/data-source.ts");
      const db = await openDatabase({ engine: "sqlite", path: join(mkdtempSync(join(tmpdir(), "hearth-pg-probe-")), "db.sqlite") });
      await readManager(db).query("SELECT 1");
      await db.destroy();
    `);
    expect(sqlite.has("better-sqlite3"), "the probe saw the SQLite driver").to.equal(true);
    expect(sqlite.has("pg")).to.equal(false);
    const parsing = await packagesLoadedBy(`(await import(ROOT + "/src/storage/dialect.ts")).PG_TYPES.getTypeParser(23, "text");`);
    expect(parsing.has("pg")).to.equal(true);
  });
});

withAllDatabases("Dialect", (getDb) => {
  it("binds ? placeholders in order, leaving ? inside quotes alone", async () => {
    const d = dialectOf(getDb());
    const rows = await d.query<{ q: string; a: unknown; b: unknown }>(readManager(getDb()), "SELECT '?' AS q, ? AS a, ? AS b", ["x", "y"]);
    expect(rows).to.deep.equal([{ q: "?", a: "x", b: "y" }]);
  });

  it("returns BIGINT columns as numbers", async () => {
    const db = getDb();
    const d = dialectOf(db);
    await runInTransaction(db, (tx) => d.execute(tx, "INSERT INTO stream_positions (stream_name, position) VALUES (?, ?)", ["big", 2 ** 50]));
    const rows = await d.query<{ position: unknown; n: unknown }>(
      readManager(db),
      "SELECT position, (SELECT COUNT(*) FROM stream_positions) AS n FROM stream_positions",
    );
    expect(rows).to.deep.equal([{ position: 2 ** 50, n: 1 }]);
  });

  it("matches a column against an array parameter of any length", async () => {
    const db = getDb();
    const d = dialectOf(db);
    const names = Array.from({ length: 2500 }, (_, i) => `s${i}`);
    await runInTransaction(db, (tx) => d.insertMany(tx, "stream_positions", ["stream_name", "position"], names.map((name, i) => [name, i])));
    const wanted = ["s1", "s2499", "nope", "s700"];
    const rows = await d.query<{ stream_name: string }>(
      readManager(db),
      `SELECT stream_name FROM stream_positions WHERE stream_name ${d.inArray} ORDER BY position`,
      [d.arrayParam(wanted)],
    );
    expect(rows.map((row) => row.stream_name)).to.deep.equal(["s1", "s700", "s2499"]);
    const all = await d.query<{ n: unknown }>(readManager(db), `SELECT COUNT(*) AS n FROM stream_positions WHERE stream_name ${d.inArray}`, [d.arrayParam(names)]);
    expect(toNumber(all[0]?.n)).to.equal(2500);
    const byNumber = await d.query<{ stream_name: string }>(
      readManager(db),
      `SELECT stream_name FROM stream_positions WHERE position ${d.inArray} ORDER BY position`,
      [d.arrayParam([3, 4])],
    );
    expect(byNumber.map((row) => row.stream_name)).to.deep.equal(["s3", "s4"]);
  });

  it("insertMany splits large inserts and concatenates RETURNING rows; execute counts changes", async () => {
    const db = getDb();
    const d = dialectOf(db);
    const rows = Array.from({ length: 1201 }, (_, i) => [`k${i}`, i]);
    const returned = await runInTransaction(db, (tx) =>
      d.insertMany<{ stream_name: string }>(tx, "stream_positions", ["stream_name", "position"], rows, "RETURNING stream_name"),
    );
    expect(returned.map((row) => row.stream_name).sort()).to.deep.equal(rows.map((row) => row[0]).sort());
    const changed = await runInTransaction(db, (tx) => d.execute(tx, "UPDATE stream_positions SET position = position + 1 WHERE position < ?", [10]));
    expect(changed).to.equal(10);
    expect(await runInTransaction(db, (tx) => d.insertMany(tx, "stream_positions", ["stream_name", "position"], []))).to.deep.equal([]);
  });

  it("insertMany on SQLite takes powers of two of rows, at most 32, per statement (few texts to prepare and cache); on PostgreSQL one statement", async () => {
    const db = getDb();
    const rowCounts: number[] = [];
    const rows = Array.from({ length: 45 }, (_, i) => [`r${i}`, i]);
    const returned = await runInTransaction(db, (tx) => {
      const runner = tx.queryRunner!;
      const query = runner.query.bind(runner);
      runner.query = ((sql: string, ...rest: unknown[]) => {
        if (sql.startsWith("INSERT INTO stream_positions")) rowCounts.push(sql.split("), (").length);
        return (query as (sql: string, ...rest: unknown[]) => Promise<unknown>)(sql, ...rest);
      }) as typeof runner.query;
      return dialectOf(db).insertMany<{ stream_name: string }>(tx, "stream_positions", ["stream_name", "position"], rows, "RETURNING stream_name");
    });
    expect(rowCounts).to.deep.equal(engineOf(db) === "sqlite" ? [32, 8, 4, 1] : [45]);
    expect(returned.map((row) => row.stream_name)).to.deep.equal(rows.map((row) => row[0]));
  });

  it("insertMany refuses a row with the wrong number of values", async () => {
    const db = getDb();
    expect(String(await rejection(runInTransaction(db, (tx) => dialectOf(db).insertMany(tx, "stream_positions", ["stream_name", "position"], [["a"]]))))).to.match(/row 0 has 1 values for 2 columns/);
  });

  it("reserveIds hands out fresh IDs of a table's counter, which later inserts without an ID skip", async () => {
    const db = getDb();
    const d = dialectOf(db);
    const insertGroup = (tx: EntityManager) =>
      d.query<{ id: unknown }>(tx, "INSERT INTO state_groups (room_id, prev_state_group, delta_depth) VALUES ('!r', NULL, 0) RETURNING id");
    // Before the table's first row (SQLite has no counter row yet) and after it.
    const first = await runInTransaction(db, (tx) => d.reserveIds(tx, "state_groups", 3));
    const [inserted] = await runInTransaction(db, insertGroup);
    const second = await runInTransaction(db, (tx) => d.reserveIds(tx, "state_groups", 2));
    const all = [...first, toNumber(inserted?.id), ...second];
    expect(new Set(all).size).to.equal(6);
    expect([...all].sort((a, b) => a - b)).to.deep.equal(all);
    // A reserved ID can be inserted explicitly; the next automatic one is past every reservation.
    await runInTransaction(db, (tx) => d.execute(tx, "INSERT INTO state_groups (id, room_id, delta_depth) VALUES (?, '!r', 0)", [first[0]]));
    const [next] = await runInTransaction(db, insertGroup);
    expect(toNumber(next?.id)).to.be.greaterThan(Math.max(...all));
    expect(await runInTransaction(db, (tx) => d.reserveIds(tx, "state_groups", 0))).to.deep.equal([]);
    expect(String(await rejection(runInTransaction(db, (tx) => d.reserveIds(tx, "state_groups; DROP", 1))))).to.match(/invalid table name/);
  });

  it("names the engine", () => {
    expect(engineOf(getDb())).to.equal(getDb().options.type === "postgres" ? "postgres" : "sqlite");
  });
});
