/**
 * A real Hearth homeserver in this process (Synapse HomeserverTestCase style): generated config in a
 * temp dir, a fresh database on the engine under test, the client listener on an ephemeral
 * loopback port, and the federation listener (HTTPS, self-signed) when asked for.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startHomeserver, type StartedHomeserver } from "../../src/app.js";
import type { Config } from "../../src/config/config.js";
import { generateConfig } from "../../src/config/generate-config.js";
import { loadConfig } from "../../src/config/load-config.js";
import { createLogger } from "../../src/util/logger.js";
import { closeTestDatabase, openTestDatabase, type Engine } from "./with-all-databases.js";

export interface TestHomeserver extends StartedHomeserver {
  readonly config: Config;
  /** `http://127.0.0.1:<port>` of the client listener. */
  readonly baseUrl: string;
  /** `https://127.0.0.1:<port>` of the federation listener, when started with one. */
  readonly federationUrl: string | null;
  readonly dataDir: string;
}

export interface TestHomeserverOptions {
  engine?: Engine;
  serverName?: string;
  federation?: boolean;
  /** Changes applied to the loaded config before start. */
  configure?: (config: Config) => void;
}

export async function startTestHomeserver(opts: TestHomeserverOptions = {}): Promise<TestHomeserver> {
  const dir = mkdtempSync(join(tmpdir(), "hearth-hs-"));
  const configPath = join(dir, "config.yaml");
  generateConfig({ serverName: opts.serverName ?? "localhost", outPath: configPath, dataDir: join(dir, "data") });
  const config = loadConfig(configPath);
  config.listeners.client = { bind: "127.0.0.1", port: 0 };
  if (opts.federation && config.listeners.federation) {
    config.listeners.federation = { ...config.listeners.federation, bind: "127.0.0.1", port: 0 };
  } else {
    delete config.listeners.federation;
  }
  opts.configure?.(config);
  const database = await openTestDatabase(opts.engine ?? "sqlite");
  const logger = createLogger({ level: process.env.HEARTH_TEST_LOG_LEVEL === undefined ? "silent" : (process.env.HEARTH_TEST_LOG_LEVEL as "info"), format: "pretty" });
  let started: StartedHomeserver;
  try {
    started = await startHomeserver(config, { configPath, logger, database });
  } catch (err) {
    await closeTestDatabase(database);
    throw err;
  }
  const fed = started.listeners.federation;
  return {
    ...started,
    config,
    dataDir: dir,
    baseUrl: `http://127.0.0.1:${started.listeners.client.port}`,
    federationUrl: fed ? `https://127.0.0.1:${fed.port}` : null,
    stop: async () => {
      await started.stop();
      await closeTestDatabase(database); // drops the PostgreSQL schema; the connection is already closed
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
