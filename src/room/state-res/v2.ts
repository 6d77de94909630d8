/**
 * State resolution v2 (room versions 2–11) and v2.1 (room version 12).
 * https://spec.matrix.org/v1.19/rooms/v2/#state-resolution
 * https://spec.matrix.org/v1.19/rooms/v12/#state-resolution
 *
 * > 1. Select the set *X* of all *power events* that appear in the *full conflicted set*. For each
 * >    such power event *P*, enlarge *X* by adding the events in the auth chain of *P* which also
 * >    belong to the full conflicted set. Sort *X* into a list using the *reverse topological power
 * >    ordering*.
 * > 2. Apply the *iterative auth checks algorithm*, starting from the *unconflicted state map*
 * >    [v2.1: from an *empty* state map], to the list of events from the previous step to get a
 * >    partially resolved state.
 * > 3. Take all remaining events that weren't picked in step 1 and order them by the mainline
 * >    ordering based on the power level in the partially resolved state obtained in step 2.
 * > 4. Apply the *iterative auth checks algorithm* on the partial resolved state and the list of
 * >    events from the previous step.
 * > 5. Update the result by replacing any event with the event with the same key from the
 * >    *unconflicted state map*, if such an event exists, to get the final resolved state.
 *
 * v2.1 also adds the *conflicted state subgraph* to the full conflicted set.
 */
import type { Pdu } from "../pdu.js";
import type { RoomVersionRules } from "../room-versions.js";
import { stateMapKey, type StateMap } from "../state-map.js";
import { authDifference } from "./auth-difference.js";
import { conflictedStateSubgraph } from "./conflicted-subgraph.js";
import { EventCache } from "./event-cache.js";
import { iterativeAuthChecks } from "./iterative-auth-checks.js";
import { mainlineSort } from "./mainline-sort.js";
import { reverseTopologicalPowerSort } from "./reverse-topological-power-sort.js";
import { senderPowerLevel } from "./sender-power-level.js";
import { separateStateSets } from "./separate-state-sets.js";
import type { StateResCallbacks } from "./types.js";

const POWER_LEVELS_KEY = stateMapKey("m.room.power_levels", "");

/** What v2.1 changes; both false is v2. */
export interface StateResV2Variant {
  /** v2.1: the full conflicted set includes the conflicted state subgraph. */
  readonly conflictedSubgraph: boolean;
  /** v2.1: the first iterative auth checks start from an empty state map. */
  readonly emptyInitialState: boolean;
}

export const STATE_RES_V2: StateResV2Variant = Object.freeze({ conflictedSubgraph: false, emptyInitialState: false });
export const STATE_RES_V2_1: StateResV2Variant = Object.freeze({ conflictedSubgraph: true, emptyInitialState: true });

/** Resolves the state sets (maps of state key to event ID) with state resolution v2 or v2.1. */
export async function resolveStateV2(
  rules: RoomVersionRules,
  stateSets: readonly ReadonlyMap<string, string>[],
  callbacks: StateResCallbacks,
  variant: StateResV2Variant,
): Promise<StateMap<string>> {
  const { unconflicted, conflicted } = separateStateSets(stateSets, true);
  if (conflicted.size === 0) return unconflicted;

  const conflictedSet = new Set<string>();
  for (const eventIds of conflicted.values()) for (const eventId of eventIds) conflictedSet.add(eventId);

  // Full conflicted set: conflicted state set ∪ auth difference (∪ conflicted state subgraph).
  const cache = new EventCache(rules, callbacks);
  const fullAuthChains = await Promise.all(stateSets.map((stateSet) => callbacks.fetchAuthChain([...stateSet.values()])));
  const candidates = authDifference(fullAuthChains);
  for (const eventId of conflictedSet) candidates.add(eventId);
  if (variant.conflictedSubgraph) {
    const authChain = await callbacks.fetchAuthChain([...conflictedSet]);
    await cache.load(authChain);
    const subgraph = conflictedStateSubgraph(conflictedSet, authChain, (eventId) => cache.get(eventId)?.authEventIds);
    for (const eventId of subgraph) candidates.add(eventId);
  }
  await cache.loadWithAuthEvents(candidates);
  // Events that cannot be fetched take no part (they cannot be checked).
  const fullConflictedSet = new Set<string>();
  for (const eventId of candidates) if (cache.get(eventId) !== undefined) fullConflictedSet.add(eventId);

  // 1. Power events and their auth chains within the full conflicted set, reverse topological power order.
  const graph = powerEventGraph(fullConflictedSet, cache);
  const sortedPowerEvents = reverseTopologicalPowerSort(graph, (eventId) => {
    const event = cache.require(eventId);
    return { powerLevel: senderPowerLevel(event, rules, cache), originServerTs: event.originServerTs };
  });

  // 2. Iterative auth checks from the unconflicted state map (v2.1: from an empty one).
  const initialState = variant.emptyInitialState ? new Map<string, string>() : unconflicted;
  const partiallyResolved = await iterativeAuthChecks(rules, sortedPowerEvents, initialState, cache);

  // 3. The other events, in mainline order of the partially resolved power levels.
  const remaining: string[] = [];
  for (const eventId of fullConflictedSet) if (!graph.has(eventId)) remaining.push(eventId);
  const powerLevelsEventId = partiallyResolved.get(POWER_LEVELS_KEY);
  await cache.loadPowerLevelChains(powerLevelsEventId === undefined ? remaining : [...remaining, powerLevelsEventId]);
  const sortedRemaining = mainlineSort(remaining, powerLevelsEventId, {
    powerLevelsAuthEvent: (eventId) => cache.powerLevelsAuthEvent(eventId),
    originServerTs: (eventId) => cache.require(eventId).originServerTs,
  });

  // 4. Iterative auth checks on the partially resolved state.
  const resolved = await iterativeAuthChecks(rules, sortedRemaining, partiallyResolved, cache);

  // 5. The unconflicted state map wins.
  for (const [key, eventId] of unconflicted) resolved.set(key, eventId);
  return resolved;
}

/**
 * The power events of the full conflicted set, enlarged with the events of their auth chains that
 * belong to the full conflicted set, as a graph: event ID → its auth events within the set.
 */
function powerEventGraph(fullConflictedSet: ReadonlySet<string>, cache: EventCache): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const stack: string[] = [];
  for (const eventId of fullConflictedSet) if (isPowerEvent(cache.require(eventId))) stack.push(eventId);
  while (stack.length > 0) {
    const eventId = stack.pop() as string;
    if (graph.has(eventId)) continue;
    const edges: string[] = [];
    graph.set(eventId, edges);
    for (const authEventId of cache.require(eventId).authEventIds) {
      if (!fullConflictedSet.has(authEventId)) continue;
      edges.push(authEventId);
      if (!graph.has(authEventId)) stack.push(authEventId);
    }
  }
  return graph;
}

/**
 * > A *power event* is a state event with type `m.room.power_levels` or `m.room.join_rules`, or a
 * > state event with type `m.room.member` where the `membership` is `leave` or `ban` and the
 * > `sender` does not match the `state_key`.
 *
 * Like Synapse and Ruma, `m.room.create` counts too (it can only be conflicted in a broken room),
 * and power levels and join rules count only with the empty state key that the auth rules read.
 */
export function isPowerEvent(event: Pdu): boolean {
  switch (event.type) {
    case "m.room.power_levels":
    case "m.room.join_rules":
    case "m.room.create":
      return event.stateKey === "";
    case "m.room.member": {
      const membership = event.content.membership;
      return (membership === "leave" || membership === "ban") && event.stateKey !== undefined && event.sender !== event.stateKey;
    }
    default:
      return false;
  }
}
