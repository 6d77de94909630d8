/**
 * State resolution: the state before an event is the resolution of the states after its
 * `prev_events`. This entry point picks the algorithm of the room version.
 * https://spec.matrix.org/v1.19/rooms/v1/#state-resolution (v1),
 * https://spec.matrix.org/v1.19/rooms/v2/#state-resolution (v2, room versions 2–11),
 * https://spec.matrix.org/v1.19/rooms/v12/#state-resolution (v2.1, room version 12).
 */
import type { RoomVersionRules } from "../room-versions.js";
import type { StateMap } from "../state-map.js";
import type { StateResCallbacks } from "./types.js";

export type { StateResCallbacks } from "./types.js";
import { resolveStateV1 } from "./v1.js";
import { resolveStateV2, STATE_RES_V2, STATE_RES_V2_1 } from "./v2.js";

/**
 * Resolves `stateSets` (each a map of `stateMapKey(type, stateKey)` → event ID) into one state
 * map. The result is the same whatever the order of `stateSets`. Events are fetched through
 * `callbacks`, in batches, and cached for the duration of the call.
 */
export async function resolveState(
  rules: RoomVersionRules,
  stateSets: readonly ReadonlyMap<string, string>[],
  callbacks: StateResCallbacks,
): Promise<StateMap<string>> {
  if (stateSets.length === 0) return new Map();
  if (stateSets.length === 1) return new Map(stateSets[0]);
  switch (rules.stateResolution) {
    case "v1":
      return resolveStateV1(rules, stateSets, callbacks);
    case "v2":
      return resolveStateV2(rules, stateSets, callbacks, STATE_RES_V2);
    case "v2.1":
      return resolveStateV2(rules, stateSets, callbacks, STATE_RES_V2_1);
  }
}
