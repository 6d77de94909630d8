/**
 * The homeserver of bench/sync.bench.ts's delivery benchmark, in its own process (as a real
 * deployment has it: the clients' work does not share its event loop). Started as
 * `node --import tsx bench/sync-bench-server.ts <sqlite|postgres>`; prints `{"port": N}` on
 * stdout once listening; stops and drops its scratch database on SIGTERM.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { startHomeserver } from "../src/app.js";
import { generateConfig } from "../src/config/generate-config.js";
import { loadConfig } from "../src/config/load-config.js";
import { openDatabase, type HearthDataSource } from "../src/storage/data-source.js";
import { createLogger } from "../src/util/logger.js";

async function main(): Promise<void> {
  const engine = process.argv[2] === "postgres" ? "postgres" : "sqlite";
  const dir = mkdtempSync(join(tmpdir(), "hearth-sync-bench-hs-"));
  const configPath = join(dir, "config.yaml");
  generateConfig({ serverName: "bench.test", outPath: configPath, dataDir: join(dir, "data") });
  const config = loadConfig(configPath);
  config.listeners.client = { bind: "127.0.0.1", port: 0 };
  delete config.listeners.federation;
  config.registration.enabled = true;
  config.password_hashing.scrypt_log_n = 1;
  config.rate_limits.enabled = false;
  let db: HearthDataSource;
  let drop = async (): Promise<void> => {};
  if (engine === "sqlite") {
    db = await openDatabase({ engine: "sqlite", path: join(dir, "bench.sqlite") });
  } else {
    const url = process.env.HEARTH_TEST_POSTGRES_URL!;
    const schema = `hearth_sync_bench_${process.pid}`;
    db = await openDatabase({ engine: "postgres", url, schema, poolSize: 10 });
    drop = async () => {
      const pool = new pg.Pool({ connectionString: url, max: 1 });
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    };
  }
  const started = await startHomeserver(config, { configPath, database: db, logger: createLogger({ level: "silent", format: "json" }) });
  process.stdout.write(`${JSON.stringify({ port: started.listeners.client.port })}\n`);
  process.once("SIGTERM", () => {
    void (async () => {
      await started.stop();
      await drop();
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    })();
  });
}

await main();
