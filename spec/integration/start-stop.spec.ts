/**
 * `hearth start` as a user runs it: a real child process in an empty directory generates its
 * config, answers /versions, and on SIGINT/SIGTERM exits 0 leaving a consistent SQLite database.
 */
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { parse } from "yaml";

const root = join(import.meta.dirname, "..", "..");
/** tsx's loader by absolute URL: the child runs in a temp dir where "tsx" would not resolve. */
const tsxLoader = import.meta.resolve("tsx");

/** The client port written in a generated config. */
function clientPortOf(path: string): number {
  return (parse(readFileSync(path, "utf8")) as { listeners: { client: { port: number } } }).listeners.client.port;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function run(args: string[], cwd: string): ChildProcess {
  return spawn(process.execPath, ["--import", tsxLoader, join(root, "src", "main.ts"), ...args], { cwd, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, HEARTH_CONFIG: "" } });
}

function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.on("exit", (code) => resolve(code)));
}

async function waitForVersions(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`hearth exited early with ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("hearth did not answer in time");
}

describe("integration: hearth start / stop", function () {
  this.timeout(60_000);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    it(`generates a config on first start, serves, and exits 0 on ${signal} with a consistent database`, async () => {
      const dir = mkdtempSync(join(tmpdir(), "hearth-start-"));
      try {
        const gen = run(["generate-config", "--server-name", "localhost", "--client-port", String(await freePort()), "--federation-port", String(await freePort())], dir);
        expect(await exitCode(gen)).to.equal(0);
        const port = clientPortOf(join(dir, "config.yaml"));
        const child = run(["start"], dir);
        let out = "";
        child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
        child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
        await waitForVersions(`http://127.0.0.1:${port}/_matrix/client/versions`, child);
        child.kill(signal);
        expect(await exitCode(child), out).to.equal(0);
        const dbPath = join(dir, "data", "homeserver.db");
        expect(existsSync(`${dbPath}-wal`) ? "wal left" : "clean").to.equal("clean");
        const db = new Database(dbPath, { readonly: true });
        expect(db.pragma("integrity_check", { simple: true })).to.equal("ok");
        db.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it("writes a config on the first start when none exists, and says so", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hearth-first-"));
    try {
      const child = run(["start", "--config", "cfg.yaml"], dir);
      let out = "";
      child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
      const code = exitCode(child);
      // The default port may be taken on a shared machine; the generation itself is what we check.
      const deadline = Date.now() + 15_000;
      while (!/generated/.test(out) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
      child.kill("SIGINT");
      await code;
      expect(out).to.match(/generated/);
      expect(existsSync(join(dir, "cfg.yaml"))).to.equal(true);
      expect(existsSync(join(dir, "data", "localhost.signing.key"))).to.equal(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
