/**
 * What the persister keeps in memory per room it writes: the forward extremities, the current
 * state (a StateGroupMap, so deriving the next one costs O(change), not O(members)) and the
 * state group holding it when there is one. A head is only ever changed by the persister's
 * batch for that room, replaced as a whole once that batch's transaction commits, and dropped
 * (to be reloaded from storage) when a transaction fails. This is safe because the persister is
 * the only writer of its rooms (DESIGN.md: one events writer per room).
 */
import type { RoomVersionRules } from "../../room/room-versions.js";
import { StateGroupMap } from "../../storage/state-group-map.js";
import type { EventPersisterStores } from "./event-persister-types.js";
import type { StateAccessor } from "./state-accessor.js";

export interface Extremity {
  eventId: string;
  depth: number;
  /** State group after the event. */
  stateGroup: number;
}

export interface RoomHead {
  readonly roomId: string;
  readonly rules: RoomVersionRules;
  /** Forward extremities, deepest first. */
  readonly extremities: readonly Extremity[];
  /** Resolved over the extremities' states. */
  readonly currentState: ReadonlyMap<string, string>;
  /** The state group equal to currentState; null until one is needed after a resolution. */
  readonly currentGroup: number | null;
}

export class RoomHeadCache {
  private readonly heads = new Map<string, RoomHead>();

  constructor(
    private readonly accessor: StateAccessor,
    private readonly stores: Pick<EventPersisterStores, "graph" | "state" | "currentState">,
  ) {}

  peek(roomId: string): RoomHead | undefined {
    return this.heads.get(roomId);
  }

  set(head: RoomHead): void {
    this.heads.set(head.roomId, head);
  }

  forget(roomId: string): void {
    this.heads.delete(roomId);
  }

  /** The room's head, loaded from storage the first time; null for a room we do not know. */
  async get(roomId: string): Promise<RoomHead | null> {
    const cached = this.heads.get(roomId);
    if (cached) return cached;
    const rules = await this.accessor.getRoomVersion(roomId);
    if (rules === null) return null;
    const head = await this.load(roomId, rules);
    // A batch may have installed a newer head while we were reading.
    const raced = this.heads.get(roomId);
    if (raced) return raced;
    this.heads.set(roomId, head);
    return head;
  }

  private async load(roomId: string, rules: RoomVersionRules): Promise<RoomHead> {
    const ids = await this.stores.graph.selectForwardExtremities(roomId);
    const [entries, groups] = await Promise.all([this.accessor.getEntries(ids), this.accessor.getStateGroups(ids)]);
    const extremities: Extremity[] = [];
    for (const eventId of ids) {
      const entry = entries.get(eventId);
      const group = groups.get(eventId);
      if (entry && group) extremities.push({ eventId, depth: entry.pdu.depth, stateGroup: group.after });
    }
    sortExtremities(extremities);
    if (extremities.length === 1) {
      const only = extremities[0]!;
      return { roomId, rules, extremities, currentState: await this.stores.state.selectStateGroup(only.stateGroup), currentGroup: only.stateGroup };
    }
    const state = await this.stores.currentState.selectCurrentState(roomId);
    return { roomId, rules, extremities, currentState: StateGroupMap.fromMap(state), currentGroup: null };
  }
}

/** Deepest first, then by event ID (the order prev_events are chosen in). */
export function sortExtremities(extremities: Extremity[]): void {
  extremities.sort((a, b) => b.depth - a.depth || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
}
