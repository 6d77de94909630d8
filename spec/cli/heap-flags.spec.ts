import { execFile } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { expect } from "chai";
import { HEAP_ENV, heapModeOf, heapSizing } from "../../src/cli/heap-flags.js";

const PROBE = pathToFileURL(join(import.meta.dirname, "fixtures", "young-generation-probe.mjs")).href;
const MIB = 1024 * 1024;

/** The young generation's capacity after allocating with many survivors, in a fresh node with `flags` set at run time. */
async function youngGenerationAfterChurn(flags: readonly string[]): Promise<number> {
  const script = [
    `import { setFlagsFromString } from "node:v8";`,
    `for (const flag of ${JSON.stringify(flags)}) setFlagsFromString(flag);`,
    `const { churn } = await import(${JSON.stringify(PROBE)});`,
    `process.stdout.write(String(churn()));`,
  ].join("\n");
  const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script]);
  return Number(stdout);
}

describe("heap flags", () => {
  describe("heapModeOf", () => {
    it("is balanced by default, and takes small or fast from HEARTH_HEAP", () => {
      expect(heapModeOf({})).to.equal("balanced");
      expect(heapModeOf({ [HEAP_ENV]: "" })).to.equal("balanced");
      expect(heapModeOf({ [HEAP_ENV]: "small" })).to.equal("small");
      expect(heapModeOf({ [HEAP_ENV]: "fast" })).to.equal("fast");
    });

    it("refuses any other value, naming the variable and the choices", () => {
      expect(() => heapModeOf({ [HEAP_ENV]: "tiny" })).to.throw('HEARTH_HEAP must be one of balanced, small, fast (got "tiny")');
    });
  });

  describe("heapSizing", () => {
    it("balanced: a young generation that does not grow and a tight old generation while starting, V8's own sizing once started", () => {
      expect(heapSizing("balanced", "")).to.deep.equal({
        atStart: ["--semi-space-growth-factor=1", "--heap-growing-percent=25"],
        onceStarted: ["--semi-space-growth-factor=2", "--heap-growing-percent=0"],
      });
    });

    it("small: the same sizing throughout; fast: none", () => {
      expect(heapSizing("small", "")).to.deep.equal({ atStart: ["--semi-space-growth-factor=1", "--heap-growing-percent=25"], onceStarted: [] });
      expect(heapSizing("fast", "")).to.deep.equal({ atStart: [], onceStarted: [] });
    });

    it("leaves alone what node was started with", () => {
      expect(heapSizing("small", "--max-semi-space-size=4")).to.deep.equal({ atStart: ["--heap-growing-percent=25"], onceStarted: [] });
      expect(heapSizing("balanced", "--import tsx --max_semi_space_size=8 --heap-growing-percent=50")).to.deep.equal({ atStart: [], onceStarted: [] });
      expect(heapSizing("balanced", "--semi-space-growth-factor=4")).to.deep.equal({
        atStart: ["--heap-growing-percent=25"],
        onceStarted: ["--heap-growing-percent=0"],
      });
    });
  });

  describe("on this Node's V8", function () {
    this.timeout(30_000);

    it("the start-up flags keep the young generation at its initial size; V8 alone grows it", async () => {
      const [unsized, small] = await Promise.all([youngGenerationAfterChurn([]), youngGenerationAfterChurn(heapSizing("small", "").atStart)]);
      expect(unsized, "V8's own sizing grows it").to.be.greaterThan(4 * MIB);
      expect(small).to.be.at.most(2 * MIB);
    });

    it("the flags set once started let it grow again", async () => {
      const { atStart, onceStarted } = heapSizing("balanced", "");
      expect(await youngGenerationAfterChurn([...atStart, ...onceStarted])).to.be.greaterThan(4 * MIB);
    });
  });
});
