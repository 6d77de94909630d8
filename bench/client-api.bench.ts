/**
 * Client API benchmarks over a real server (in a child process, bench/sync-bench-server.ts), on
 * SQLite and, when HEARTH_TEST_POSTGRES_URL is set, PostgreSQL. Never asserts.
 *
 * Joins: one public room grown to 2,000 members through `POST /join/{roomId}`, 20 joins in
 * flight (target ≥ 300 joins/s). Printed: the rate over all joins and over the last 500 (does it
 * slow down as the room grows?), the server's CPU time per join (during the joins, and including
 * the work they leave behind, such as push evaluation), and the join requests' latency (p50,
 * p99). The members are registered first (not timed); the load generator opens its connections
 * before the clock starts.
 *
 * HEARTH_BENCH_JOIN_MEMBERS overrides the room size. HEARTH_BENCH_JOIN_ROOMS=N spreads the same
 * joiners over N public rooms (joiner i joins room i mod N): as many joins, into rooms N times
 * smaller, to compare a join's cost in a large room with a small one's under the same warm-up.
 */
import {
  engines,
  line,
  openConnections,
  percentile,
  register,
  request,
  startServer,
  type BenchServer,
  type BenchUser,
  type Engine,
} from "./bench-server-client.js";

const MEMBERS = Number(process.env.HEARTH_BENCH_JOIN_MEMBERS ?? 2_000);
const ROOMS = Math.max(1, Number(process.env.HEARTH_BENCH_JOIN_ROOMS ?? 1));
const IN_FLIGHT = 20;
const TAIL = 500;

async function registerMany(hs: Parameters<typeof register>[0], count: number): Promise<BenchUser[]> {
  const users: BenchUser[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < count) {
        const i = next++;
        users[i] = await register(hs, `joiner${i}`);
      }
    }),
  );
  return users;
}

/**
 * The server's CPU time once it has finished the work the joins left behind them (the push
 * actions worker runs after the events commit): when it has used less than 2 % of a core for a
 * second. Gives up after a minute.
 */
async function settledCpuMs(hs: BenchServer): Promise<number> {
  const quietMs = 1_000;
  let last = hs.cpuMs();
  for (const deadline = performance.now() + 60_000; performance.now() < deadline; ) {
    await new Promise((resolve) => setTimeout(resolve, quietMs));
    const now = hs.cpuMs();
    if (now - last < quietMs * 0.02) return now;
    last = now;
  }
  return last;
}

async function benchJoins(engine: Engine): Promise<void> {
  const hs = await startServer(engine);
  try {
    const owner = await register(hs, "owner");
    const roomIds: string[] = [];
    for (let i = 0; i < ROOMS; i++) {
      const created = await request(hs, "POST", "/_matrix/client/v3/createRoom", owner.accessToken, { preset: "public_chat" });
      roomIds.push(created.body.room_id as string);
    }
    const roomId = roomIds[0]!;
    const joiners = await registerMany(hs, MEMBERS - 1);
    await openConnections(hs, IN_FLIGHT);

    const finishedAt: number[] = [];
    const latencies: number[] = [];
    let next = 0;
    const paths = roomIds.map((id) => `/_matrix/client/v3/join/${encodeURIComponent(id)}`);
    const cpuBefore = hs.cpuMs();
    const start = performance.now();
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < joiners.length) {
          const i = next++;
          const joiner = joiners[i]!;
          const sent = performance.now();
          const response = await request(hs, "POST", paths[i % ROOMS]!, joiner.accessToken, {});
          if (response.status !== 200) throw new Error(`join: ${response.status} ${JSON.stringify(response.body)}`);
          const now = performance.now();
          latencies.push(now - sent);
          finishedAt.push(now);
        }
      }),
    );
    const elapsed = performance.now() - start;
    const cpuPerJoin = (hs.cpuMs() - cpuBefore) / joiners.length;
    const settledCpuPerJoin = ((await settledCpuMs(hs)) - cpuBefore) / joiners.length;
    const members = await request<{ joined: Record<string, unknown> }>(hs, "GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/joined_members`, owner.accessToken);
    finishedAt.sort((a, b) => a - b);
    latencies.sort((a, b) => a - b);
    const tail = Math.min(TAIL, finishedAt.length - 1);
    const tailRate = (tail * 1000) / (finishedAt[finishedAt.length - 1]! - finishedAt[finishedAt.length - 1 - tail]!);
    const size = `${Object.keys(members.body.joined).length.toLocaleString("en-US")} members`;
    const label = ROOMS > 1 ? `${engine}: joins to ${ROOMS} rooms of ${size}` : `${engine}: joins to ${size}`;
    line(`${label} (${IN_FLIGHT} in flight)`, `${Math.round((joiners.length * 1000) / elapsed).toLocaleString("en-US")} /s`, "target ≥ 300/s");
    line(`${label}: the last ${tail}`, `${Math.round(tailRate).toLocaleString("en-US")} /s`);
    line(`${label}: server CPU per join`, `${cpuPerJoin.toFixed(2)} ms`);
    line(`${label}: CPU incl. work left after`, `${settledCpuPerJoin.toFixed(2)} ms`, "per join, once idle (push evaluation, …)");
    line(`${label}: join request p50 / p99`, `${percentile(latencies, 50).toFixed(1)} ms`, `p99 ${percentile(latencies, 99).toFixed(1)} ms`);
  } finally {
    await hs.stop();
  }
}

export async function run(): Promise<void> {
  for (const engine of engines()) await benchJoins(engine);
}
