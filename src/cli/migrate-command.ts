/** `hearth migrate`: brings the database schema up to date. */
import type { Command } from "commander";
import { loadConfig } from "../config/load-config.js";
import { configPathOf, type CliContext } from "./cli-context.js";
import { withCliServices } from "./with-cli-services.js";

export function registerMigrateCommand(program: Command, ctx: CliContext): void {
  program
    .command("migrate")
    .description("apply pending database migrations")
    .action(async (_options: unknown, command: Command) => {
      const config = loadConfig(configPathOf(command, ctx));
      const applied = await withCliServices(config, ctx, async (services) => await services.migrate());
      if (applied.length === 0) {
        ctx.stdout.write("database is up to date\n");
        return;
      }
      ctx.stdout.write(`applied ${applied.length} migration${applied.length === 1 ? "" : "s"}:\n`);
      for (const name of applied) ctx.stdout.write(`  ${name}\n`);
    });
}
