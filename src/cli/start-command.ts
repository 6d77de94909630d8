/**
 * `hearth start [--config FILE]`: runs the homeserver. A missing config file is generated first
 * (server name localhost, client port 8008, federation port 8448, data next to the config file),
 * so a first run needs no setup. SIGINT or SIGTERM stops the server gracefully and exits 0 (1 if
 * stopping fails); a second signal exits 1 at once.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { DEFAULT_CLIENT_PORT, DEFAULT_FEDERATION_PORT } from "../config/config-defaults.js";
import { generateConfig } from "../config/generate-config.js";
import { loadConfig } from "../config/load-config.js";
import { configPathOf, type CliContext } from "./cli-context.js";
import { displayPath } from "./display-path.js";
import type { RunningHomeserver } from "./cli-services.js";
import { oneLine } from "./one-line.js";

export const FIRST_RUN_SERVER_NAME = "localhost";

export function registerStartCommand(program: Command, ctx: CliContext): void {
  program
    .command("start")
    .description("start the homeserver (writing a config file first if there is none)")
    .action(async (_options: unknown, command: Command) => {
      const configPath = configPathOf(command, ctx);
      if (!existsSync(configPath)) {
        const generated = generateConfig({
          serverName: FIRST_RUN_SERVER_NAME,
          outPath: configPath,
          clientPort: DEFAULT_CLIENT_PORT,
          federationPort: DEFAULT_FEDERATION_PORT,
        });
        const dataDir = displayPath(generated.dataDir);
        ctx.stdout.write(
          `No config file at ${configPath}: generated one for server name "${FIRST_RUN_SERVER_NAME}" ` +
            `(client port ${DEFAULT_CLIENT_PORT}, federation port ${DEFAULT_FEDERATION_PORT}, data in ${dataDir}).\n`,
        );
      }
      const config = loadConfig(configPath);
      const app = await ctx.loadApp();
      // Signals are handled from the moment start-up begins: the client listener may answer
      // before the federation listener is up, and a signal then must still stop cleanly.
      const server = app.startHomeserver(config, { configPath: resolve(configPath) });
      stopOnSignals(server, ctx);
      await server;
      ctx.serverStarted();
    });
}

function stopOnSignals(starting: Promise<RunningHomeserver>, ctx: CliContext): void {
  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) {
      ctx.stderr.write(`hearth: ${signal} again: exiting without waiting\n`);
      ctx.exit(1);
      return;
    }
    stopping = true;
    ctx.stdout.write(`${signal} received: stopping (send it again to exit at once)\n`);
    try {
      const server = await starting;
      await server.stop();
    } catch (err) {
      ctx.stderr.write(`hearth: stopping failed: ${oneLine((err as Error).message)}\n`);
      ctx.exit(1);
      return;
    }
    ctx.exit(0);
  };
  ctx.onSignal("SIGINT", () => void shutdown("SIGINT"));
  ctx.onSignal("SIGTERM", () => void shutdown("SIGTERM"));
}
