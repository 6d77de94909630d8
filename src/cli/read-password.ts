/**
 * Where `hearth user add/reset-password` get a password when --password is not given: typed at a
 * terminal without echo (twice, to catch typos), else the first line of piped standard input,
 * else null (nothing to read), and the caller generates one.
 */
import type { CliInput, CliOutput } from "./cli-context.js";

const CTRL_C = "\u0003";
const CTRL_D = "\u0004";
const ESCAPE = "\u001b";
const BACKSPACE = "\u007f";

export class PasswordInputError extends Error {
  override readonly name = "PasswordInputError";
}

/** The password from the terminal or stdin, or null when stdin has nothing (an empty line counts as nothing). */
export async function readPassword(input: CliInput, prompts: CliOutput): Promise<string | null> {
  if (input.isTTY === true && input.setRawMode !== undefined) {
    const first = await readHiddenLine(input, prompts, "Password: ");
    if (first === "") return null;
    const second = await readHiddenLine(input, prompts, "Confirm password: ");
    if (first !== second) throw new PasswordInputError("passwords do not match");
    return first;
  }
  const line = await readLine(input);
  return line === null || line === "" ? null : line;
}

/** One line typed at a terminal in raw mode, echoing nothing. Ctrl-C cancels. */
export async function readHiddenLine(input: CliInput, prompts: CliOutput, prompt: string): Promise<string> {
  prompts.write(prompt);
  input.setRawMode?.(true);
  input.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let value = "";
      const finish = (result: string | Error): void => {
        input.off("data", onData);
        input.off("end", onEnd);
        prompts.write("\n");
        if (result instanceof Error) reject(result);
        else resolve(result);
      };
      const onEnd = (): void => finish(value);
      const onData = (chunk: Buffer | string): void => {
        for (const ch of chunk.toString()) {
          if (ch === "\r" || ch === "\n" || ch === CTRL_D) return finish(value);
          if (ch === CTRL_C) return finish(new PasswordInputError("cancelled"));
          // An escape sequence (arrow keys and the like) arrives in one chunk: drop the rest of it.
          if (ch === ESCAPE) break;
          if (ch === BACKSPACE || ch === "\b") value = Array.from(value).slice(0, -1).join("");
          else if (ch >= " ") value += ch;
        }
      };
      input.on("data", onData);
      input.on("end", onEnd);
    });
  } finally {
    input.setRawMode?.(false);
    input.pause();
  }
}

/** The first line of a non-terminal stream (without its line ending), or null if it ends empty. */
export async function readLine(input: CliInput): Promise<string | null> {
  input.resume();
  try {
    return await new Promise<string | null>((resolve, reject) => {
      let buffered = "";
      const done = (result: string | null | Error): void => {
        input.off("data", onData);
        input.off("end", onEnd);
        input.off("error", onError);
        if (result instanceof Error) reject(result);
        else resolve(result);
      };
      const onData = (chunk: Buffer | string): void => {
        buffered += chunk.toString();
        const newline = buffered.indexOf("\n");
        if (newline >= 0) done(buffered.slice(0, newline).replace(/\r$/, ""));
      };
      const onEnd = (): void => done(buffered === "" ? null : buffered.replace(/\r$/, ""));
      const onError = (err: Error): void => done(err);
      input.on("data", onData);
      input.on("end", onEnd);
      input.on("error", onError);
    });
  } finally {
    input.pause();
  }
}
