/**
 * State resolution over stored (and about-to-be-stored) events: the room core's resolveState fed
 * with callbacks that read the persister's caches, the events being written in the running batch
 * (an EventOverlay), and the auth-chain query of the event graph.
 * https://spec.matrix.org/v1.19/server-server-api/#room-state-resolution
 *
 * > the state before an event is the resolution of the states after its `prev_events`
 */
import type { Pdu } from "../../room/pdu.js";
import type { RoomVersionRules } from "../../room/room-versions.js";
import { resolveState, type StateResCallbacks } from "../../room/state-res/resolve.js";
import { StateGroupMap } from "../../storage/state-group-map.js";
import type { EventGraphStore } from "../../storage/stores/event-graph-store.js";
import type { StateStore } from "../../storage/stores/state-store.js";
import type { EventOverlay, StateAccessor } from "./state-accessor.js";

/** A state and, when it is already stored as one, its state group. */
export interface GroupedState {
  group: number | null;
  state: ReadonlyMap<string, string>;
}

export class StateResolver {
  constructor(
    private readonly accessor: StateAccessor,
    private readonly stores: { graph: EventGraphStore; state: StateStore },
  ) {}

  /**
   * Resolves the states of `groups` (the states after some events). Equal groups, and states
   * that are the same object, resolve to themselves without running the algorithm, and a result
   * equal to one of the inputs keeps that input's group.
   */
  async resolveGroups(rules: RoomVersionRules, groups: readonly GroupedState[], overlay?: EventOverlay): Promise<GroupedState> {
    const distinct: GroupedState[] = [];
    for (const candidate of groups) {
      const same = distinct.some((seen) => seen.state === candidate.state || (seen.group !== null && seen.group === candidate.group));
      if (!same) distinct.push(candidate);
    }
    if (distinct.length === 0) return { group: null, state: StateGroupMap.empty() };
    if (distinct.length === 1) return distinct[0]!;
    const resolved = await resolveState(
      rules,
      distinct.map((entry) => entry.state),
      this.callbacks(overlay),
    );
    for (const input of distinct) if (sameState(input.state, resolved)) return input;
    // As a change of the first input, so that the result shares its memory and diffs cheaply.
    const base = StateGroupMap.fromMap(distinct[0]!.state);
    return { group: null, state: base.withDelta(stateDelta(base, resolved)) };
  }

  /** The states after the events, with their groups; events without stored state are absent. */
  async statesAfter(eventIds: readonly string[]): Promise<Map<string, GroupedState>> {
    const groups = await this.accessor.getStateGroups(eventIds);
    const out = new Map<string, GroupedState>();
    for (const [eventId, { after }] of groups) out.set(eventId, { group: after, state: await this.stores.state.selectStateGroup(after) });
    return out;
  }

  callbacks(overlay?: EventOverlay): StateResCallbacks {
    return {
      fetchEvent: async (eventId) => (await this.accessor.getEvent(eventId, overlay)) ?? undefined,
      fetchAuthChain: (eventIds) => this.authChain(eventIds, overlay),
      fetchRejected: async (eventIds) => {
        const entries = await this.accessor.getEntries(eventIds, overlay);
        const rejected = new Set<string>();
        for (const [eventId, entry] of entries) if (entry.rejected) rejected.add(eventId);
        return rejected;
      },
    };
  }

  /** The union of the auth chains: overlay events are walked here, stored ones by one query. */
  private async authChain(eventIds: readonly string[], overlay?: EventOverlay): Promise<Set<string>> {
    const chain = new Set<string>();
    const stored: string[] = [];
    const stack: string[] = [];
    const expand = (pdu: Pdu): void => {
      for (const authId of pdu.authEventIds) {
        if (chain.has(authId)) continue;
        chain.add(authId);
        stack.push(authId);
      }
    };
    for (const eventId of eventIds) {
      const pending = overlay?.get(eventId);
      if (pending) expand(pending.pdu);
      else stored.push(eventId);
    }
    while (stack.length > 0) {
      const eventId = stack.pop()!;
      const pending = overlay?.get(eventId);
      if (pending) expand(pending.pdu);
      else stored.push(eventId);
    }
    // Stored events: their own auth events are in event_auth_edges.
    for (const eventId of await this.stores.graph.selectAuthChainIds(stored)) chain.add(eventId);
    return chain;
  }
}

/** Whether two states map the same keys to the same events. */
export function sameState(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  if (a instanceof StateGroupMap && b instanceof StateGroupMap) return StateGroupMap.diff(a, b).size === 0;
  for (const [key, eventId] of a) if (b.get(key) !== eventId) return false;
  return true;
}

/** The changes that turn `from` into `to`: event ID per changed key, null for a removed key. */
export function stateDelta(from: ReadonlyMap<string, string>, to: ReadonlyMap<string, string>): Map<string, string | null> {
  // Related group maps share all but their differences: compare only those.
  if (from instanceof StateGroupMap && to instanceof StateGroupMap) return StateGroupMap.diff(from, to);
  const delta = new Map<string, string | null>();
  for (const [key, eventId] of to) if (from.get(key) !== eventId) delta.set(key, eventId);
  for (const key of from.keys()) if (!to.has(key)) delta.set(key, null);
  return delta;
}
