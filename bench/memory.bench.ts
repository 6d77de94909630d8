/**
 * Memory of a real Hearth process, as a self-hoster runs it: the compiled server (`npm run build`,
 * then `node dist/src/main.js start`) on SQLite in a scratch directory, measured from outside by
 * its resident set size (VmRSS in /proc/<pid>/status).
 *
 * Printed: RSS idle after start; after a workload (40 users in 20 rooms, every user syncing,
 * 4,000 messages sent, each user's initial /sync); and with 1,000 idle WebSocket sync clients
 * connected on top, and what one idle client costs (that difference per client). Targets
 * (issue 4): ≤ 85 MiB idle, ≤ 100 MiB after the workloads, ≤ 50 MiB more with 1,000 idle
 * WebSocket clients. Never asserts.
 *
 * Each reading is taken once the server has been quiet for SETTLE_MS: the server gives a burst's
 * heap back ~7–8 s after it ends (src/cli/idle-heap-trim.ts), so what is measured is what an idle
 * server keeps. The reading 3 s after the burst, before that, is printed alongside.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";

const root = join(import.meta.dirname, "..");
const MIB = 1024 * 1024;
const IDLE_CLIENTS = 1000;

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN);
  return kb * 1024;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function hearth(args: string[], cwd: string): string {
  return execFileSync(process.execPath, [join(root, "dist", "src", "main.js"), ...args], { cwd, encoding: "utf8" });
}

async function waitUntilServing(base: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`hearth exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/_matrix/client/versions`)).ok) return;
    } catch {
      // not yet listening
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("hearth did not start");
}

/** Quiet time before a reading: the server's idle heap trim (~8 s after a burst), with a margin. */
const SETTLE_MS = 15_000;
/** The reading before the trim, printed alongside. */
const EARLY_MS = 3_000;

/** RSS after EARLY_MS and after SETTLE_MS of quiet. */
async function settledRss(pid: number): Promise<{ early: number; settled: number }> {
  await new Promise((r) => setTimeout(r, EARLY_MS));
  const early = rssOf(pid);
  await new Promise((r) => setTimeout(r, SETTLE_MS - EARLY_MS));
  return { early, settled: rssOf(pid) };
}

function early(reading: { early: number }): string {
  return `; ${(reading.early / MIB).toFixed(1)} MiB after ${EARLY_MS / 1000} s`;
}

async function call<T>(base: string, method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function register(base: string, name: string): Promise<string> {
  const res = await call<{ access_token: string }>(base, "POST", "/_matrix/client/v3/register", null, {
    username: name,
    password: "bench-password",
    auth: { type: "m.login.dummy" },
  });
  return res.access_token;
}

async function workload(base: string): Promise<string[]> {
  const users = 40;
  const rooms = 20;
  const tokens: string[] = [];
  for (let i = 0; i < users; i++) tokens.push(await register(base, `bench${i}`));
  for (let r = 0; r < rooms; r++) {
    const ownerIndex = (r * 2) % users;
    const owner = tokens[ownerIndex]!;
    const { room_id } = await call<{ room_id: string }>(base, "POST", "/_matrix/client/v3/createRoom", owner, { preset: "public_chat" });
    for (let m = 1; m < 10; m++) {
      const member = tokens[(ownerIndex + m * 4) % users]!;
      await call(base, "POST", `/_matrix/client/v3/join/${encodeURIComponent(room_id)}`, member, {});
    }
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        call(base, "PUT", `/_matrix/client/v3/rooms/${encodeURIComponent(room_id)}/send/m.room.message/t${i}`, owner, { msgtype: "m.text", body: `message ${i}` }),
      ),
    );
  }
  await Promise.all(tokens.map((t) => call(base, "GET", "/_matrix/client/v3/sync?timeout=0", t)));
  return tokens;
}

async function openIdleSockets(port: number, tokens: string[], count: number): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  for (let i = 0; i < count; i += 50) {
    const batch = Array.from({ length: Math.min(50, count - i) }, (_, j) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/_matrix/client/unstable/org.hearth.stream?timeout=0`, "m.json", {
        headers: { authorization: `Bearer ${tokens[(i + j) % tokens.length]}` },
      });
      sockets.push(ws);
      // Wait for the first (initial sync) frame: the connection is then set up and idle.
      return new Promise<void>((resolve, reject) => {
        ws.once("message", () => resolve());
        ws.once("error", reject);
      });
    });
    await Promise.all(batch);
  }
  return sockets;
}

function line(label: string, bytes: number, extra = ""): void {
  console.log(`  ${label.padEnd(56)} ${(bytes / MIB).toFixed(1).padStart(7)} MiB${extra}`);
}

export async function run(): Promise<void> {
  execFileSync("npx", ["tsc", "-p", "tsconfig.json"], { cwd: root, stdio: "inherit" });
  const dir = mkdtempSync(join(tmpdir(), "hearth-mem-"));
  const port = await freePort();
  hearth(["generate-config", "--server-name", "localhost", "--client-port", String(port), "--federation-port", String(await freePort())], dir);
  hearth(["config", "set", "registration.enabled", "true"], dir);
  hearth(["config", "set", "rate_limits.enabled", "false"], dir);
  const child = spawn(process.execPath, [join(root, "dist", "src", "main.js"), "start"], { cwd: dir, stdio: "ignore" });
  const base = `http://127.0.0.1:${port}`;
  let sockets: WebSocket[] = [];
  try {
    await waitUntilServing(base, child);
    const idle = await settledRss(child.pid!);
    line("RSS idle after start", idle.settled, `   (target ≤ 85 MiB${early(idle)})`);
    const tokens = await workload(base);
    const loaded = await settledRss(child.pid!);
    line("RSS after 40 users, 20 rooms, 4,000 messages, 40 syncs", loaded.settled, `   (target ≤ 100 MiB${early(loaded)})`);
    sockets = await openIdleSockets(port, tokens, IDLE_CLIENTS);
    const withSockets = await settledRss(child.pid!);
    const added = withSockets.settled - loaded.settled;
    line("RSS with 1,000 idle WebSocket sync clients", withSockets.settled, `   (+${(added / MIB).toFixed(1)} MiB; target ≤ +50 MiB${early(withSockets)})`);
    const perClient = added / IDLE_CLIENTS / 1024;
    console.log(`  ${"RSS per idle WebSocket sync client".padEnd(56)} ${perClient.toFixed(1).padStart(7)} KiB   (target ≤ 51 KiB)`);
  } finally {
    for (const ws of sockets) ws.terminate();
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    rmSync(dir, { recursive: true, force: true });
  }
}
