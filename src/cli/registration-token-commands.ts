/**
 * `hearth registration-token create [--token T] [--uses N] [--expires WHEN] [--length L]`,
 * `hearth registration-token list` and `hearth registration-token revoke TOKEN`: the tokens of
 * token-authenticated registration (config `registration.require_token`, MSC3231).
 *
 * WHEN is an ISO 8601 date-time (`2030-01-31T12:00:00Z`) or milliseconds since the epoch. `list`
 * prints one token per line, tab-separated: the token, its state (`valid`, `expired` or
 * `used up`), uses as completed/allowed (`∞` when unlimited), pending uses, and the expiry.
 */
import { InvalidArgumentError, type Command } from "commander";
import { loadConfig } from "../config/load-config.js";
import { configPathOf, type CliContext } from "./cli-context.js";
import type { CliRegistrationToken } from "./cli-services.js";
import { withCliServices } from "./with-cli-services.js";

interface CreateOptions {
  token?: string;
  uses?: number;
  expires?: number;
  length?: number;
}

export function registerRegistrationTokenCommands(program: Command, ctx: CliContext): void {
  const tokens = program.command("registration-token").description("manage registration tokens (registration.require_token)");

  tokens
    .command("create")
    .description("create a registration token and print it")
    .option("--token <token>", "the token (default: 16 random letters and digits)")
    .option("--uses <n>", "how many registrations it allows (default: unlimited)", parseCount)
    .option("--expires <when>", "when it stops working: ISO 8601 date-time or milliseconds since the epoch (default: never)", parseTime)
    .option("--length <n>", "length of a generated token, 1 to 64", parseCount)
    .action(async (options: CreateOptions, command: Command) => {
      const config = loadConfig(configPathOf(command, ctx));
      const created = await withCliServices(config, ctx, async (services) =>
        services.createRegistrationToken({
          token: options.token,
          usesAllowed: options.uses ?? null,
          expiryTime: options.expires ?? null,
          length: options.length,
        }),
      );
      ctx.stdout.write(`created registration token ${created.token} (uses: ${created.usesAllowed ?? "unlimited"}, expires: ${expiry(created)})\n`);
    });

  tokens
    .command("list")
    .description("list registration tokens: token, state, uses completed/allowed, pending, expiry")
    .action(async (_options: unknown, command: Command) => {
      const config = loadConfig(configPathOf(command, ctx));
      const rows = await withCliServices(config, ctx, async (services) => services.listRegistrationTokens());
      const now = Date.now();
      for (const row of rows) {
        const uses = `${row.completed}/${row.usesAllowed ?? "∞"}`;
        ctx.stdout.write(`${row.token}\t${state(row, now)}\t${uses}\tpending ${row.pending}\texpires ${expiry(row)}\n`);
      }
    });

  tokens
    .command("revoke")
    .description("delete a registration token; registrations already past it still finish")
    .argument("<token>", "the token")
    .action(async (token: string, _options: unknown, command: Command) => {
      const config = loadConfig(configPathOf(command, ctx));
      const existed = await withCliServices(config, ctx, async (services) => services.revokeRegistrationToken(token));
      if (!existed) throw new Error(`no registration token ${token}`);
      ctx.stdout.write(`revoked registration token ${token}\n`);
    });
}

function parseCount(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError("Expected a whole number.");
  return Number(value);
}

function parseTime(value: string): number {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isSafeInteger(ms)) throw new InvalidArgumentError("Expected an ISO 8601 date-time or milliseconds since the epoch.");
  return ms;
}

function expiry(row: CliRegistrationToken): string {
  return row.expiryTime === null ? "never" : new Date(row.expiryTime).toISOString();
}

function state(row: CliRegistrationToken, now: number): string {
  if (row.expiryTime !== null && row.expiryTime <= now) return "expired";
  if (row.usesAllowed !== null && row.pending + row.completed >= row.usesAllowed) return "used up";
  return "valid";
}
