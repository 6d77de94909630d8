/**
 * Everything the CLI touches outside itself, so tests can run commands in-process with their own
 * streams, environment, app and signals. `processCliContext()` is the real one.
 */
import type { Command } from "commander";
import type { AppEntry } from "./cli-services.js";

export interface CliInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

export interface CliOutput {
  write(text: string): unknown;
}

export interface CliContext {
  stdout: CliOutput;
  stderr: CliOutput;
  stdin: CliInput;
  env: Readonly<Record<string, string | undefined>>;
  /** Loads src/app.ts (lazily: only `start`, `migrate` and `user` need it). */
  loadApp(): Promise<AppEntry>;
  onSignal(signal: "SIGINT" | "SIGTERM", handler: () => void): void;
  exit(code: number): void;
  /** `start` calls it once the server listens (main.ts ends the start-up heap sizing there). */
  serverStarted(): void;
}

/** The real process: src/app.ts is imported lazily, so config commands never load storage or HTTP. */
export function processCliContext(): CliContext {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    loadApp: async () => await import("../app.js"),
    onSignal: (signal, handler) => {
      process.on(signal, handler);
    },
    exit: (code) => process.exit(code),
    serverStarted: () => {},
  };
}

/** The config file a command works on: --config, else $HEARTH_CONFIG, else ./config.yaml. */
export function configPathOf(command: Command, ctx: CliContext): string {
  const option = command.optsWithGlobals<{ config?: string }>().config;
  if (option !== undefined) return option;
  const fromEnv = ctx.env.HEARTH_CONFIG;
  return fromEnv !== undefined && fromEnv !== "" ? fromEnv : "config.yaml";
}
