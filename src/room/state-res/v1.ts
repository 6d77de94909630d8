/**
 * State resolution v1 (room version 1).
 * https://spec.matrix.org/v1.19/rooms/v1/#state-resolution
 *
 * > - Start by setting *R* to the union of the states to be resolved, excluding any *conflicting*
 * >   events.
 * > - First we resolve conflicts between `m.room.power_levels` events. If there is no conflict,
 * >   this step is skipped, otherwise:
 * >   - Assemble all the `m.room.power_levels` events from the states to be resolved into a list.
 * >   - Sort the list by ascending `depth` then descending `sha1(event_id)`.
 * >   - Add the first event in the list to *R*.
 * >   - For each subsequent event in the list, check that the event would be allowed by the
 * >     authorisation rules for a room in state *R*. If the event would be allowed, then update
 * >     *R* with the event and continue with the next event in the list. If it would not be
 * >     allowed, stop and continue below with `m.room.join_rules` events.
 * > - Repeat the above process for conflicts between `m.room.join_rules` events.
 * > - Repeat the above process for conflicts between `m.room.member` events.
 * > - No other events affect the authorisation rules, so for all other conflicts, just pick the
 * >   event with the highest depth and lowest `sha1(event_id)` that passes authentication in *R*
 * >   and add it to *R*.
 *
 * As in Synapse, each conflicted member key (and each other key) is resolved against the same *R*
 * (the one after the join rules, resp. after the members), so the order in which keys are visited
 * cannot change the result; and when no event of an "other" key passes, the one with the lowest
 * depth (the last candidate) is kept, a case the spec leaves open.
 */
import { createHash } from "node:crypto";
import type { Pdu } from "../pdu.js";
import type { RoomVersionRules } from "../room-versions.js";
import { parseStateMapKey, stateMapKey, type StateMap } from "../state-map.js";
import { EventCache } from "./event-cache.js";
import { passesAuth } from "./passes-auth.js";
import { separateStateSets } from "./separate-state-sets.js";
import type { StateResCallbacks } from "./types.js";

const POWER_LEVELS_KEY = stateMapKey("m.room.power_levels", "");

/** Resolves the state sets (maps of state key to event ID) with state resolution v1. */
export async function resolveStateV1(
  rules: RoomVersionRules,
  stateSets: readonly ReadonlyMap<string, string>[],
  callbacks: StateResCallbacks,
): Promise<StateMap<string>> {
  const { unconflicted, conflicted } = separateStateSets(stateSets, false);
  if (conflicted.size === 0) return unconflicted;

  const cache = new EventCache(rules, callbacks);
  await cache.load([...conflicted.values()].flat());
  const r: StateMap<string> = new Map(unconflicted);
  // Conflicts among events we know; a key left with one known event is not in conflict.
  const conflicts = new Map<string, Pdu[]>();
  for (const [key, eventIds] of conflicted) {
    const events = eventIds.map((eventId) => cache.get(eventId)).filter((event) => event !== undefined);
    if (events.length === 1) r.set(key, (events[0] as Pdu).eventId);
    else if (events.length > 1) conflicts.set(key, events);
  }

  const keysOfType = (type: string): string[] => [...conflicts.keys()].filter((key) => parseStateMapKey(key).type === type);
  const resolveAuthKeys = async (keys: readonly string[]): Promise<void> => {
    const before = new Map(r);
    for (const key of keys) {
      r.set(key, await resolveAuthEventConflict(conflicts.get(key) as Pdu[], rules, cache, before, key));
    }
  };
  const powerLevels = conflicts.has(POWER_LEVELS_KEY) ? [POWER_LEVELS_KEY] : [];
  await resolveAuthKeys(powerLevels);
  await resolveAuthKeys(keysOfType("m.room.join_rules"));
  await resolveAuthKeys(keysOfType("m.room.member"));

  const before = new Map(r);
  for (const [key, events] of conflicts) {
    if (key === POWER_LEVELS_KEY) continue;
    const type = parseStateMapKey(key).type;
    if (type === "m.room.join_rules" || type === "m.room.member") continue;
    r.set(key, await resolveOtherConflict(events, rules, cache, before));
  }
  return r;
}

/**
 * Ascending depth then descending sha1: the first event goes into R, and each next one replaces
 * it while the auth rules allow it in R.
 */
async function resolveAuthEventConflict(
  events: readonly Pdu[],
  rules: RoomVersionRules,
  cache: EventCache,
  r: ReadonlyMap<string, string>,
  key: string,
): Promise<string> {
  const ordered = orderByDepthAndSha1(events).reverse();
  const state = new Map(r);
  let chosen = (ordered[0] as Pdu).eventId;
  for (let i = 1; i < ordered.length; i++) {
    state.set(key, chosen);
    const event = ordered[i] as Pdu;
    if (!(await passesAuth(event, rules, cache, state, undefined, false))) break;
    chosen = event.eventId;
  }
  return chosen;
}

/** Highest depth then lowest sha1: the first event that the rules allow in R. */
async function resolveOtherConflict(
  events: readonly Pdu[],
  rules: RoomVersionRules,
  cache: EventCache,
  r: ReadonlyMap<string, string>,
): Promise<string> {
  const ordered = orderByDepthAndSha1(events);
  for (const event of ordered) {
    if (await passesAuth(event, rules, cache, r, undefined, false)) return event.eventId;
  }
  return (ordered[ordered.length - 1] as Pdu).eventId;
}

/** Descending depth, then ascending hex sha1 of the event ID (UTF-8). */
function orderByDepthAndSha1(events: readonly Pdu[]): Pdu[] {
  const keyed = events.map((event) => ({ event, sha1: createHash("sha1").update(event.eventId, "utf8").digest("hex") }));
  keyed.sort((a, b) => {
    if (a.event.depth !== b.event.depth) return b.event.depth - a.event.depth;
    return a.sha1 < b.sha1 ? -1 : a.sha1 > b.sha1 ? 1 : 0;
  });
  return keyed.map((entry) => entry.event);
}
