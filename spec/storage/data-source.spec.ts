import { expect } from "chai";
import { join } from "node:path";
import { existsSync } from "node:fs";
import { createDataSource, openDatabase, readManager, sqliteWriterCacheKib, type HearthDataSource } from "../../src/storage/data-source.js";
import { dialectOf } from "../../src/storage/dialect.js";
import { SAFETY_CAP_PAGES } from "../../src/storage/sqlite-checkpointer.js";
import { CurrentStateStore } from "../../src/storage/stores/current-state-store.js";
import { EventGraphStore } from "../../src/storage/stores/event-graph-store.js";
import { EventsStore } from "../../src/storage/stores/events-store.js";
import { StateStore } from "../../src/storage/stores/state-store.js";
import { runInTransaction } from "../../src/storage/transaction.js";
import { migrations } from "../../migrations/index.js";
import { rejection } from "./rejection.js";
import { closeTestDatabase, tempDatabasePath, testEngines, withAllDatabases } from "../helpers/with-all-databases.js";

const TABLES = [
  "access_tokens", "account_data", "content_reports", "current_state", "devices", "event_auth_edges", "event_edges", "event_push_actions", "event_relations", "event_search", "event_state_groups",
  "event_txn_ids", "events", "forgotten_rooms", "forward_extremities", "login_tokens", "openid_tokens", "presence", "profile_fields", "push_rules", "pushers", "read_notifications", "receipts",
  "refresh_tokens", "registration_tokens", "remote_server_keys", "room_aliases", "room_memberships", "rooms",
  "server_signing_keys", "state_group_entries", "state_groups", "stream_positions", "ui_auth_sessions", "user_filters", "users",
];

async function tableNames(db: HearthDataSource): Promise<string[]> {
  const rows: { name: string }[] = db.options.type === "postgres"
    ? await db.query("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()")
    : await db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
  // SQLite keeps a virtual table's data in shadow tables named after it (FTS5: `<name>_data`, …).
  const virtual: { name: string }[] = db.options.type === "postgres" ? [] : await db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'");
  const shadow = (name: string): boolean => virtual.some((v) => name.startsWith(`${v.name}_`));
  return rows.map((row) => row.name).filter((name) => name !== "migrations" && !shadow(name)).sort();
}

describe("openDatabase [sqlite]", () => {
  it("creates the parent directory and sets WAL, synchronous=NORMAL, foreign keys, a busy timeout and the cache sizes", async () => {
    const path = join(tempDatabasePath(), "nested", "hearth.db");
    const db = await openDatabase({ engine: "sqlite", path });
    try {
      expect(existsSync(path)).to.equal(true);
      expect(await db.query("PRAGMA journal_mode")).to.deep.equal([{ journal_mode: "wal" }]);
      expect(await db.query("PRAGMA synchronous")).to.deep.equal([{ synchronous: 1 }]);
      expect(await db.query("PRAGMA foreign_keys")).to.deep.equal([{ foreign_keys: 1 }]);
      const [{ timeout }] = (await db.query("PRAGMA busy_timeout")) as [{ timeout: number }];
      expect(timeout).to.be.greaterThan(0);
      // The writer's cache follows the database's size: the smallest for a new database.
      expect(await db.query("PRAGMA cache_size")).to.deep.equal([{ cache_size: -2_048 }]);
      expect(await db.query("PRAGMA wal_autocheckpoint")).to.deep.equal([{ wal_autocheckpoint: SAFETY_CAP_PAGES }]);
      const reader = readManager(db);
      expect(await reader.query("PRAGMA foreign_keys")).to.deep.equal([{ foreign_keys: 1 }]);
      expect(await reader.query("PRAGMA synchronous")).to.deep.equal([{ synchronous: 1 }]);
      // The reader's cache is emptied by every commit of the writer: a small one.
      expect(await reader.query("PRAGMA cache_size")).to.deep.equal([{ cache_size: -2_048 }]);
    } finally {
      await closeTestDatabase(db);
    }
  });

  it("sizes the writer's page cache at a quarter of the database, between 2 and 64 MiB", () => {
    const MIB = 1024 * 1024;
    expect(sqliteWriterCacheKib(0)).to.equal(2_048);
    expect(sqliteWriterCacheKib(4 * MIB)).to.equal(2_048);
    expect(sqliteWriterCacheKib(40 * MIB)).to.equal(10_240);
    expect(sqliteWriterCacheKib(256 * MIB)).to.equal(65_536);
    expect(sqliteWriterCacheKib(4096 * MIB)).to.equal(65_536);
  });

  it("grows the writer's page cache with the database", async () => {
    const db = await openDatabase({ engine: "sqlite", path: tempDatabasePath() });
    try {
      await db.query("CREATE TABLE filler (data BLOB)");
      await db.query("INSERT INTO filler (data) VALUES (zeroblob(40 * 1024 * 1024))");
      const kib = db.sizeWriterCache();
      expect(kib).to.be.within(10_240, 10_400);
      expect(await db.query("PRAGMA cache_size")).to.deep.equal([{ cache_size: -kib }]);
    } finally {
      await closeTestDatabase(db);
    }
  });

  it("runs migrations once: reopening the file finds nothing pending", async () => {
    const path = tempDatabasePath();
    await (await openDatabase({ engine: "sqlite", path })).destroy();
    const db = await openDatabase({ engine: "sqlite", path });
    try {
      expect(await db.showMigrations()).to.equal(false);
      const applied = (await db.query("SELECT name FROM migrations ORDER BY timestamp")) as { name: string }[];
      expect(applied.map((row) => row.name)).to.deep.equal(migrations.map((m) => new m().name));
    } finally {
      await closeTestDatabase(db);
    }
  });

  it("createDataSource leaves the schema alone until migrations run (no synchronize)", async () => {
    const db = createDataSource({ engine: "sqlite", path: tempDatabasePath() });
    await db.initialize();
    try {
      expect(await tableNames(db)).to.deep.equal([]);
      expect(await db.showMigrations()).to.equal(true);
    } finally {
      await closeTestDatabase(db);
    }
  });

  it("works in memory, where the reader is the writer", async () => {
    const db = await openDatabase({ engine: "sqlite", path: ":memory:" });
    try {
      expect(db.reader).to.equal(null);
      expect(readManager(db)).to.equal(db.manager);
      expect(await tableNames(db)).to.deep.equal(TABLES);
    } finally {
      await db.destroy();
    }
  });

  it("destroy closes the read connection too", async () => {
    const db = await openDatabase({ engine: "sqlite", path: tempDatabasePath() });
    const reader = db.reader;
    expect(reader?.isInitialized).to.equal(true);
    await closeTestDatabase(db);
    expect(reader?.isInitialized).to.equal(false);
    expect(db.isInitialized).to.equal(false);
  });

  it("reads through readManager see committed data only, and cannot write", async () => {
    const db = await openDatabase({ engine: "sqlite", path: tempDatabasePath() });
    try {
      let releaseWriter!: () => void;
      const writerMayCommit = new Promise<void>((resolve) => (releaseWriter = resolve));
      let inserted!: () => void;
      const rowInserted = new Promise<void>((resolve) => (inserted = resolve));
      const writing = runInTransaction(db, async (tx) => {
        await tx.query("INSERT INTO stream_positions (stream_name, position) VALUES ('x', 1)");
        inserted();
        await writerMayCommit;
      });
      await rowInserted;
      const count = async () => ((await readManager(db).query("SELECT COUNT(*) AS n FROM stream_positions")) as [{ n: number }])[0].n;
      expect(await count()).to.equal(0);
      releaseWriter();
      await writing;
      expect(await count()).to.equal(1);
      expect(String(await rejection(readManager(db).query("DELETE FROM stream_positions")))).to.match(/readonly/i);
    } finally {
      await closeTestDatabase(db);
    }
  });
});

if (testEngines().includes("postgres")) {
  describe("openDatabase [postgres]", () => {
    it("creates the named schema and puts the tables in it", async () => {
      const schema = `hearth_test_ds_${process.pid}`;
      const db = await openDatabase({ engine: "postgres", url: process.env.HEARTH_TEST_POSTGRES_URL!, schema });
      try {
        expect(await db.query("SELECT current_schema() AS s")).to.deep.equal([{ s: schema }]);
        expect(await tableNames(db)).to.deep.equal(TABLES);
        expect(await db.showMigrations()).to.equal(false);
      } finally {
        await closeTestDatabase(db);
      }
    });

    it("refuses a schema name that is not a plain identifier", () => {
      expect(() => createDataSource({ engine: "postgres", url: "postgres://x", schema: "a; DROP" })).to.throw(/invalid schema/);
    });
  });
}

withAllDatabases("migrations", (getDb) => {
  it("create every table", async () => {
    expect(await tableNames(getDb())).to.deep.equal(TABLES);
  });

  it("undo one by one, down to an empty schema, and apply again", async () => {
    const db = getDb();
    for (let i = 0; i < migrations.length; i++) await db.undoLastMigration({ transaction: "each" });
    expect(await tableNames(db)).to.deep.equal([]);
    await db.runMigrations({ transaction: "all" });
    expect(await tableNames(db)).to.deep.equal(TABLES);
  });

  it("re-key edges, event state groups and memberships by stream ordering, keeping their rows both ways", async () => {
    const db = getDb();
    const d = dialectOf(db);
    const rekeying = migrations.filter((m) => /^Key\w+ByOrdering/.test(m.name)).length;
    expect(rekeying).to.equal(4);
    // Back to before the first of them (undoing any later migration too).
    const undo = migrations.length - migrations.findIndex((m) => /^Key\w+ByOrdering/.test(m.name));
    for (let i = 0; i < undo; i++) await db.undoLastMigration({ transaction: "each" });
    // Rows in the layout keyed by event ID.
    const orderings = await new EventsStore(db).insertEvents(db.manager, ["$a", "$b"].map((eventId, i) => (
      { eventId, roomId: "!r:hs.test", type: "m.room.member", stateKey: "@u:hs.test", sender: "@u:hs.test", depth: i + 1, originServerTs: i, json: "{}" }
    )));
    await d.execute(db.manager, "INSERT INTO event_auth_edges (event_id, auth_event_id) VALUES ('$b', '$a'), ('$b', '$z')");
    await d.execute(db.manager, "INSERT INTO event_edges (event_id, prev_event_id) VALUES ('$b', '$a')");
    await d.execute(db.manager, "INSERT INTO event_state_groups (event_id, state_group_before, state_group_after) VALUES ('$a', 1, 2), ('$b', 2, 3)");
    await d.execute(
      db.manager,
      "INSERT INTO room_memberships (event_id, user_id, room_id, sender, membership, stream_ordering) VALUES (?, '@u:hs.test', '!r:hs.test', '@u:hs.test', 'join', ?)",
      ["$b", orderings[1]],
    );
    await db.runMigrations({ transaction: "all" });
    const graph = new EventGraphStore(db);
    expect((await graph.selectAuthEventIds(["$b"])).get("$b")?.sort()).to.deep.equal(["$a", "$z"]);
    expect(await graph.selectPrevEventIds(["$b"])).to.deep.equal(new Map([["$b", ["$a"]]]));
    expect(await graph.selectEventIdsWithChildren(["$a", "$b"])).to.deep.equal(new Set(["$a"]));
    expect((await new StateStore(db).selectEventStateGroups(["$a", "$b"])).get("$b")).to.deep.equal({ eventId: "$b", stateGroupBefore: 2, stateGroupAfter: 3 });
    const memberships = await new CurrentStateStore(db).selectRoomMemberships("@u:hs.test");
    expect(memberships.map((m) => [m.eventId, m.streamOrdering])).to.deep.equal([["$b", orderings[1]]]);
    // And back.
    for (let i = 0; i < undo; i++) await db.undoLastMigration({ transaction: "each" });
    const rows = await d.query<{ event_id: string; auth_event_id: string }>(db.manager, "SELECT event_id, auth_event_id FROM event_auth_edges ORDER BY auth_event_id");
    expect(rows.map((row) => [row.event_id, row.auth_event_id])).to.deep.equal([["$b", "$a"], ["$b", "$z"]]);
    const groups = await d.query<{ event_id: string }>(db.manager, "SELECT event_id FROM event_state_groups ORDER BY event_id");
    expect(groups.map((row) => row.event_id)).to.deep.equal(["$a", "$b"]);
    await db.runMigrations({ transaction: "all" });
  });
});
