/** Runs the real `hearth` entry point (src/main.ts) as a child process, as a user would. */
import { spawn } from "node:child_process";
import { join } from "node:path";

export interface HearthRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export const REPO_ROOT = join(import.meta.dirname, "..", "..", "..");
const MAIN = join(REPO_ROOT, "src", "main.ts");
const TSX_LOADER = import.meta.resolve("tsx");

export interface RunOptions {
  cwd?: string;
  /** Added to the environment; HEARTH_CONFIG is removed from the inherited one unless given here. */
  env?: Record<string, string>;
  /** Written to stdin, which is then closed (default: closed at once). */
  input?: string;
  /** Another entry script instead of src/main.ts (for fixtures that inject a fake app). */
  script?: string;
  /** Called once the process has started, e.g. to send it signals. */
  onStart?: (child: ReturnType<typeof spawn>, output: { stdout: () => string }) => void;
}

export async function runHearth(args: readonly string[], options: RunOptions = {}): Promise<HearthRun> {
  const env: Record<string, string | undefined> = { ...process.env };
  delete env.HEARTH_CONFIG;
  Object.assign(env, options.env);
  const child = spawn(process.execPath, ["--import", TSX_LOADER, options.script ?? MAIN, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(options.input ?? "");
  options.onStart?.(child, { stdout: () => stdout });
  return await new Promise<HearthRun>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** The lines of `text`, without the empty one after the final newline. */
export function lines(text: string): string[] {
  return text.split("\n").filter((line, i, all) => !(line === "" && i === all.length - 1));
}
