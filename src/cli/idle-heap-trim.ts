/**
 * Gives V8 heap memory back once the server has gone quiet after a burst of work (README "Memory").
 *
 * Under load V8 grows the young generation to two 16 MiB semi-spaces, and they stay committed and
 * resident: V8 shrinks them only in a garbage collection that finds the allocation rate of the
 * last 5 seconds low, and a quiet process collects nothing (it allocates nothing). Capping the
 * young generation instead costs CPU time under load (capped at 2 × 8 MiB: ~6 % more CPU per send
 * on the send benchmark; heap-flags.ts `small`: 5–30 %). So this waits for quiet, then collects:
 *
 * 1. Quiet is an event loop busy at most QUIET_UTILIZATION of a whole check interval.
 * 2. At the first quiet check after activity, a young-generation collection (milliseconds). It
 *    closes V8's current allocation sample, so that the burst is not averaged into the rate the
 *    next collection sees.
 * 3. After TRIM_AFTER_QUIET_MS of quiet since then (more than V8's 5-second window), a full,
 *    compacting collection: V8 shrinks the young generation back to its initial size, and the
 *    old generation's garbage (what the burst left there: ~5 MiB after the memory benchmark's
 *    workload) is freed and its emptied pages released.
 *
 * So a burst's memory is back about 7–8 s after it ends (the memory benchmark: ~60 MiB less
 * resident). A trim costs one full collection (tens of ms for that benchmark's heap) per quiet
 * period, and only if the committed heap grew by MIN_GROWTH_BYTES since the last trim, so that a
 * server answering a request now and then does not collect after each one. Activity before the
 * full collection starts over at step 2.
 */
import { performance, type EventLoopUtilization } from "node:perf_hooks";
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** How often the event loop's utilization is looked at. */
export const CHECK_INTERVAL_MS = 1_000;
/** A check interval whose event loop was busy at most this share of the time is quiet. */
export const QUIET_UTILIZATION = 0.02;
/** Quiet this long after the young collection before the full one (V8's rate window is 5 s). */
export const TRIM_AFTER_QUIET_MS = 6_000;
/** The committed heap must have grown this much since the last trim for another one. */
export const MIN_GROWTH_BYTES = 4 * 1024 * 1024;

export type Collection = "young" | "full";

export interface IdleHeapTrimDeps {
  /** Share of time (0–1) the event loop was busy since the previous call. */
  utilization(): number;
  /** Bytes the V8 heap has committed. */
  heapSize(): number;
  collect(kind: Collection): void;
  setInterval(fn: () => void, ms: number): { unref?(): unknown };
  clearInterval(handle: unknown): void;
}

export class IdleHeapTrim {
  private handle: { unref?(): unknown } | null = null;
  private quietMs = 0;
  /** Step 2 ran in this quiet period. */
  private sampleClosed = false;
  /** Step 3 ran in this quiet period. */
  private trimmed = false;
  private sizeAfterTrim: number;

  /** The heap's size now is the baseline: only growth beyond it is given back. */
  constructor(private readonly deps: IdleHeapTrimDeps) {
    this.sizeAfterTrim = deps.heapSize();
  }

  /** Checks every CHECK_INTERVAL_MS (a timer that does not keep the process alive). */
  start(): void {
    if (this.handle !== null) return;
    this.deps.utilization();
    this.handle = this.deps.setInterval(() => this.check(), CHECK_INTERVAL_MS);
    this.handle.unref?.();
  }

  stop(): void {
    if (this.handle === null) return;
    this.deps.clearInterval(this.handle);
    this.handle = null;
  }

  /** One check (the timer's). */
  check(): void {
    if (this.deps.utilization() > QUIET_UTILIZATION) {
      this.quietMs = 0;
      this.sampleClosed = false;
      this.trimmed = false;
      return;
    }
    this.quietMs += CHECK_INTERVAL_MS;
    if (this.trimmed || this.deps.heapSize() < this.sizeAfterTrim + MIN_GROWTH_BYTES) return;
    if (!this.sampleClosed) {
      this.sampleClosed = true;
      this.quietMs = 0;
      this.collect("young");
    } else if (this.quietMs >= TRIM_AFTER_QUIET_MS) {
      this.trimmed = true;
      this.collect("full");
      this.sizeAfterTrim = this.deps.heapSize();
    }
  }

  /** Collects, then restarts the utilization reading: the collection is not activity. */
  private collect(kind: Collection): void {
    this.deps.collect(kind);
    this.deps.utilization();
  }
}

/**
 * V8's gc(). Called with no argument it is a full, synchronous collection on every V8 Node runs.
 * An options object is not portable: on Node 20 (V8 11.3) any object argument runs a scavenge
 * (--trace-gc), as the old `gc(true)` does, so `{ type: "major", flavor: "last-resort" }` left
 * the old generation's garbage in place (~5 MiB after the memory benchmark's workload).
 */
type GcFunction = (options?: { type: "minor"; execution: "sync" }) => void;

let gcFunction: GcFunction | null = null;

/** Runs a garbage collection now, through V8's gc() (--expose-gc gives it to new contexts). */
export function collectGarbage(kind: Collection): void {
  if (gcFunction === null) {
    setFlagsFromString("--expose-gc");
    gcFunction = runInNewContext("gc") as GcFunction;
  }
  // Young: the options object on newer V8s, the old `gc(true)` meaning on Node 20's.
  if (kind === "young") gcFunction({ type: "minor", execution: "sync" });
  else {
    // Every page with free space is evacuated, not only V8's pick of the most fragmented ones:
    // this collection runs once per quiet period, and what it leaves is what stays resident.
    setFlagsFromString("--compact-on-every-full-gc");
    try {
      gcFunction();
    } finally {
      setFlagsFromString("--no-compact-on-every-full-gc");
    }
  }
}

/** The trim of this process: its event loop, heap and garbage collector. */
export function processIdleHeapTrim(): IdleHeapTrim {
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  return new IdleHeapTrim({
    utilization: () => {
      const now = performance.eventLoopUtilization();
      const since = performance.eventLoopUtilization(now, last);
      last = now;
      return since.utilization;
    },
    heapSize: () => getHeapStatistics().total_heap_size,
    collect: collectGarbage,
    setInterval: (fn, ms) => setInterval(fn, ms),
    clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
  });
}
