import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { expect } from "chai";
import { runHearth } from "./cli/helpers/run-hearth.js";

const PROBE = pathToFileURL(join(import.meta.dirname, "cli", "fixtures", "young-generation-probe.mjs")).href;
const MIB = 1024 * 1024;

/** Runs `hearth --help` with the young-generation probe and returns its capacity at exit. */
async function youngGenerationOfHelp(env: Record<string, string> = {}): Promise<number> {
  const run = await runHearth(["--help"], { env: { ...env, NODE_OPTIONS: `--import=${PROBE}`, YOUNG_GENERATION_PROBE: "1" } });
  expect(run.code).to.equal(0);
  const reported = /young generation (\d+)/.exec(run.stderr);
  expect(reported, run.stderr).to.not.equal(null);
  return Number(reported![1]);
}

describe("main (the hearth entry point)", function () {
  this.timeout(60_000);

  it("sizes the heap before the CLI runs: small while starting by default, V8's own with HEARTH_HEAP=fast", async () => {
    const [balanced, fast] = await Promise.all([youngGenerationOfHelp(), youngGenerationOfHelp({ HEARTH_HEAP: "fast" })]);
    // --help never starts a server, so the start-up sizing is still in force at exit. (Under tsx,
    // compiling this entry point may grow the young generation once before main.ts runs.)
    expect(balanced).to.be.at.most(4 * MIB);
    expect(fast).to.be.greaterThan(8 * MIB);
  });

  it("refuses an unknown HEARTH_HEAP with one line and exit code 1", async () => {
    const run = await runHearth(["--help"], { env: { HEARTH_HEAP: "huge" } });
    expect(run.code).to.equal(1);
    expect(run.stdout).to.equal("");
    expect(run.stderr).to.equal('hearth: HEARTH_HEAP must be one of balanced, small, fast (got "huge")\n');
  });
});
