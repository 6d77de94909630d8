/**
 * Two Hearth homeservers in this process that share one PostgreSQL test schema and one Redis, as
 * two processes of one deployment do (DESIGN.md "Scaling"), for the specs of what crosses
 * processes over Redis.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startHomeserver, type StartedHomeserver } from "../../src/app.js";
import { generateConfig } from "../../src/config/generate-config.js";
import { loadConfig } from "../../src/config/load-config.js";
import { openDatabase } from "../../src/storage/data-source.js";
import { createLogger } from "../../src/util/logger.js";
import { accountsConfig } from "./accounts.js";
import { closeTestDatabase, openTestDatabase } from "./with-all-databases.js";

export interface SharedHomeservers {
  readonly a: StartedHomeserver;
  readonly b: StartedHomeserver;
  /** `{ baseUrl }` of a server's client listener, for the accounts helpers. */
  base(hs: StartedHomeserver): { baseUrl: string };
  stop(): Promise<void>;
}

/** Needs HEARTH_TEST_POSTGRES_URL (through openTestDatabase) and the Redis URL. */
export async function startSharedHomeservers(serverName: string, redisUrl: string): Promise<SharedHomeservers> {
  const dir = mkdtempSync(join(tmpdir(), "hearth-shared-"));
  const configPath = join(dir, "config.yaml");
  generateConfig({ serverName, outPath: configPath, dataDir: join(dir, "data") });
  const config = loadConfig(configPath);
  accountsConfig(config);
  config.listeners.client = { bind: "127.0.0.1", port: 0 };
  delete config.listeners.federation;
  config.redis = { url: redisUrl };
  const dbA = await openTestDatabase("postgres");
  const opts = dbA.databaseOptions;
  if (opts.engine !== "postgres") throw new Error("expected a PostgreSQL test database");
  const dbB = await openDatabase({ ...opts });
  const logger = createLogger({ level: "silent", format: "pretty" });
  const a = await startHomeserver(config, { logger, database: dbA });
  const b = await startHomeserver(config, { logger, database: dbB });
  return {
    a,
    b,
    base: (hs) => ({ baseUrl: `http://127.0.0.1:${hs.listeners.client.port}` }),
    stop: async () => {
      await a.stop();
      await b.stop();
      await closeTestDatabase(dbA);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
