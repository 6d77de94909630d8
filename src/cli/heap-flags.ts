/**
 * V8 heap sizing for a Hearth process, chosen by the `HEARTH_HEAP` environment variable and set
 * by main.ts with v8.setFlagsFromString before the rest of the server loads (README "Memory").
 *
 * What V8 does by default: the young generation grows from 1 MiB semi-spaces to 16 MiB ones as
 * soon as many objects survive (loading ~300 modules at start-up does that), and it stays
 * committed once grown: ~30 MiB of resident memory an idle server does not give back for a long
 * while. The old generation is collected when it has grown 1.5–4× over what was live.
 *
 * Small sizing: the young generation does not grow (`--max-semi-space-size` is read only at
 * start-up, but the growth factor is read at each resize, so a factor of 1 works at run time),
 * and the old generation is collected once it has grown by 25 %.
 *
 * - `balanced` (the default): small sizing while the server starts, V8's own once it listens.
 *   Loading ~300 modules no longer leaves a grown young generation behind (the memory benchmark:
 *   ~89 MiB idle instead of ~113); start-up takes ~50 ms longer; load sizes the heap as V8 would.
 * - `small`: small sizing throughout. The least memory (the memory benchmark: ~130 MiB instead
 *   of ~165 after its workload), for 5–30 % more CPU time under sustained load, depending on how
 *   much of what it allocates outlives a request.
 * - `fast`: V8's own sizing throughout.
 *
 * In `balanced` and `small`, main.ts also gives a burst's heap back once the server is quiet
 * (cli/idle-heap-trim.ts): that, not a capped young generation, is what keeps an idle server small
 * after load, since capping costs CPU time under load.
 *
 * Heap flags given to node itself (command line or NODE_OPTIONS) are left alone.
 */
export const HEAP_ENV = "HEARTH_HEAP";

export type HeapMode = "balanced" | "small" | "fast";

const MODES: readonly HeapMode[] = ["balanced", "small", "fast"];

/** Small sizing, and the V8 defaults it replaces (restored when `balanced` start-up ends). */
const YOUNG_GENERATION = { small: "--semi-space-growth-factor=1", v8: "--semi-space-growth-factor=2" };
const OLD_GENERATION = { small: "--heap-growing-percent=25", v8: "--heap-growing-percent=0" };

/** Node flags that already size the young generation, or the old generation's growth. */
const YOUNG_GENERATION_FLAGS = /--(max|min)[-_]semi[-_]space[-_]size\b|--semi[-_]space[-_]growth[-_]factor\b/;
const OLD_GENERATION_FLAGS = /--heap[-_]growing[-_]percent\b/;

export interface HeapSizing {
  /** Flags to set now, before the server loads. */
  readonly atStart: readonly string[];
  /** Flags to set once the server is listening (`balanced`: back to V8's own sizing). */
  readonly onceStarted: readonly string[];
}

/** The mode the environment names (default `balanced`); anything else is an error. */
export function heapModeOf(env: Readonly<Record<string, string | undefined>>): HeapMode {
  const value = env[HEAP_ENV];
  if (value === undefined || value === "") return "balanced";
  const mode = MODES.find((m) => m === value);
  if (mode === undefined) throw new Error(`${HEAP_ENV} must be one of ${MODES.join(", ")} (got ${JSON.stringify(value)})`);
  return mode;
}

/**
 * The flags for `mode`, leaving out those the process was started with: `nodeFlags` is
 * process.execArgv and NODE_OPTIONS, joined.
 */
export function heapSizing(mode: HeapMode, nodeFlags: string): HeapSizing {
  if (mode === "fast") return { atStart: [], onceStarted: [] };
  const settings = [
    ...(YOUNG_GENERATION_FLAGS.test(nodeFlags) ? [] : [YOUNG_GENERATION]),
    ...(OLD_GENERATION_FLAGS.test(nodeFlags) ? [] : [OLD_GENERATION]),
  ];
  return {
    atStart: settings.map((s) => s.small),
    onceStarted: mode === "balanced" ? settings.map((s) => s.v8) : [],
  };
}
