#!/usr/bin/env node
/**
 * Process entry of the `hearth` command (package.json "bin"): sizes V8's heap (cli/heap-flags.ts),
 * then hands argv to cli/. The CLI is imported only once the flags are set, so that everything
 * it loads already runs with them.
 */
import { setFlagsFromString } from "node:v8";
import { heapModeOf, heapSizing, type HeapSizing } from "./cli/heap-flags.js";

let sizing: HeapSizing;
try {
  sizing = heapSizing(heapModeOf(process.env), [...process.execArgv, process.env.NODE_OPTIONS ?? ""].join(" "));
} catch (err) {
  process.stderr.write(`hearth: ${(err as Error).message}\n`);
  process.exit(1);
}
for (const flag of sizing.atStart) setFlagsFromString(flag);
const { runCli } = await import("./cli/index.js");
process.exitCode = await runCli(process.argv, {
  serverStarted: () => {
    for (const flag of sizing.onceStarted) setFlagsFromString(flag);
  },
});
