/**
 * The client side of the benchmarks that drive a real homeserver in a child process
 * (bench/sync-bench-server.ts): starting and stopping it, keep-alive HTTP calls, registration,
 * percentiles. Used by sync.bench.ts and client-api.bench.ts.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import { join } from "node:path";

export type Engine = "sqlite" | "postgres";

export interface BenchServer {
  baseUrl: string;
  /**
   * CPU time (user + system) the server process has used so far, in ms, from /proc (Linux; NaN
   * elsewhere). Per request it varies much less with other load on the machine than rates do.
   */
  cpuMs(): number;
  stop(): Promise<void>;
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

function processCpuMs(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
  } catch {
    return NaN;
  }
}

export interface BenchUser {
  userId: string;
  accessToken: string;
}

/**
 * A real homeserver in a child process (bench/sync-bench-server.ts).
 * HEARTH_BENCH_PROFILE_DIR=<dir> makes it write a CPU profile there when it stops.
 */
export async function startServer(engine: Engine): Promise<BenchServer> {
  const profile = process.env.HEARTH_BENCH_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${process.env.HEARTH_BENCH_PROFILE_DIR}`] : [];
  const child = spawn(process.execPath, [...profile, "--import", "tsx", join(import.meta.dirname, "sync-bench-server.ts"), engine], {
    stdio: ["ignore", "pipe", "inherit"],
    env: process.env,
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const newline = out.indexOf("\n");
      if (newline >= 0) resolve((JSON.parse(out.slice(0, newline)) as { port: number }).port);
    });
    child.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    cpuMs: () => processCpuMs(child.pid),
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** Keep-alive connections for the load generators (undici's fetch costs several times more CPU). */
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

/**
 * One HTTP request, over the shared keep-alive agent unless another is given (e.g. one with a
 * bounded pool, whose requests wait their turn as a client's would): status and body text.
 */
export function httpCall(url: string, method: string, token: string | null, body?: string, via: http.Agent = agent): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) {
      headers["content-type"] = "application/json";
      headers["content-length"] = String(Buffer.byteLength(body));
    }
    const req = http.request(url, { method, agent: via, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

export async function request<T = Record<string, unknown>>(
  hs: BenchServer,
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await httpCall(hs.baseUrl + path, method, token, body === undefined ? undefined : JSON.stringify(body));
  return { status: response.status, body: JSON.parse(response.text) as T };
}

/**
 * Opens `connections` keep-alive connections to the server (concurrent cheap requests), so that
 * a timed phase reuses them as long-lived clients do. Under load Node accepts about one new
 * connection per turn of its event loop, so a burst of new connections at the start of a timed
 * phase would measure connection set-up rather than the requests.
 */
export async function openConnections(hs: BenchServer, connections: number): Promise<void> {
  await Promise.all(Array.from({ length: connections }, () => httpCall(`${hs.baseUrl}/_matrix/client/versions`, "GET", null)));
}

export async function register(hs: BenchServer, username: string): Promise<BenchUser> {
  const first = await request(hs, "POST", "/_matrix/client/v3/register", null, { username, password: "bench-password" });
  const done = await request(hs, "POST", "/_matrix/client/v3/register", null, {
    username,
    password: "bench-password",
    auth: { type: "m.login.dummy", session: first.body.session },
  });
  if (done.status !== 200) throw new Error(`register ${username}: ${done.status} ${JSON.stringify(done.body)}`);
  return { userId: done.body.user_id as string, accessToken: done.body.access_token as string };
}

/** The value at percentile `p` (0–100) of ascending `sorted`. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export function line(label: string, value: string, note = ""): void {
  console.log(`  ${label.padEnd(62)} ${value.padStart(12)}${note ? `   ${note}` : ""}`);
}

/**
 * SQLite always; PostgreSQL too when HEARTH_TEST_POSTGRES_URL is set. HEARTH_BENCH_ENGINES
 * (`sqlite`, `postgres` or both, comma-separated) narrows that down.
 */
export function engines(): Engine[] {
  const available: Engine[] = process.env.HEARTH_TEST_POSTGRES_URL ? ["sqlite", "postgres"] : ["sqlite"];
  const wanted = process.env.HEARTH_BENCH_ENGINES?.split(",").map((engine) => engine.trim());
  return wanted === undefined ? available : available.filter((engine) => wanted.includes(engine));
}
