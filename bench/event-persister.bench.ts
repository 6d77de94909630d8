/**
 * Event persister throughput: local events built, signed, authorized, persisted and notified per
 * second, into one room and spread over 100 rooms (group commit with 1,000 sends in flight), on
 * SQLite and, when HEARTH_TEST_POSTGRES_URL is set, PostgreSQL (in a scratch schema). Rates are
 * medians of three runs, per second of wall-clock time and, in parentheses, per second of the
 * process's own CPU time, which other processes on a shared machine disturb far less (the
 * PostgreSQL server's time is not in it). Targets: ≥ 5,000 events/s on SQLite, ≥ 3,000 on
 * PostgreSQL.
 *
 * Then a room grown by joins, 1,000 at a time, to HEARTH_BENCH_MEMBERS members on SQLite
 * (default 100,000) and HEARTH_BENCH_PG_MEMBERS on PostgreSQL (default 20,000): the join rate at
 * 1,000 members and at the end (each the median of three consecutive chunks of 1,000 joins, so
 * that one slow chunk on a shared machine does not decide it), their ratio (target: ≥ 0.8, i.e.
 * no cost that grows with the room), and the state storage per join. The whole bench runs in
 * about a minute and a half on two cores.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, type DatabaseOptions, type HearthDataSource } from "../src/storage/data-source.js";
import { createPublicRoom, LOCAL_ALICE, makePersister } from "../spec/services/rooms/event-persister-fixture.js";
import type { EventPersister } from "../src/services/rooms/event-persister.js";

const EVENTS_PER_RUN = 10_000;
/** Sends in flight at once (as many clients would have). */
const IN_FLIGHT = 1_000;
const RUNS = 3;
/** Joins sent at once; the room grows by this much per measured chunk. */
const JOIN_CHUNK = 1_000;
/** Chunks whose median is a join rate. */
const JOIN_SAMPLES = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function format(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

function report(label: string, value: string): void {
  console.log(`  ${label.padEnd(48)} ${value}`);
}

interface Rate {
  /** Per second of wall-clock time. */
  wall: number;
  /** Per second of this process's CPU time: what other processes on the machine disturb least. */
  cpu: number;
}

/** Measures `count` operations done by `fn`. */
async function rateOf(count: number, fn: () => Promise<unknown>): Promise<Rate> {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  await fn();
  const cpu = process.cpuUsage(cpuStart);
  return { wall: (count * 1000) / (performance.now() - start), cpu: (count * 1e6) / (cpu.user + cpu.system) };
}

function medianRate(rates: readonly Rate[]): Rate {
  return { wall: median(rates.map((r) => r.wall)), cpu: median(rates.map((r) => r.cpu)) };
}

function formatRate(rate: Rate, unit: string): string {
  return `${format(rate.wall).padStart(10)} ${unit}   (${format(rate.cpu)} per CPU-second)`;
}

/** Sends `total` messages round-robin over `rooms`, IN_FLIGHT at a time. */
function sendMessages(persister: EventPersister, rooms: string[], total: number): Promise<Rate> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      const n = next++;
      await persister.sendLocalEvent({ roomId: rooms[n % rooms.length]!, sender: LOCAL_ALICE, type: "m.room.message", content: { msgtype: "m.text", body: `message ${n}` } });
    }
  };
  return rateOf(total, () => Promise.all(Array.from({ length: IN_FLIGHT }, worker)));
}

async function benchThroughput(label: string, db: HearthDataSource): Promise<void> {
  const { persister } = makePersister(db);
  const oneRoom = [await createPublicRoom(persister)];
  const manyRooms = await Promise.all(Array.from({ length: 100 }, () => createPublicRoom(persister)));
  await sendMessages(persister, oneRoom, 1_000); // warm-up
  const single: Rate[] = [];
  const spread: Rate[] = [];
  for (let run = 0; run < RUNS; run++) {
    single.push(await sendMessages(persister, oneRoom, EVENTS_PER_RUN));
    spread.push(await sendMessages(persister, manyRooms, EVENTS_PER_RUN));
  }
  report(`${label}: local messages into one room`, formatRate(medianRate(single), "events/s"));
  report(`${label}: local messages over 100 rooms`, formatRate(medianRate(spread), "events/s"));
}

/** Joins `count` new members (numbered from `from`) at once. */
function joinChunk(persister: EventPersister, roomId: string, from: number, count: number): Promise<Rate> {
  return rateOf(count, () => Promise.all(Array.from({ length: count }, (_, i) => {
    const user = `@member${from + i}:hs.test`;
    return persister.sendLocalEvent({ roomId, sender: user, type: "m.room.member", stateKey: user, content: { membership: "join" } });
  })));
}

async function benchJoins(label: string, db: HearthDataSource, members: number): Promise<void> {
  if (members < JOIN_CHUNK * (1 + 2 * JOIN_SAMPLES)) throw new Error(`joins: at least ${JOIN_CHUNK * (1 + 2 * JOIN_SAMPLES)} members`);
  const { persister } = makePersister(db);
  const roomId = await createPublicRoom(persister);
  const before = await stateEntries(db);
  const chunks = Math.floor(members / JOIN_CHUNK);
  const rates: Rate[] = [];
  for (let chunk = 0; chunk < chunks; chunk++) rates.push(await joinChunk(persister, roomId, chunk * JOIN_CHUNK, JOIN_CHUNK));
  // The first chunk warms up; "at 1,000 members" are the chunks that start there.
  const atStart = medianRate(rates.slice(1, 1 + JOIN_SAMPLES));
  const atEnd = medianRate(rates.slice(-JOIN_SAMPLES));
  const after = await stateEntries(db);
  const joined = chunks * JOIN_CHUNK;
  report(`${label}: joins at 1,000 members`, formatRate(atStart, "joins/s"));
  report(`${label}: joins at ${format(joined)} members`, formatRate(atEnd, "joins/s"));
  report(`${label}: join rate at the end / at 1,000`, `${(atEnd.wall / atStart.wall).toFixed(2).padStart(10)}        (CPU: ${(atEnd.cpu / atStart.cpu).toFixed(2)})`);
  const perJoin = (n: number) => (n / joined).toFixed(2);
  report(`${label}: state storage per join`, `${perJoin(after.rows - before.rows).padStart(10)} entries, ${Math.round((after.bytes - before.bytes) / joined)} B`);
  const state = await persister.getCurrentState(roomId);
  if (state.size < joined) throw new Error(`expected ${joined} members, have ${state.size}`);
}

/** Rows of state_group_entries, and their bytes (text lengths plus 8 for the group ID). */
async function stateEntries(db: HearthDataSource): Promise<{ rows: number; bytes: number }> {
  const [row] = (await db.query(
    "SELECT COUNT(*) AS n, COALESCE(SUM(LENGTH(type) + LENGTH(state_key) + LENGTH(COALESCE(event_id, '')) + 8), 0) AS bytes FROM state_group_entries",
  )) as [{ n: unknown; bytes: unknown }];
  return { rows: Number(row.n), bytes: Number(row.bytes) };
}

async function withDatabase(opts: DatabaseOptions, fn: (db: HearthDataSource) => Promise<void>): Promise<void> {
  const db = await openDatabase(opts);
  try {
    await fn(db);
  } finally {
    await db.destroy();
  }
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const db = await openDatabase({ engine: "postgres", url });
  try {
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await db.destroy();
  }
}

export async function run(): Promise<void> {
  const members = Number(process.env.HEARTH_BENCH_MEMBERS ?? 100_000);
  const pgMembers = Number(process.env.HEARTH_BENCH_PG_MEMBERS ?? 20_000);
  const dir = mkdtempSync(join(tmpdir(), "hearth-bench-persister-"));
  try {
    await withDatabase({ engine: "sqlite", path: join(dir, "a.sqlite") }, (db) => benchThroughput("sqlite", db));
    await withDatabase({ engine: "sqlite", path: join(dir, "b.sqlite") }, (db) => benchJoins("sqlite", db, members));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const url = process.env.HEARTH_TEST_POSTGRES_URL;
  if (!url) return;
  const schema = `hearth_bench_persister_${process.pid}`;
  try {
    await withDatabase({ engine: "postgres", url, schema }, (db) => benchThroughput("postgres", db));
  } finally {
    await dropSchema(url, schema);
  }
  try {
    await withDatabase({ engine: "postgres", url, schema }, (db) => benchJoins("postgres", db, pgMembers));
  } finally {
    await dropSchema(url, schema);
  }
}
