import { expect } from "chai";
import { statSync } from "node:fs";
import { openDatabase, readManager, type HearthDataSource } from "../../src/storage/data-source.js";
import { SqliteCheckpointer, type CheckpointResult } from "../../src/storage/sqlite-checkpointer.js";
import { runInTransaction } from "../../src/storage/transaction.js";
import { closeTestDatabase, tempDatabasePath } from "../helpers/with-all-databases.js";

/** Resolves with the next checkpoint result the checkpointer reports. */
function nextCheckpoint(results: CheckpointResult[]): Promise<CheckpointResult> {
  const seen = results.length;
  return new Promise((resolve) => {
    const poll = (): void => {
      if (results.length > seen) resolve(results[results.length - 1]!);
      else setTimeout(poll, 5);
    };
    poll();
  });
}

async function writeRows(db: HearthDataSource, from: number, count: number): Promise<void> {
  await runInTransaction(db, async (tx) => {
    for (let i = from; i < from + count; i++) await tx.query("INSERT INTO t (id, body) VALUES (?, ?)", [i, "x".repeat(2_000)]);
  });
}

describe("SqliteCheckpointer [sqlite]", () => {
  let db: HearthDataSource;
  let path: string;

  beforeEach(async () => {
    path = tempDatabasePath();
    db = await openDatabase({ engine: "sqlite", path });
    await runInTransaction(db, (tx) => tx.query("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"));
    // The tests drive checkpointers of their own: the data source's stays out of their way.
    await db.checkpointer!.close();
  });

  afterEach(async () => {
    await closeTestDatabase(db);
  });

  it("copies committed pages into the database file from its own thread, started by the first write", async () => {
    const results: CheckpointResult[] = [];
    const checkpointer = new SqliteCheckpointer(path, { intervalMs: 10, idleStopMs: 60_000, minWalFrames: 0, onCheckpoint: (r) => results.push(r) });
    try {
      expect(checkpointer.running).to.equal(false);
      const sizeBefore = statSync(path).size;
      await writeRows(db, 0, 200);
      // The writer's own checkpoint waits for the safety cap: the rows are only in the WAL.
      expect(statSync(path).size).to.equal(sizeBefore);
      const checkpointed = nextCheckpoint(results);
      checkpointer.noteWrite();
      expect(checkpointer.running).to.equal(false); // not before intervalMs
      const result = await checkpointed;
      expect(checkpointer.running).to.equal(true);
      expect(checkpointer.threadsStarted).to.equal(1);
      expect(result.log).to.be.greaterThan(100);
      expect(result.checkpointed).to.equal(result.log);
      expect(statSync(path).size).to.be.greaterThan(sizeBefore + 200 * 2_000);
      const [{ n }] = (await readManager(db).query("SELECT COUNT(*) AS n FROM t")) as [{ n: number }];
      expect(n).to.equal(200);
    } finally {
      await checkpointer.close();
    }
    expect(checkpointer.running).to.equal(false);
  });

  it("lets the WAL start again from its beginning once it has caught up, so the file stays small", async () => {
    const results: CheckpointResult[] = [];
    const checkpointer = new SqliteCheckpointer(path, { intervalMs: 5, idleStopMs: 60_000, minWalFrames: 0, onCheckpoint: (r) => results.push(r) });
    try {
      for (let round = 0; round < 5; round++) {
        await writeRows(db, round * 100, 100);
        const checkpointed = nextCheckpoint(results);
        checkpointer.noteWrite();
        const result = await checkpointed;
        expect(result.checkpointed).to.equal(result.log);
      }
      // One round's rows are ~50 pages; without a restart the WAL would hold every round's.
      const [, ...later] = results.map((r) => r.log);
      for (const log of later) expect(log).to.be.within(40, 80);
      const [{ integrity_check }] = (await db.query("PRAGMA integrity_check")) as [{ integrity_check: string }];
      expect(integrity_check).to.equal("ok");
      const [{ n }] = (await readManager(db).query("SELECT COUNT(*) AS n FROM t")) as [{ n: number }];
      expect(n).to.equal(500);
    } finally {
      await checkpointer.close();
    }
  });

  it("ends its thread after idleStopMs without writes, and starts another at the next write", async () => {
    const results: CheckpointResult[] = [];
    const checkpointer = new SqliteCheckpointer(path, { intervalMs: 5, idleStopMs: 20, minWalFrames: 0, onCheckpoint: (r) => results.push(r) });
    try {
      await writeRows(db, 0, 10);
      let checkpointed = nextCheckpoint(results);
      checkpointer.noteWrite();
      await checkpointed;
      expect(checkpointer.running).to.equal(true);
      while (checkpointer.running) await new Promise((resolve) => setTimeout(resolve, 5));
      await writeRows(db, 10, 10);
      checkpointed = nextCheckpoint(results);
      checkpointer.noteWrite();
      await checkpointed;
      expect(checkpointer.threadsStarted).to.equal(2);
    } finally {
      await checkpointer.close();
    }
  });

  it("reports a thread that cannot open the database, and keeps no thread after close", async () => {
    const errors: Error[] = [];
    const checkpointer = new SqliteCheckpointer(`${path}.missing`, { intervalMs: 5, idleStopMs: 60_000, minWalFrames: 0, onError: (err) => errors.push(err) });
    checkpointer.noteWrite();
    while (errors.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    // The thread could not open the file: it died, and no checkpoint was counted.
    expect(errors[0]!.message).to.match(/WAL checkpoint thread failed: .*SQLITE_CANTOPEN/);
    expect(checkpointer.checkpoints).to.equal(0);
    await checkpointer.close();
    expect(checkpointer.running).to.equal(false);
  });

});

describe("SqliteCheckpointer waiting for a WAL worth it [sqlite]", () => {
  it("starts no thread while the WAL holds less than minWalBytes, and checkpoints once it holds more", async () => {
    const path = tempDatabasePath();
    const db = await openDatabase({ engine: "sqlite", path });
    await db.checkpointer!.close();
    const results: CheckpointResult[] = [];
    const checkpointer = new SqliteCheckpointer(path, { intervalMs: 5, idleStopMs: 60_000, minWalFrames: 350, onCheckpoint: (r) => results.push(r) });
    try {
      await runInTransaction(db, (tx) => tx.query("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"));
      await writeRows(db, 0, 20);
      checkpointer.noteWrite();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(checkpointer.threadsStarted).to.equal(0);
      // The migrations and these rows: ~130 frames.
      expect(checkpointer.walFrames()).to.be.within(20, 349);
      await writeRows(db, 20, 700);
      const checkpointed = nextCheckpoint(results);
      checkpointer.noteWrite();
      expect((await checkpointed).checkpointed).to.be.greaterThan(350);
      expect(checkpointer.threadsStarted).to.equal(1);
      // Started again from its beginning at the next write, the WAL holds that write alone.
      await writeRows(db, 720, 1);
      expect(checkpointer.walFrames()).to.be.within(1, 10);
    } finally {
      await checkpointer.close();
      await closeTestDatabase(db);
    }
  });
});

describe("SqliteCheckpointer of a file database [sqlite]", () => {
  it("is driven by the database's write transactions, and ends with the database", async () => {
    const db = await openDatabase({ engine: "sqlite", path: tempDatabasePath() });
    try {
      expect(db.checkpointer).to.be.instanceOf(SqliteCheckpointer);
      const checkpointer = db.checkpointer!;
      await runInTransaction(db, (tx) => tx.query("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"));
      await writeRows(db, 0, 2_500); // past the default 1,000 frames
      while (checkpointer.checkpoints === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(checkpointer.running).to.equal(true);
      await db.destroy();
      expect(checkpointer.running).to.equal(false);
      expect(db.checkpointer).to.equal(null);
    } finally {
      if (db.isInitialized) await closeTestDatabase(db);
    }
  });
});
