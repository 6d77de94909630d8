import { PassThrough } from "node:stream";
import { expect } from "chai";
import type { CliInput } from "../../src/cli/cli-context.js";
import { PasswordInputError, readHiddenLine, readLine, readPassword } from "../../src/cli/read-password.js";
import { CapturedOutput } from "./helpers/run-in-process.js";

/** A fake terminal: chunks are typed one event-loop turn apart. */
function terminal(...chunks: string[]): PassThrough & CliInput & { rawModes: boolean[] } {
  const tty = new PassThrough() as PassThrough & CliInput & { rawModes: boolean[] };
  tty.isTTY = true;
  tty.rawModes = [];
  tty.setRawMode = (mode: boolean) => tty.rawModes.push(mode);
  const typeNext = (i: number): void => {
    if (i >= chunks.length) return;
    tty.write(chunks[i] as string);
    setImmediate(() => typeNext(i + 1));
  };
  setImmediate(() => typeNext(0));
  return tty;
}

function pipe(text: string | null): CliInput {
  const stream = new PassThrough();
  if (text === null) stream.end();
  else stream.end(text);
  return stream;
}

describe("readPassword", () => {
  it("reads a typed line in raw mode without echoing it", async () => {
    const tty = terminal("hun", "ter2\r");
    const prompts = new CapturedOutput();
    expect(await readHiddenLine(tty, prompts, "Password: ")).to.equal("hunter2");
    expect(prompts.text).to.equal("Password: \n");
    expect(tty.rawModes).to.deep.equal([true, false]);
  });

  it("handles backspace and drops escape sequences", async () => {
    expect(await readHiddenLine(terminal("abx\u007fc", "\u001b[D", "d\n"), new CapturedOutput(), "")).to.equal("abcd");
  });

  it("cancels on Ctrl-C and leaves raw mode", async () => {
    const tty = terminal("abc\u0003");
    let error: unknown;
    try {
      await readHiddenLine(tty, new CapturedOutput(), "");
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(PasswordInputError);
    expect((error as Error).message).to.equal("cancelled");
    expect(tty.rawModes).to.deep.equal([true, false]);
  });

  it("asks twice at a terminal and refuses a mismatch", async () => {
    expect(await readPassword(terminal("pw\r", "pw\r"), new CapturedOutput())).to.equal("pw");
    let error: unknown;
    try {
      await readPassword(terminal("pw\r", "wp\r"), new CapturedOutput());
    } catch (err) {
      error = err;
    }
    expect((error as Error).message).to.equal("passwords do not match");
  });

  it("takes an empty typed password as none, without asking again", async () => {
    const prompts = new CapturedOutput();
    expect(await readPassword(terminal("\r"), prompts)).to.equal(null);
    expect(prompts.text).to.equal("Password: \n");
  });

  it("reads the first line of piped input, or null when there is none", async () => {
    expect(await readPassword(pipe("first\nsecond\n"), new CapturedOutput())).to.equal("first");
    expect(await readPassword(pipe(""), new CapturedOutput())).to.equal(null);
    expect(await readPassword(pipe("\n"), new CapturedOutput())).to.equal(null);
  });

  describe("readLine", () => {
    it("strips CRLF and takes a last line without a newline", async () => {
      expect(await readLine(pipe("a b\r\n"))).to.equal("a b");
      expect(await readLine(pipe("tail"))).to.equal("tail");
      expect(await readLine(pipe(null))).to.equal(null);
    });
  });
});
