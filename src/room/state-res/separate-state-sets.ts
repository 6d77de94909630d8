/**
 * Splitting the state sets into the unconflicted state map and the conflicted state.
 *
 * v2 (https://spec.matrix.org/v1.19/rooms/v2/#definitions):
 * > If a given key *K* is present in every *S<sub>i</sub>* with the same value *V* in each state
 * > map, then the pair (*K*, *V*) belongs to the *unconflicted state map*. Otherwise, *V* belongs
 * > to the *conflicted state set*.
 *
 * v1 (https://spec.matrix.org/v1.19/rooms/v1/#state-resolution):
 * > A *conflict* occurs between states where those states have different `event_ids` for the same
 * > `(event_type, state_key)`.
 * so in v1 a key that some states lack is not conflicted.
 */
import type { StateMap } from "../state-map.js";

export interface SeparatedState {
  readonly unconflicted: StateMap<string>;
  /** Conflicted keys, each with its distinct event IDs in first-seen order. */
  readonly conflicted: StateMap<string[]>;
}

/**
 * Separates the state sets. `absentKeyConflicts`: whether a key missing from some state set is
 * conflicted (v2) or not (v1).
 */
export function separateStateSets(
  stateSets: readonly ReadonlyMap<string, string>[],
  absentKeyConflicts: boolean,
): SeparatedState {
  const unconflicted: StateMap<string> = new Map();
  const conflicted: StateMap<string[]> = new Map();
  const first = stateSets[0];
  if (first === undefined) return { unconflicted, conflicted };

  // Keys present in every set with one value are unconflicted; record every value of the others.
  const values = new Map<string, string[]>();
  const presence = new Map<string, number>();
  for (const stateSet of stateSets) {
    for (const [key, eventId] of stateSet) {
      presence.set(key, (presence.get(key) ?? 0) + 1);
      const seen = values.get(key);
      if (seen === undefined) values.set(key, [eventId]);
      else if (!seen.includes(eventId)) seen.push(eventId);
    }
  }
  for (const [key, eventIds] of values) {
    const everywhere = presence.get(key) === stateSets.length;
    if (eventIds.length === 1 && (everywhere || !absentKeyConflicts)) unconflicted.set(key, eventIds[0] as string);
    else conflicted.set(key, eventIds);
  }
  return { unconflicted, conflicted };
}
