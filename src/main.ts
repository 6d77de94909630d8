#!/usr/bin/env node
/**
 * Process entry of the `hearth` command (package.json "bin"): sizes V8's heap (cli/heap-flags.ts),
 * then hands argv to cli/. The CLI is imported only once the flags are set, so that everything
 * it loads already runs with them. Once a server listens, it also gives heap memory back when
 * it goes quiet (cli/idle-heap-trim.ts), except with HEARTH_HEAP=fast.
 */
import { setFlagsFromString } from "node:v8";
import { heapModeOf, heapSizing, type HeapMode, type HeapSizing } from "./cli/heap-flags.js";
import { processIdleHeapTrim } from "./cli/idle-heap-trim.js";

let mode: HeapMode;
let sizing: HeapSizing;
try {
  mode = heapModeOf(process.env);
  sizing = heapSizing(mode, [...process.execArgv, process.env.NODE_OPTIONS ?? ""].join(" "));
} catch (err) {
  process.stderr.write(`hearth: ${(err as Error).message}\n`);
  process.exit(1);
}
for (const flag of sizing.atStart) setFlagsFromString(flag);
// Created before the CLI loads: what start-up leaves behind counts as growth to give back.
const trim = mode === "fast" ? null : processIdleHeapTrim();
const { runCli } = await import("./cli/index.js");
process.exitCode = await runCli(process.argv, {
  serverStarted: () => {
    for (const flag of sizing.onceStarted) setFlagsFromString(flag);
    trim?.start();
  },
});
