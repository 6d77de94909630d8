/**
 * `hearth config get KEY`, `hearth config set KEY VALUE` and `hearth config validate`, on the file
 * chosen by --config / $HEARTH_CONFIG / ./config.yaml.
 *
 * `get` prints the value in effect (defaults filled in, paths made absolute): scalars as they are,
 * lists and mappings as YAML. `set` reads VALUE as YAML, keeps the file's comments and layout, and
 * writes nothing unless the result passes every check of `validate`. `validate` also reads the
 * application service registration files the config lists (`hearth start` refuses them too).
 */
import { realpathSync, renameSync, statSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { stringify } from "yaml";
import { getConfigValue } from "../config/config-key-path.js";
import { loadConfig, readConfigFile } from "../config/load-config.js";
import { setConfigKey } from "../config/set-config-key.js";
import { loadAppserviceRegistrations } from "../services/appservices/load-appservice-registrations.js";
import { configPathOf, type CliContext } from "./cli-context.js";

export function registerConfigCommands(program: Command, ctx: CliContext): void {
  const config = program.command("config").description("read, change or check the config file");

  config
    .command("get")
    .description("print the value in effect for a key (e.g. listeners.client.port)")
    .argument("<key>", "dotted key path")
    .action((key: string, _options: unknown, command: Command) => {
      const path = configPathOf(command, ctx);
      ctx.stdout.write(formatValue(getConfigValue(loadConfig(path), path, key)));
    });

  config
    .command("set")
    .description("set a key to a YAML value, keeping comments; refuses values that do not validate")
    .argument("<key>", "dotted key path")
    .argument("<value>", "YAML value: 8009 is a number, true a boolean, [a, b] a list")
    .action((key: string, value: string, _options: unknown, command: Command) => {
      const path = configPathOf(command, ctx);
      writeFileAtomically(path, setConfigKey(readConfigFile(path), path, key, value));
      ctx.stdout.write(`${path}: set ${key}\n`);
    });

  config
    .command("validate")
    .description("check the config file and say what is wrong with it, if anything")
    .action((_options: unknown, command: Command) => {
      const path = configPathOf(command, ctx);
      const loaded = loadConfig(path);
      loadAppserviceRegistrations(loaded.appservice.config_files, loaded.server_name);
      ctx.stdout.write(`${path} is valid\n`);
    });
}

function formatValue(value: unknown): string {
  if (value !== null && typeof value === "object") return stringify(value);
  return `${String(value)}\n`;
}

/** Replaces the file (through any symlink) in one rename, keeping its permissions. */
function writeFileAtomically(path: string, text: string): void {
  const target = realpathSync(path);
  const temporary = `${target}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: statSync(target).mode & 0o777, flag: "wx" });
  renameSync(temporary, target);
}
