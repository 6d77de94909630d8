/**
 * State resolution of a large two-server fork: more than 1,000 conflicted state events (joins,
 * power levels changes, kicks, bans, profile and topic changes) with their auth chains, in room
 * version 11 (state res v2) and 12 (v2.1). Target: ≤ 200 ms per resolution. Events come from an
 * in-memory store through the same callbacks storage provides, each call answered asynchronously.
 */
import { getRoomVersion, type RoomVersionRules } from "../src/room/room-versions.js";
import { resolveState } from "../src/room/state-res/resolve.js";
import { buildLargeFork, conflictedEventCount } from "../spec/room/state-res/large-fork.js";

const RUNS = 9;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function benchVersion(version: string): Promise<void> {
  const rules = getRoomVersion(version) as RoomVersionRules;
  const { dag, tips } = buildLargeFork(rules);
  const callbacks = dag.callbacks();
  const conflicted = conflictedEventCount(tips);
  // Warm-up (JIT), then timed runs; each run has a fresh cache, as each resolution does.
  await resolveState(rules, tips, callbacks);
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    await resolveState(rules, tips, callbacks);
    times.push(performance.now() - start);
  }
  const label = `resolve ${conflicted} conflicted events, room v${version} (${rules.stateResolution})`;
  console.log(`  ${label.padEnd(56)} median ${median(times).toFixed(1).padStart(7)} ms  (min ${Math.min(...times).toFixed(1)}, ${RUNS} runs, ${dag.events.size} events in the room)`);
}

export async function run(): Promise<void> {
  await benchVersion("11");
  await benchVersion("12");
}
