import { expect } from "chai";
import { lines, runHearth } from "./helpers/run-hearth.js";
import { runInProcess } from "./helpers/run-in-process.js";

describe("runCli", () => {
  it("exits 1 with one usage line for an unknown command (child process)", async () => {
    const run = await runHearth(["strat"]);
    expect(run.code).to.equal(1);
    expect(lines(run.stderr)).to.deep.equal(["hearth: unknown command 'strat' (Did you mean start?)"]);
  });

  it("exits 1 with one usage line for an unknown option", async () => {
    expect(await runInProcess(["config", "validate", "--verbose"]))
      .to.deep.equal({ code: 1, stdout: "", stderr: "hearth: unknown option '--verbose'\n" });
  });

  it("exits 1 for a missing argument, a missing required option and excess arguments", async () => {
    expect(await runInProcess(["config", "get"])).to.deep.equal({ code: 1, stdout: "", stderr: "hearth: missing required argument 'key'\n" });
    expect((await runInProcess(["generate-config"])).stderr).to.equal("hearth: required option '--server-name <name>' not specified\n");
    const excess = await runInProcess(["config", "validate", "extra"]);
    expect(excess.code).to.equal(1);
    expect(lines(excess.stderr)).to.have.length(1);
  });

  it("prints help on stdout and exits 0 for --help", async () => {
    const run = await runInProcess(["--help"]);
    expect(run.code).to.equal(0);
    expect(run.stdout).to.include("Usage: hearth").and.to.include("generate-config");
    const sub = await runInProcess(["user", "add", "--help"]);
    expect(sub.code).to.equal(0);
    expect(sub.stdout).to.include("--admin").and.to.include("--config");
  });

  it("exits 1 with usage on stderr when no command is given", async () => {
    const run = await runInProcess([]);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.include("Usage: hearth");
  });

  it("turns an error from a command into one line on stderr and exit code 1", async () => {
    const run = await runInProcess(["user", "list", "--config", "/nonexistent/hearth.yaml"]);
    expect(run).to.deep.equal({ code: 1, stdout: "", stderr: "hearth: /nonexistent/hearth.yaml: file not found\n" });
  });
});
