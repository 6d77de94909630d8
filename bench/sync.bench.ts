/**
 * /sync benchmarks, on SQLite and, when HEARTH_TEST_POSTGRES_URL is set, PostgreSQL. Never asserts.
 *
 * 1. Initial sync of a user in 50 rooms × 50 members × 20 messages, through the sync handler
 *    and JSON serialisation: with a timeline limit of 20 and lazy-loaded members (target
 *    ≤ 100 ms), and with the full member state (target ≤ 150 ms). Printed: the very first sync
 *    of the process (JIT cold too); per variant the first sync of a fresh sync module (its caches
 *    empty) and the median of the next ten (warm).
 * 2. Delivery over a real server (in a child process, bench/sync-bench-server.ts): 40 users in
 *    20 rooms (10 members each), every user syncing, 10 senders with 10 sends in flight each.
 *    Printed: sends per second (target ≥ 1,000), whether every event reached every member exactly
 *    once, the send → delivery latency (p50, p99; target p99 ≤ 50 ms), by long-poll and by
 *    WebSocket; and, to tell the parts apart, the latency from the event's creation in the server
 *    (its origin_server_ts) to delivery, the server's CPU time per send (with its deliveries;
 *    steadier than rates when other work shares the machine), and the send requests' own latency.
 *
 * The load generators open their connections before the clock starts (see openConnections).
 * HEARTH_BENCH_PROFILE_DIR=<dir> writes a CPU profile of the server process there.
 * HEARTH_BENCH_SYNC_PARTS=initial|delivery runs one part only; HEARTH_BENCH_SYNC_TRANSPORTS=
 * long-poll|websocket one transport of part 2 only; HEARTH_BENCH_SYNC_RUNS=N repeats part 2 N
 * times (each on a fresh server) and prints the medians too.
 *
 * Part 2 runs two loads, each on a fresh server:
 * - closed: the 10 senders keep 10 sends each in flight, as fast as the server answers. It
 *   measures throughput. Its latencies are the in-flight count over the rate (Little's law: 100
 *   in flight at 2,500/s is 40 ms on average, whatever the server does), so they say little.
 * - open: send n is due at n / R seconds (R = HEARTH_BENCH_SYNC_RATE, default the target's
 *   1,000/s), answered or not, and its latencies count from then, so a server that falls behind
 *   shows it. This is the latency at the target's load, which the p99 ≤ 50 ms target is about.
 * HEARTH_BENCH_SYNC_LOADS=closed|open runs one of them only. The open loop measures a server
 * already running at that load: it first offers HEARTH_BENCH_SYNC_WARMUP sends (default 2,000,
 * two seconds) at the same rate and prints their p99 apart, since a fresh process spends its first
 * seconds on unoptimised code (a one-off cost, that a fair latency figure for the steady state
 * leaves out; the warm-up's own figure shows it).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import http from "node:http";
import { join } from "node:path";
import pg from "pg";
import { WebSocket } from "ws";
import { makeStores } from "../spec/services/rooms/event-persister-fixture.js";
import { testSigningKey } from "../spec/helpers/room-builder.js";
import { EventPersister } from "../src/services/rooms/event-persister.js";
import { openDatabase, type HearthDataSource } from "../src/storage/data-source.js";
import { SyncFilter } from "../src/sync/filters.js";
import { Notifier } from "../src/sync/notifier.js";
import { createSyncComponents } from "../src/sync/sync-components.js";
import { WEBSOCKET_SYNC_PATH } from "../src/sync/websocket-sync.js";
import {
  engines,
  httpCall,
  line,
  median,
  openConnections,
  percentile,
  register,
  request,
  startServer,
  type BenchServer,
  type BenchUser,
  type Engine,
} from "./bench-server-client.js";

/** A fresh, migrated database: a temp SQLite file, or a scratch PostgreSQL schema. */
async function scratchDatabase(engine: Engine): Promise<{ db: HearthDataSource; drop(): Promise<void> }> {
  if (engine === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "hearth-sync-bench-"));
    const db = await openDatabase({ engine: "sqlite", path: join(dir, "bench.sqlite") });
    return { db, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const url = process.env.HEARTH_TEST_POSTGRES_URL!;
  const schema = `hearth_sync_bench_${process.pid}_${Date.now()}`;
  const db = await openDatabase({ engine: "postgres", url, schema, poolSize: 10 });
  return {
    db,
    drop: async () => {
      const pool = new pg.Pool({ connectionString: url, max: 1 });
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    },
  };
}

const SERVER = "bench.test";
const TARGET = `@target:${SERVER}`;

// ---------------------------------------------------------------------------------------------
// 1. Initial sync

async function buildRooms(persister: EventPersister, rooms: number, members: number, messages: number): Promise<void> {
  await Promise.all(
    Array.from({ length: rooms }, async (_, r) => {
      const creator = `@owner${r}:${SERVER}`;
      const create = await persister.sendLocalEvent({ roomId: null, roomVersion: "11", sender: creator, type: "m.room.create", stateKey: "", content: {} });
      const roomId = create.pdu.roomId;
      const send = (sender: string, type: string, stateKey: string | undefined, content: Record<string, unknown>) =>
        persister.sendLocalEvent({ roomId, sender, type, stateKey, content: content as never });
      await send(creator, "m.room.member", creator, { membership: "join", displayname: `Owner ${r}` });
      await send(creator, "m.room.power_levels", "", { users: { [creator]: 100 } });
      await send(creator, "m.room.join_rules", "", { join_rule: "public" });
      await send(creator, "m.room.history_visibility", "", { history_visibility: "shared" });
      await send(creator, "m.room.name", "", { name: `Room ${r}` });
      const joiners = [TARGET, ...Array.from({ length: members - 2 }, (_, m) => `@member${r}_${m}:${SERVER}`)];
      await Promise.all(joiners.map((user) => send(user, "m.room.member", user, { membership: "join", displayname: user.slice(1, 12) })));
      for (let i = 0; i < messages; i++) await send(joiners[(i * 7) % joiners.length]!, "m.room.message", undefined, { msgtype: "m.text", body: `message ${i} in room ${r}` });
    }),
  );
  await persister.idle();
}

async function benchInitialSync(engine: Engine): Promise<void> {
  const { db, drop } = await scratchDatabase(engine);
  try {
    const notifier = new Notifier();
    const stores = makeStores(db);
    const persister = new EventPersister({ db, stores, notifier, serverName: SERVER, signingKey: testSigningKey(SERVER), clock: { now: () => Date.now() } });
    const setupStart = performance.now();
    await buildRooms(persister, 50, 50, 20);
    line(`${engine}: set-up (50 rooms × 50 members × 20 messages)`, `${Math.round(performance.now() - setupStart)} ms`);
    const variants = [
      { label: "lazy-loaded members, timeline 20", filter: { room: { timeline: { limit: 20 }, state: { lazy_load_members: true } } }, target: "target ≤ 100 ms" },
      { label: "full member state, timeline 20", filter: { room: { timeline: { limit: 20 } } }, target: "target ≤ 150 ms" },
    ];
    // A fresh sync module has empty caches (the state store's, shared with the persister, stay).
    const fresh = () => createSyncComponents({ db, notifier, stateStore: stores.state, roomVersion: (roomId) => persister.getRoomVersion(roomId) });
    const once = async (sync: ReturnType<typeof fresh>, filter: SyncFilter): Promise<{ ms: number; bytes: number; rooms: number }> => {
      const start = performance.now();
      const response = await sync.handler.sync({ userId: TARGET, deviceId: "BENCH", filter, since: null, fullState: false, useStateAfter: false }, { timeoutMs: 0 });
      const bytes = JSON.stringify(response).length;
      return { ms: performance.now() - start, bytes, rooms: Object.keys(response.rooms.join).length };
    };
    const first = await once(fresh(), SyncFilter.fromJson(variants[0]!.filter));
    line(`${engine}: first initial sync after start (JIT and caches cold)`, `${first.ms.toFixed(1)} ms`);
    for (const variant of variants) {
      const filter = SyncFilter.fromJson(variant.filter);
      const colds: number[] = [];
      let sync = fresh();
      let cold = await once(sync, filter);
      colds.push(cold.ms);
      for (let i = 0; i < 2; i++) {
        sync = fresh();
        cold = await once(sync, filter);
        colds.push(cold.ms);
      }
      const warm: number[] = [];
      for (let i = 0; i < 10; i++) warm.push((await once(sync, filter)).ms);
      line(`${engine}: initial sync, ${variant.label}, empty sync caches (median of 3)`, `${median(colds).toFixed(1)} ms`, `${cold.rooms} rooms, ${(cold.bytes / 1024).toFixed(0)} KiB; ${variant.target}`);
      line(`${engine}: initial sync, ${variant.label}, warm (median of 10)`, `${median(warm).toFixed(1)} ms`, variant.target);
    }
  } finally {
    await db.destroy();
    await drop();
  }
}

// ---------------------------------------------------------------------------------------------
// 2. Delivery

interface Delivery {
  /** body → how many times this user received it */
  counts: Map<string, number>;
  latencies: number[];
  /** From the event's origin_server_ts (its creation in the server) to its arrival. */
  fromCreation: number[];
  limited: number;
  /** Per room and sending worker, the last sequence number received (see sendAll). */
  lastSeq: Map<string, number>;
  /** Events received before one their worker had sent earlier in the same room. */
  outOfOrder: number;
}

const USERS = 40;
const ROOMS = 20;
const MEMBERS = 10;
const SENDERS = 10;
const IN_FLIGHT = 10;
const SENDS = 5_000;
/**
 * HEARTH_BENCH_SYNC_WARMUP: sends the open loop offers at its rate before the measured ones,
 * measured apart (a fresh process's first seconds run unoptimised code: V8 compiles hot functions
 * as they prove hot, and grows the young generation, while the server already takes the load).
 */
const WARMUP_SENDS = process.env.HEARTH_BENCH_SYNC_WARMUP ? Number(process.env.HEARTH_BENCH_SYNC_WARMUP) : 2_000;
/** HEARTH_BENCH_SYNC_RATE: sends offered per second by the open loop. */
const OFFERED_RATE = process.env.HEARTH_BENCH_SYNC_RATE ? Number(process.env.HEARTH_BENCH_SYNC_RATE) : 1_000;

/** The closed loop (10 senders × 10 in flight), or an open loop offering `rate` sends/s. */
type Load = { kind: "closed" } | { kind: "open"; rate: number };
const WIDE_FILTER = JSON.stringify({ room: { timeline: { limit: 100 }, state: { lazy_load_members: true } }, presence: { types: [] } });

async function setUpServer(engine: Engine): Promise<{ hs: BenchServer; users: BenchUser[]; membersOf: Map<string, string[]> }> {
  const hs = await startServer(engine);
  const users: BenchUser[] = [];
  for (let i = 0; i < USERS; i++) users.push(await register(hs, `user${i}`));
  const membersOf = new Map<string, string[]>();
  for (let r = 0; r < ROOMS; r++) {
    const ownerIndex = (r * 2) % USERS;
    const owner = users[ownerIndex]!;
    const roomId = (await request(hs, "POST", "/_matrix/client/v3/createRoom", owner.accessToken, { preset: "public_chat" })).body.room_id as string;
    const members = [owner.userId];
    for (let m = 1; m < MEMBERS; m++) {
      const member = users[(ownerIndex + m * 4) % USERS]!;
      if (members.includes(member.userId)) continue;
      await request(hs, "POST", `/_matrix/client/v3/join/${encodeURIComponent(roomId)}`, member.accessToken, {});
      members.push(member.userId);
    }
    membersOf.set(roomId, members);
  }
  return { hs, users, membersOf };
}

type TimelineEventJson = { content?: { body?: unknown }; origin_server_ts?: number };
type TimelineJson = { rooms?: { join?: Record<string, { timeline?: { events?: TimelineEventJson[]; limited?: boolean } }> } };

/**
 * Records a timeline event of `roomId` seen by one user. Bodies are `bench <worker> <n>`: a
 * worker sends one event at a time, so its events in one room must arrive in increasing `n`.
 */
function record(delivery: Delivery, sentAt: Map<string, number>, roomId: string, event: TimelineEventJson): void {
  const body = event.content?.body;
  if (typeof body !== "string" || !body.startsWith("bench ")) return;
  delivery.counts.set(body, (delivery.counts.get(body) ?? 0) + 1);
  const [, worker, n] = body.split(" ");
  const key = `${roomId} ${worker}`;
  if (Number(n) <= (delivery.lastSeq.get(key) ?? -1)) delivery.outOfOrder++;
  else delivery.lastSeq.set(key, Number(n));
  const start = sentAt.get(body);
  if (start !== undefined) delivery.latencies.push(performance.now() - start);
  // The server stamps the event as it builds it (same machine, same wall clock).
  if (event.origin_server_ts !== undefined) delivery.fromCreation.push(Date.now() - event.origin_server_ts);
}

function recordResponse(delivery: Delivery, sentAt: Map<string, number>, response: TimelineJson): void {
  for (const [roomId, room] of Object.entries(response.rooms?.join ?? {})) {
    if (room.timeline?.limited === true) delivery.limited++;
    for (const event of room.timeline?.events ?? []) record(delivery, sentAt, roomId, event);
  }
}

/** A long-poll loop for one user, from its current position, until `stop` resolves. */
function longPoll(hs: BenchServer, user: BenchUser, delivery: Delivery, sentAt: Map<string, number>, since: string, running: { on: boolean }): Promise<void> {
  return (async () => {
    while (running.on) {
      const url = `${hs.baseUrl}/_matrix/client/v3/sync?timeout=1000&since=${since}&filter=${encodeURIComponent(WIDE_FILTER)}&set_presence=offline`;
      const response = await httpCall(url, "GET", user.accessToken);
      const json = JSON.parse(response.text) as TimelineJson & { next_batch: string };
      since = json.next_batch;
      recordResponse(delivery, sentAt, json);
    }
  })();
}

function webSocket(hs: BenchServer, user: BenchUser, delivery: Delivery, sentAt: Map<string, number>, since: string): Promise<WebSocket> {
  const url = `${hs.baseUrl.replace(/^http/, "ws")}${WEBSOCKET_SYNC_PATH}?since=${since}&set_presence=offline&filter=${encodeURIComponent(WIDE_FILTER)}`;
  const ws = new WebSocket(url, "m.json", { headers: { authorization: `Bearer ${user.accessToken}` } });
  ws.on("message", (data) => recordResponse(delivery, sentAt, JSON.parse(data.toString()) as TimelineJson));
  return new Promise((resolve, reject) => {
    ws.once("message", () => resolve(ws));
    ws.once("error", reject);
  });
}

interface SendLoad {
  hs: BenchServer;
  senders: BenchUser[];
  roomsOf: Map<string, string[]>;
  /** body → when its send started (open loop: when it was due) */
  sentAt: Map<string, number>;
  roomOfBody: Map<string, string>;
  sendLatencies: number[];
  /** The open loop's connections (a bounded pool); the shared agent otherwise. */
  agent?: http.Agent;
}

let txnCounter = 0;

/** One send of `body` by `sender` into `roomId`, timed from `sentAt.get(body)`. */
async function sendOne(load: SendLoad, sender: BenchUser, roomId: string, body: string): Promise<void> {
  load.roomOfBody.set(body, roomId);
  const path = `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/b${++txnCounter}`;
  let response: { status: number; text: string } | null = null;
  for (let attempt = 1; response === null; attempt++) {
    try {
      response = await httpCall(load.hs.baseUrl + path, "PUT", sender.accessToken, JSON.stringify({ msgtype: "m.text", body }), load.agent);
    } catch (err) {
      // A keep-alive connection the server closed as it was reused (idle ones time out after
      // 5 s in the open loop): retry, as clients do; the transaction ID makes it safe.
      if ((err as NodeJS.ErrnoException).code !== "ECONNRESET" || attempt === 3) throw err;
    }
  }
  if (response.status !== 200) throw new Error(`send: ${response.status} ${response.text}`);
  load.sendLatencies.push(performance.now() - load.sentAt.get(body)!);
}

/** Closed loop: each sender keeps IN_FLIGHT sends going, one after another per worker. Returns sends/s. */
async function sendAll(load: SendLoad): Promise<number> {
  let sent = 0;
  const start = performance.now();
  await Promise.all(
    load.senders.flatMap((sender, s) =>
      Array.from({ length: IN_FLIGHT }, async (_, w) => {
        const rooms = load.roomsOf.get(sender.userId)!;
        while (sent < SENDS) {
          const n = sent++;
          const body = `bench ${s}.${w} ${n}`;
          load.sentAt.set(body, performance.now());
          await sendOne(load, sender, rooms[n % rooms.length]!, body);
        }
      }),
    ),
  );
  return (SENDS * 1000) / (performance.now() - start);
}

/**
 * Open loop: send n is due at n / rate seconds whether or not earlier ones have been answered,
 * and its latencies count from then (so a server that falls behind shows it). Each send is its
 * own worker for the order check. Returns the sends/s achieved.
 */
async function sendAtRate(load: SendLoad, rate: number, sends = SENDS, tag = "o"): Promise<number> {
  // As many connections as the closed loop has (opened before the clock starts); sends beyond
  // them wait for one, their latency counting from when they were due.
  load.agent = new http.Agent({ keepAlive: true, maxSockets: SENDERS * IN_FLIGHT });
  await Promise.all(Array.from({ length: SENDERS * IN_FLIGHT }, () => httpCall(`${load.hs.baseUrl}/_matrix/client/versions`, "GET", null, undefined, load.agent)));
  const start = performance.now();
  const pending: Promise<void>[] = [];
  let n = 0;
  while (n < sends) {
    const now = performance.now();
    for (; n < sends && start + (n * 1000) / rate <= now; n++) {
      const s = n % load.senders.length;
      const sender = load.senders[s]!;
      const rooms = load.roomsOf.get(sender.userId)!;
      const body = `bench ${s}.${tag}${n} ${n}`;
      load.sentAt.set(body, start + (n * 1000) / rate);
      pending.push(sendOne(load, sender, rooms[Math.floor(n / load.senders.length) % rooms.length]!, body));
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(pending);
  const rateAchieved = (sends * 1000) / (performance.now() - start);
  load.agent.destroy();
  return rateAchieved;
}

type Transport = "long-poll" | "WebSocket";

interface DeliveryResult {
  rate: number;
  deliveries: number;
  missing: number;
  duplicates: number;
  wrong: number;
  outOfOrder: number;
  limited: number;
  p50: number;
  p99: number;
  createdP50: number;
  createdP99: number;
  serverCpuPerSend: number;
  clientCpuPerSend: number;
  sendP50: number;
  sendP99: number;
  /** The open loop's warm-up (WARMUP_SENDS before the measured ones): its send → delivery p99. */
  warmupP99: number | null;
}

async function benchDelivery(engine: Engine, transport: Transport, how: Load): Promise<DeliveryResult> {
  const { hs, users, membersOf } = await setUpServer(engine);
  try {
    const roomsOf = new Map<string, string[]>();
    for (const [roomId, members] of membersOf) for (const member of members) roomsOf.set(member, [...(roomsOf.get(member) ?? []), roomId]);
    const senders = users.filter((user) => (roomsOf.get(user.userId)?.length ?? 0) > 0).slice(0, SENDERS);
    const sentAt = new Map<string, number>();
    const roomOfBody = new Map<string, string>();
    const deliveries = new Map<string, Delivery>(
      users.map((user) => [user.userId, { counts: new Map(), latencies: [], fromCreation: [], limited: 0, lastSeq: new Map(), outOfOrder: 0 }]),
    );
    // Each user's position now (initial syncs), so the run starts with everyone caught up.
    const tokens = await Promise.all(
      users.map(async (user) => (await request(hs, "GET", `/_matrix/client/v3/sync?filter=${encodeURIComponent(WIDE_FILTER)}&set_presence=offline`, user.accessToken)).body.next_batch as string),
    );
    const running = { on: true };
    const loops: Promise<void>[] = [];
    const sockets: WebSocket[] = [];
    if (transport === "long-poll") {
      users.forEach((user, i) => loops.push(longPoll(hs, user, deliveries.get(user.userId)!, sentAt, tokens[i]!, running)));
    } else {
      for (const [i, user] of users.entries()) sockets.push(await webSocket(hs, user, deliveries.get(user.userId)!, sentAt, tokens[i]!));
    }
    await openConnections(hs, SENDERS * IN_FLIGHT);
    const sendLatencies: number[] = [];
    const load: SendLoad = { hs, senders, roomsOf, sentAt, roomOfBody, sendLatencies };
    // Wait until every member has every event (or give up after 10 s).
    const expected = (userId: string): number => [...roomOfBody.values()].filter((roomId) => membersOf.get(roomId)!.includes(userId)).length;
    const allDelivered = async (): Promise<void> => {
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && users.some((user) => deliveries.get(user.userId)!.counts.size < expected(user.userId))) await new Promise((r) => setTimeout(r, 20));
    };
    let warmupP99: number | null = null;
    if (how.kind === "open" && WARMUP_SENDS > 0) {
      await sendAtRate(load, how.rate, WARMUP_SENDS, "w");
      await allDelivered();
      const warm = [...deliveries.values()].flatMap((d) => d.latencies).sort((a, b) => a - b);
      warmupP99 = percentile(warm, 99);
      // The measured run starts from here: what the warm-up sent is neither timed nor counted.
      for (const delivery of deliveries.values()) {
        delivery.counts.clear();
        delivery.latencies.length = 0;
        delivery.fromCreation.length = 0;
        delivery.limited = 0;
      }
      roomOfBody.clear();
      sentAt.clear();
      sendLatencies.length = 0;
    }
    const cpuBefore = hs.cpuMs();
    const clientCpuBefore = process.cpuUsage();
    const rate = how.kind === "closed" ? await sendAll(load) : await sendAtRate(load, how.rate);
    sendLatencies.sort((a, b) => a - b);
    await allDelivered();
    const serverCpuPerSend = (hs.cpuMs() - cpuBefore) / SENDS;
    const clientCpu = process.cpuUsage(clientCpuBefore);
    running.on = false;
    for (const ws of sockets) ws.terminate();
    await Promise.all(loops);

    let missing = 0;
    let duplicates = 0;
    let wrong = 0;
    let outOfOrder = 0;
    const latencies: number[] = [];
    const fromCreation: number[] = [];
    let limited = 0;
    for (const user of users) {
      const delivery = deliveries.get(user.userId)!;
      limited += delivery.limited;
      outOfOrder += delivery.outOfOrder;
      latencies.push(...delivery.latencies);
      fromCreation.push(...delivery.fromCreation);
      for (const [body, roomId] of roomOfBody) {
        const count = delivery.counts.get(body) ?? 0;
        if (membersOf.get(roomId)!.includes(user.userId)) {
          if (count === 0) missing++;
          if (count > 1) duplicates++;
        } else if (count > 0) wrong++;
      }
    }
    latencies.sort((a, b) => a - b);
    fromCreation.sort((a, b) => a - b);
    return {
      rate,
      deliveries: latencies.length,
      missing,
      duplicates,
      wrong,
      outOfOrder,
      limited,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      createdP50: percentile(fromCreation, 50),
      createdP99: percentile(fromCreation, 99),
      serverCpuPerSend,
      // The load generator's own CPU (the machine's other core, shared with whatever else runs).
      clientCpuPerSend: (clientCpu.user + clientCpu.system) / 1000 / SENDS,
      sendP50: percentile(sendLatencies, 50),
      sendP99: percentile(sendLatencies, 99),
      warmupP99,
    };
  } finally {
    await hs.stop();
  }
}

function printDelivery(label: string, how: Load, r: DeliveryResult): void {
  if (how.kind === "closed") line(`${label}: sends (10 senders × 10 in flight)`, `${Math.round(r.rate).toLocaleString("en-US")} /s`, "target ≥ 1,000/s");
  else line(`${label}: sends (open loop, ${how.rate.toLocaleString("en-US")}/s offered)`, `${Math.round(r.rate).toLocaleString("en-US")} /s`, "");
  const problems = `${r.missing} / ${r.duplicates} / ${r.wrong} / ${r.outOfOrder}${r.limited > 0 ? `; ${r.limited} limited timelines` : ""}`;
  line(`${label}: deliveries (missing / duplicated / to non-members / out of order)`, `${r.deliveries}`, problems);
  const target = how.kind === "open" ? "(target ≤ 50 ms)" : "(in flight ÷ rate: Little's law)";
  line(`${label}: send → delivery p50 / p99`, `${r.p50.toFixed(1)} ms`, `p99 ${r.p99.toFixed(1)} ms ${target}`);
  line(`${label}: event created → delivered p50 / p99`, `${r.createdP50.toFixed(0)} ms`, `p99 ${r.createdP99.toFixed(0)} ms`);
  line(`${label}: server CPU per send, with its deliveries`, `${r.serverCpuPerSend.toFixed(2)} ms`, `load generator ${r.clientCpuPerSend.toFixed(2)} ms`);
  line(`${label}: send request alone p50 / p99`, `${r.sendP50.toFixed(1)} ms`, `p99 ${r.sendP99.toFixed(1)} ms`);
  if (r.warmupP99 !== null) line(`${label}: warm-up (${WARMUP_SENDS.toLocaleString("en-US")} sends before, fresh process) send → delivery p99`, `${r.warmupP99.toFixed(1)} ms`, "not measured above");
}

/** The field-by-field median of several runs (problem counts: the largest). */
function medianResult(results: readonly DeliveryResult[]): DeliveryResult {
  type Figure = Exclude<keyof DeliveryResult, "warmupP99">;
  const of = (key: Figure): number => median(results.map((r) => r[key]));
  const worst = (key: Figure): number => Math.max(...results.map((r) => r[key]));
  return {
    rate: of("rate"),
    deliveries: of("deliveries"),
    missing: worst("missing"),
    duplicates: worst("duplicates"),
    wrong: worst("wrong"),
    outOfOrder: worst("outOfOrder"),
    limited: worst("limited"),
    p50: of("p50"),
    p99: of("p99"),
    createdP50: of("createdP50"),
    createdP99: of("createdP99"),
    serverCpuPerSend: of("serverCpuPerSend"),
    clientCpuPerSend: of("clientCpuPerSend"),
    sendP50: of("sendP50"),
    sendP99: of("sendP99"),
    warmupP99: results[0]!.warmupP99 === null ? null : median(results.map((r) => r.warmupP99 ?? 0)),
  };
}

function selectedLoads(): Load[] {
  const wanted = process.env.HEARTH_BENCH_SYNC_LOADS?.toLowerCase();
  const loads: Load[] = [{ kind: "closed" }, { kind: "open", rate: OFFERED_RATE }];
  return wanted === undefined ? loads : loads.filter((l) => l.kind === wanted);
}

function selectedTransports(): Transport[] {
  const wanted = process.env.HEARTH_BENCH_SYNC_TRANSPORTS?.toLowerCase();
  if (wanted === "long-poll") return ["long-poll"];
  if (wanted === "websocket") return ["WebSocket"];
  return ["long-poll", "WebSocket"];
}

/** Only part 1 (`tsx -e` friendly), for quick runs. */
export async function runInitialSync(): Promise<void> {
  for (const engine of engines()) await benchInitialSync(engine);
}

/** Only part 2 (`tsx -e` friendly), for quick runs. */
export async function runDelivery(): Promise<void> {
  const runs = Math.max(1, Number(process.env.HEARTH_BENCH_SYNC_RUNS ?? 1));
  for (const engine of engines()) {
    for (const how of selectedLoads()) {
      // Runs of the transports interleaved, so that both see the same load on the machine.
      const results = new Map<Transport, DeliveryResult[]>();
      const name = how.kind === "closed" ? "closed loop" : "open loop";
      for (let run = 0; run < runs; run++) {
        for (const transport of selectedTransports()) {
          const result = await benchDelivery(engine, transport, how);
          results.set(transport, [...(results.get(transport) ?? []), result]);
          printDelivery(`${engine}, ${transport}, ${name}${runs > 1 ? ` #${run + 1}` : ""}`, how, result);
        }
      }
      if (runs > 1) for (const [transport, list] of results) printDelivery(`${engine}, ${transport}, ${name}, median of ${runs}`, how, medianResult(list));
    }
  }
}

export async function run(): Promise<void> {
  const parts = process.env.HEARTH_BENCH_SYNC_PARTS?.toLowerCase();
  if (parts !== "delivery") await runInitialSync();
  if (parts !== "initial") await runDelivery();
}
