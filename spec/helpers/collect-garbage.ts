/**
 * A full garbage collection on demand, for tests that check what stays reachable (with
 * WeakRef): `--expose-gc` set at run time gives a fresh context a `gc()` that collects the whole
 * heap, so mocha needs no command-line flag.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

export function collectGarbage(): void {
  gc();
}
