/**
 * `hearth generate-config --server-name NAME [--out FILE] [--data-dir DIR] [--client-port N]
 * [--federation-port N]`: writes a commented config file, a signing key, a self-signed TLS pair
 * and a registration shared secret (src/config/generate-config.ts). Never overwrites a config.
 */
import type { Command } from "commander";
import { DEFAULT_CLIENT_PORT, DEFAULT_FEDERATION_PORT } from "../config/config-defaults.js";
import { generateConfig } from "../config/generate-config.js";
import { configPathOf, type CliContext } from "./cli-context.js";
import { displayPath } from "./display-path.js";
import { parsePort } from "./parse-port.js";

interface GenerateConfigOptions {
  serverName: string;
  out?: string;
  dataDir?: string;
  clientPort: number;
  federationPort: number;
}

export function registerGenerateConfigCommand(program: Command, ctx: CliContext): void {
  program
    .command("generate-config")
    .description("write a new config file, signing key and self-signed TLS certificate")
    .requiredOption("--server-name <name>", "the server name (the part after the colon in user IDs)")
    .option("--out <file>", "config file to write (default: --config, else $HEARTH_CONFIG, else ./config.yaml)")
    .option("--data-dir <dir>", "directory for the keys, database and media (default: data next to the config file)")
    .option("--client-port <port>", "client API port", parsePort, DEFAULT_CLIENT_PORT)
    .option("--federation-port <port>", "federation API port", parsePort, DEFAULT_FEDERATION_PORT)
    .action((options: GenerateConfigOptions, command: Command) => {
      const outPath = options.out ?? configPathOf(command, ctx);
      const generated = generateConfig({
        serverName: options.serverName,
        outPath,
        dataDir: options.dataDir,
        clientPort: options.clientPort,
        federationPort: options.federationPort,
      });
      for (const path of generated.created) ctx.stdout.write(`wrote ${displayPath(path)}\n`);
      for (const path of generated.kept) ctx.stdout.write(`kept existing ${displayPath(path)}\n`);
      ctx.stdout.write(`Start the server with: hearth start --config ${displayPath(generated.configPath)}\n`);
    });
}
