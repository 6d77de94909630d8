/**
 * `hearth user add NAME [--password P] [--admin]`, `hearth user list`, `hearth user deactivate NAME`
 * and `hearth user reset-password NAME [--password P]`. NAME is a localpart (`alice`) or a user ID
 * of this server (`@alice:example.org`).
 *
 * Without --password the password is typed at the terminal (no echo), else read as the first line
 * of standard input, else generated and printed.
 */
import type { Command } from "commander";
import type { Config } from "../config/config.js";
import { loadConfig } from "../config/load-config.js";
import { randomString } from "../crypto/random-string.js";
import { configPathOf, type CliContext } from "./cli-context.js";
import { readPassword } from "./read-password.js";
import { withCliServices } from "./with-cli-services.js";

const GENERATED_PASSWORD_LENGTH = 24;

export class UserCommandError extends Error {
  override readonly name = "UserCommandError";
}

interface PasswordOptions {
  password?: string;
}

export function registerUserCommands(program: Command, ctx: CliContext): void {
  const user = program.command("user").description("manage local user accounts");
  const passwordHelp = "the password (visible to other local users in the process list: prefer the prompt or stdin)";

  user
    .command("add")
    .description("create a user")
    .argument("<name>", "localpart or user ID")
    .option("--password <password>", passwordHelp)
    .option("--admin", "make the user a server admin", false)
    .action(async (name: string, options: PasswordOptions & { admin: boolean }, command: Command) => {
      const config = loadConfig(configPathOf(command, ctx));
      const localpart = toLocalpart(name, config);
      const { password, generated } = await obtainPassword(options, ctx);
      const userId = await withCliServices(config, ctx, async (services) => await services.addUser(localpart, password, options.admin));
      ctx.stdout.write(`created ${userId}${options.admin ? " (admin)" : ""}\n`);
      if (generated) ctx.stdout.write(`password: ${password}\n`);
    });

  user
    .command("list")
    .description("list local users: user ID, then admin and/or deactivated where they apply")
    .action(async (_options: unknown, command: Command) => {
      const config = loadConfig(configPathOf(command, ctx));
      const users = await withCliServices(config, ctx, async (services) => await services.listUsers());
      for (const entry of users) {
        const flags = [entry.admin ? "admin" : "", entry.deactivated ? "deactivated" : ""].filter((flag) => flag !== "");
        ctx.stdout.write(flags.length === 0 ? `${entry.userId}\n` : `${entry.userId}\t${flags.join(" ")}\n`);
      }
    });

  user
    .command("deactivate")
    .description("deactivate a user: they can no longer log in, and leave their rooms")
    .argument("<name>", "localpart or user ID")
    .action(async (name: string, _options: unknown, command: Command) => {
      const config = loadConfig(configPathOf(command, ctx));
      const localpart = toLocalpart(name, config);
      await withCliServices(config, ctx, async (services) => await services.deactivateUser(localpart));
      ctx.stdout.write(`deactivated ${userIdOf(localpart, config)}\n`);
    });

  user
    .command("reset-password")
    .description("set a new password for a user")
    .argument("<name>", "localpart or user ID")
    .option("--password <password>", passwordHelp)
    .action(async (name: string, options: PasswordOptions, command: Command) => {
      const config = loadConfig(configPathOf(command, ctx));
      const localpart = toLocalpart(name, config);
      const { password, generated } = await obtainPassword(options, ctx);
      await withCliServices(config, ctx, async (services) => await services.resetPassword(localpart, password));
      ctx.stdout.write(`changed the password of ${userIdOf(localpart, config)}\n`);
      if (generated) ctx.stdout.write(`password: ${password}\n`);
    });
}

/** "alice" → "alice"; "@alice:example.org" → "alice" when example.org is this server. */
export function toLocalpart(name: string, config: Config): string {
  if (!name.startsWith("@")) {
    if (name === "" || name.includes(":")) throw new UserCommandError(`invalid user name ${JSON.stringify(name)}: give a localpart or @localpart:${config.server_name}`);
    return name;
  }
  const colon = name.indexOf(":");
  const localpart = colon < 0 ? "" : name.slice(1, colon);
  if (localpart === "") throw new UserCommandError(`invalid user ID ${JSON.stringify(name)}: expected @localpart:${config.server_name}`);
  const server = name.slice(colon + 1);
  if (server !== config.server_name) {
    throw new UserCommandError(`${name} is not a user of this server (${config.server_name})`);
  }
  return localpart;
}

function userIdOf(localpart: string, config: Config): string {
  return `@${localpart}:${config.server_name}`;
}

async function obtainPassword(options: PasswordOptions, ctx: CliContext): Promise<{ password: string; generated: boolean }> {
  if (options.password !== undefined) {
    if (options.password === "") throw new UserCommandError("--password must not be empty");
    return { password: options.password, generated: false };
  }
  const typed = await readPassword(ctx.stdin, ctx.stderr);
  if (typed !== null) return { password: typed, generated: false };
  return { password: randomString(GENERATED_PASSWORD_LENGTH), generated: true };
}
