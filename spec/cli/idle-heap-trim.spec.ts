import { execFile } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { expect } from "chai";
import {
  CHECK_INTERVAL_MS,
  IdleHeapTrim,
  MIN_GROWTH_BYTES,
  QUIET_UTILIZATION,
  TRIM_AFTER_QUIET_MS,
  type Collection,
} from "../../src/cli/idle-heap-trim.js";

const MIB = 1024 * 1024;
const BUSY = 0.5;
const QUIET = QUIET_UTILIZATION / 2;

/** An IdleHeapTrim on a scripted event loop and heap; `collected` lists its collections. */
function scripted(initialHeap: number) {
  const state = { utilization: QUIET, heap: initialHeap, utilizationReads: 0 };
  const collected: Collection[] = [];
  const timers: Array<{ fn: () => void; ms: number; unrefd: boolean; cleared: boolean }> = [];
  const trim = new IdleHeapTrim({
    utilization: () => {
      state.utilizationReads++;
      const value = state.utilization;
      // A collection's own time is read once, right after it: quiet again from there.
      state.utilization = QUIET;
      return value;
    },
    heapSize: () => state.heap,
    collect: (kind) => {
      collected.push(kind);
      if (kind === "full") state.heap = initialHeap;
    },
    setInterval: (fn, ms) => {
      const timer = { fn, ms, unrefd: false, cleared: false, unref: () => (timer.unrefd = true) };
      timers.push(timer);
      return timer;
    },
    clearInterval: (handle) => {
      (handle as { cleared: boolean }).cleared = true;
    },
  });
  /** One check interval with the event loop `utilization` busy. */
  const interval = (utilization: number): void => {
    state.utilization = utilization;
    trim.check();
  };
  const quietFor = (ms: number): void => {
    for (let t = 0; t < ms; t += CHECK_INTERVAL_MS) interval(QUIET);
  };
  return { trim, state, collected, timers, interval, quietFor };
}

describe("IdleHeapTrim", () => {
  it("after a burst: a young collection at the first quiet check, a full one TRIM_AFTER_QUIET_MS later, then nothing while quiet", () => {
    const s = scripted(30 * MIB);
    s.interval(BUSY);
    s.state.heap = 70 * MIB;
    s.interval(BUSY);
    expect(s.collected).to.deep.equal([]);
    s.interval(QUIET);
    expect(s.collected).to.deep.equal(["young"]);
    s.quietFor(TRIM_AFTER_QUIET_MS - CHECK_INTERVAL_MS);
    expect(s.collected).to.deep.equal(["young"]);
    s.interval(QUIET);
    expect(s.collected).to.deep.equal(["young", "full"]);
    s.quietFor(10 * TRIM_AFTER_QUIET_MS);
    expect(s.collected).to.deep.equal(["young", "full"]);
  });

  it("does nothing while busy, nor when the heap grew less than MIN_GROWTH_BYTES since the last trim", () => {
    const s = scripted(30 * MIB);
    for (let i = 0; i < 20; i++) s.interval(BUSY);
    s.state.heap = 30 * MIB + MIN_GROWTH_BYTES - 1;
    s.quietFor(3 * TRIM_AFTER_QUIET_MS);
    s.interval(BUSY);
    s.quietFor(3 * TRIM_AFTER_QUIET_MS);
    expect(s.collected).to.deep.equal([]);
  });

  it("starts over when activity comes back before the full collection; trims again after the next burst", () => {
    const s = scripted(30 * MIB);
    s.state.heap = 70 * MIB;
    s.interval(QUIET);
    s.quietFor(TRIM_AFTER_QUIET_MS - 2 * CHECK_INTERVAL_MS);
    s.interval(BUSY);
    s.quietFor(TRIM_AFTER_QUIET_MS);
    expect(s.collected).to.deep.equal(["young", "young"]);
    s.interval(QUIET);
    expect(s.collected).to.deep.equal(["young", "young", "full"]);
    s.interval(BUSY);
    s.state.heap = 60 * MIB;
    s.quietFor(TRIM_AFTER_QUIET_MS + CHECK_INTERVAL_MS);
    expect(s.collected).to.deep.equal(["young", "young", "full", "young", "full"]);
  });

  it("does not count its own collections as activity", () => {
    const s = scripted(30 * MIB);
    s.state.heap = 70 * MIB;
    const reads = s.state.utilizationReads;
    s.interval(QUIET);
    // The check's reading, then a fresh start right after the young collection.
    expect(s.state.utilizationReads - reads).to.equal(2);
  });

  it("checks on an unref'd timer every CHECK_INTERVAL_MS until stopped", () => {
    const s = scripted(30 * MIB);
    s.trim.start();
    s.trim.start();
    expect(s.timers).to.have.length(1);
    expect(s.timers[0]).to.include({ ms: CHECK_INTERVAL_MS, unrefd: true, cleared: false });
    s.trim.stop();
    expect(s.timers[0]!.cleared).to.equal(true);
  });

  describe("on this Node's V8", function () {
    this.timeout(60_000);

    it("the young collection, then the full one TRIM_AFTER_QUIET_MS later, shrink a grown young generation", async () => {
      const probe = pathToFileURL(join(import.meta.dirname, "fixtures", "young-generation-probe.mjs")).href;
      const trim = pathToFileURL(join(import.meta.dirname, "..", "..", "src", "cli", "idle-heap-trim.ts")).href;
      const script = [
        `import { getHeapSpaceStatistics } from "node:v8";`,
        `const { churn } = await import(${JSON.stringify(probe)});`,
        `const { collectGarbage } = await import(${JSON.stringify(trim)});`,
        `const youngGeneration = () => getHeapSpaceStatistics().find((s) => s.space_name === "new_space").space_size;`,
        `const grown = churn();`,
        `collectGarbage("young");`,
        `await new Promise((resolve) => setTimeout(resolve, ${TRIM_AFTER_QUIET_MS}));`,
        `collectGarbage("full");`,
        `process.stdout.write(JSON.stringify({ grown, trimmed: youngGeneration() }));`,
      ].join("\n");
      const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script]);
      const { grown, trimmed } = JSON.parse(stdout) as { grown: number; trimmed: number };
      expect(grown, "the churn grew it").to.be.greaterThan(4 * MIB);
      expect(trimmed).to.be.at.most(2 * MIB);
    });

    it("the full collection frees the old generation's garbage", async () => {
      const trim = pathToFileURL(join(import.meta.dirname, "..", "..", "src", "cli", "idle-heap-trim.ts")).href;
      const script = [
        `import { getHeapSpaceStatistics } from "node:v8";`,
        `const { collectGarbage } = await import(${JSON.stringify(trim)});`,
        `const oldGeneration = () => getHeapSpaceStatistics().find((s) => s.space_name === "old_space").space_used_size;`,
        // Objects that survive two young collections are promoted to the old generation.
        `let kept = Array.from({ length: 200_000 }, (_, i) => ({ i, text: "item " + i }));`,
        `collectGarbage("young");`,
        `collectGarbage("young");`,
        `kept = null;`,
        `const before = oldGeneration();`,
        `collectGarbage("full");`,
        `process.stdout.write(JSON.stringify({ before, after: oldGeneration() }));`,
      ].join("\n");
      const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script]);
      const { before, after } = JSON.parse(stdout) as { before: number; after: number };
      expect(before - after, `old generation ${before} -> ${after} bytes`).to.be.greaterThan(8 * MIB);
    });
  });
});
