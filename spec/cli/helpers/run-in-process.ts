/** Runs `hearth` commands in this process with captured output and an injectable app. */
import { PassThrough } from "node:stream";
import type { CliContext, CliInput } from "../../../src/cli/cli-context.js";
import { runCli } from "../../../src/cli/index.js";

export class CapturedOutput {
  text = "";
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

export interface InProcessRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** A stdin that holds `text` and then ends, like a pipe. */
export function pipedInput(text: string): CliInput {
  const stream = new PassThrough();
  stream.end(text);
  return stream;
}

export async function runInProcess(args: readonly string[], overrides: Partial<CliContext> = {}): Promise<InProcessRun> {
  const stdout = new CapturedOutput();
  const stderr = new CapturedOutput();
  const code = await runCli(["node", "hearth", ...args], {
    stdout,
    stderr,
    stdin: pipedInput(""),
    env: {},
    loadApp: async () => {
      throw new Error("this test gave no app");
    },
    onSignal: () => {
      throw new Error("this test expected no signal handlers");
    },
    exit: (exitCode) => {
      throw new Error(`unexpected exit(${exitCode})`);
    },
    ...overrides,
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
