/**
 * The `hearth` command line. Each command lives in its own file and registers itself here.
 *
 * Exit codes: 0 on success, 1 on any error. Every error is one line on stderr, `hearth: <message>`;
 * unknown commands and options are usage errors (commander's exitOverride) and exit 1 the same way.
 */
import { Command, CommanderError } from "commander";
import { processCliContext, type CliContext } from "./cli-context.js";
import { registerConfigCommands } from "./config-commands.js";
import { registerGenerateConfigCommand } from "./generate-config-command.js";
import { registerMigrateCommand } from "./migrate-command.js";
import { oneLine } from "./one-line.js";
import { registerRegistrationTokenCommands } from "./registration-token-commands.js";
import { registerReportCommands } from "./report-commands.js";
import { registerStartCommand } from "./start-command.js";
import { registerUserCommands } from "./user-commands.js";

/**
 * Runs the command in `argv` (as process.argv: the node binary and script first) and resolves to
 * the exit code. `start` resolves once the server is up; its signal handlers exit the process.
 */
export async function runCli(argv: readonly string[], overrides: Partial<CliContext> = {}): Promise<number> {
  const ctx: CliContext = { ...processCliContext(), ...overrides };
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv, { from: "node" });
    return 0;
  } catch (err) {
    // Commander has already printed its own errors (through outputError below); help exits 0.
    if (err instanceof CommanderError) return err.exitCode;
    ctx.stderr.write(`hearth: ${oneLine(err instanceof Error ? err.message : String(err))}\n`);
    return 1;
  }
}

function buildProgram(ctx: CliContext): Command {
  const program = new Command("hearth")
    .description("Hearth, a Matrix homeserver")
    .option("-c, --config <file>", "config file (default: $HEARTH_CONFIG, else ./config.yaml)")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void ctx.stdout.write(text),
      writeErr: (text) => void ctx.stderr.write(text),
      outputError: (text, write) => write(`hearth: ${oneLine(text.replace(/^error: /, ""))}\n`),
    })
    .configureHelp({ showGlobalOptions: true });
  registerStartCommand(program, ctx);
  registerGenerateConfigCommand(program, ctx);
  registerConfigCommands(program, ctx);
  registerMigrateCommand(program, ctx);
  registerUserCommands(program, ctx);
  registerRegistrationTokenCommands(program, ctx);
  registerReportCommands(program, ctx);
  return program;
}
