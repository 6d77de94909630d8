/**
 * Storage throughput: bulk event inserts (multi-row statements in one transaction), one event per
 * transaction with its edges (the persister's shape), and reading events back by ID. SQLite
 * always; PostgreSQL too when HEARTH_TEST_POSTGRES_URL is set (in a scratch schema, dropped after).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, type DatabaseOptions, type HearthDataSource } from "../src/storage/data-source.js";
import { EventGraphStore } from "../src/storage/stores/event-graph-store.js";
import { EventsStore, type NewEvent } from "../src/storage/stores/events-store.js";
import { runInTransaction } from "../src/storage/transaction.js";

const ROOM = "!bench:hs.test";

function makeEvent(n: number): NewEvent {
  const json = JSON.stringify({
    auth_events: ["$create", "$power", "$member"],
    content: { body: `message number ${n}`, msgtype: "m.text" },
    depth: n,
    hashes: { sha256: "O3xwgLR6bWhMv7T+3oKUH2NPzXbXJbH9Y8FJQmVT1Vs" },
    origin_server_ts: 1_700_000_000_000 + n,
    prev_events: [`$ev${n - 1}`],
    room_id: ROOM,
    sender: "@alice:hs.test",
    signatures: { "hs.test": { "ed25519:a": "Ca5ZbLrLsXfNGwLsfUxzLCRBT5aJ1vz2rMF3rnnUFpmbvLwsnjRnLZmL+/6kbCrGvBLDBbjmaQGVJ7Dm6wEcBw" } },
    type: "m.room.message",
  });
  return { eventId: `$ev${n}`, roomId: ROOM, type: "m.room.message", stateKey: null, sender: "@alice:hs.test", depth: n, originServerTs: 1_700_000_000_000 + n, json };
}

function report(label: string, rows: number, ms: number): void {
  const rate = Math.round((rows * 1000) / ms).toLocaleString("en-US");
  console.log(`  ${label.padEnd(52)} ${rate.padStart(10)} rows/s`);
}

async function benchEngine(label: string, db: HearthDataSource): Promise<void> {
  const events = new EventsStore(db);
  const graph = new EventGraphStore(db);
  let next = 1;

  const bulkRows = 20_000;
  const batch = 1000;
  let start = performance.now();
  for (let done = 0; done < bulkRows; done += batch) {
    const rows = Array.from({ length: batch }, () => makeEvent(next++));
    await runInTransaction(db, (tx) => events.insertEvents(tx, rows));
  }
  report(`${label}: bulk insert, ${batch} events per transaction`, bulkRows, performance.now() - start);

  const singles = 2000;
  start = performance.now();
  for (let i = 0; i < singles; i++) {
    const event = makeEvent(next++);
    await runInTransaction(db, async (tx) => {
      const [streamOrdering] = await events.insertEvents(tx, [event]);
      await graph.insertEventEdges(tx, [{ streamOrdering: streamOrdering!, targetIds: [`$ev${event.depth - 1}`] }]);
      await graph.replaceForwardExtremities(tx, ROOM, [event.eventId]);
    });
  }
  report(`${label}: one event + edges + extremity per transaction`, singles, performance.now() - start);

  const parallel = 2000;
  start = performance.now();
  await Promise.all(Array.from({ length: parallel }, () => {
    const event = makeEvent(next++);
    return runInTransaction(db, (tx) => events.insertEvents(tx, [event]));
  }));
  report(`${label}: ${parallel} concurrent single-event transactions`, parallel, performance.now() - start);

  const ids = Array.from({ length: 500 }, (_, i) => `$ev${1 + ((i * 37) % bulkRows)}`);
  const lookups = 40;
  start = performance.now();
  for (let i = 0; i < lookups; i++) await events.selectEventsByIds(ids);
  report(`${label}: select by ID, 500 per query`, lookups * ids.length, performance.now() - start);
}

async function withDatabase(opts: DatabaseOptions, fn: (db: HearthDataSource) => Promise<void>): Promise<void> {
  const db = await openDatabase(opts);
  try {
    await fn(db);
  } finally {
    if (opts.engine === "postgres" && opts.schema) await db.query(`DROP SCHEMA IF EXISTS "${opts.schema}" CASCADE`);
    await db.destroy();
  }
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "hearth-bench-"));
  try {
    await withDatabase({ engine: "sqlite", path: join(dir, "bench.sqlite") }, (db) => benchEngine("sqlite", db));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const url = process.env.HEARTH_TEST_POSTGRES_URL;
  if (url) {
    await withDatabase({ engine: "postgres", url, schema: `hearth_bench_${process.pid}` }, (db) => benchEngine("postgres", db));
  } else {
    console.log("  (set HEARTH_TEST_POSTGRES_URL to include PostgreSQL)");
  }
}
