/**
 * History visibility: which events of a room a user may see, and whether they may read the room
 * at all.
 * https://spec.matrix.org/v1.19/client-server-api/#server-behaviour-7 (Room History Visibility)
 *
 * > The rules governing whether a user is allowed to see an event depend on the state of the
 * > room *at that event*.
 * > 1. If the `history_visibility` was set to `world_readable`, allow.
 * > 2. If the user's `membership` was `join`, allow.
 * > 3. If `history_visibility` was set to `shared`, and the user joined the room at any point
 * >    after the event was sent, allow.
 * > 4. If the user's `membership` was `invite`, and the `history_visibility` was set to
 * >    `invited`, allow.
 * > 5. Otherwise, deny.
 *
 * "At that event" is the state before it; for `m.room.history_visibility` events and the user's
 * own `m.room.member` events the state after it counts too ("if the `history_visibility` before
 * *or* after the event would allow them to see it"). "By default if no `history_visibility` is
 * set, or if the value is not understood, the visibility is assumed to be `shared`."
 */
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { Pdu } from "../../room/pdu.js";
import { stateMapKey } from "../../room/state-map.js";
import type { CurrentStateStore } from "../../storage/stores/current-state-store.js";
import type { ForgottenRoomsStore } from "../../storage/stores/forgotten-rooms-store.js";
import type { StateStore } from "../../storage/stores/state-store.js";
import type { EventPersister } from "./event-persister.js";

export type HistoryVisibility = "world_readable" | "shared" | "invited" | "joined";

const VISIBILITIES: ReadonlySet<string> = new Set(["world_readable", "shared", "invited", "joined"]);
const VISIBILITY_KEY = stateMapKey("m.room.history_visibility", "");

/** `content.history_visibility` of an `m.room.history_visibility` event, `shared` by default. */
export function historyVisibilityOf(event: Pdu | null | undefined): HistoryVisibility {
  const value = event?.content.history_visibility;
  return typeof value === "string" && VISIBILITIES.has(value) ? (value as HistoryVisibility) : "shared";
}

/** A timeline event with the stream position it was stored at. */
export interface PositionedEvent {
  pdu: Pdu;
  streamOrdering: number;
}

/** What a user may read of a room, from its current state. */
export interface RoomAccess {
  /** The user's current membership ("leave" when they have none). */
  membership: string;
  /** Their current `m.room.member` event, or null. */
  memberEvent: Pdu | null;
  /** Left or banned, and forgot the room since: nothing is readable any more. */
  forgotten: boolean;
  /** The room's history visibility now is `world_readable`. */
  worldReadable: boolean;
}

export interface VisibilityDeps {
  reader: Pick<EventPersister, "getStateEvent" | "getEvents">;
  state: Pick<StateStore, "selectEventStateGroups" | "selectStateGroup">;
  memberships: Pick<CurrentStateStore, "selectRoomMemberships">;
  forgotten: Pick<ForgottenRoomsStore, "selectForgottenRoom">;
}

/** The facts rule 1–4 read from one state. */
interface StateFacts {
  visibility: HistoryVisibility;
  membership: string;
}

export class RoomVisibility {
  constructor(private readonly deps: VisibilityDeps) {}

  /** The user's access to the room now (see RoomAccess). */
  async getRoomAccess(userId: string, roomId: string): Promise<RoomAccess> {
    const [memberEvent, visibilityEvent] = await Promise.all([
      this.deps.reader.getStateEvent(roomId, "m.room.member", userId),
      this.deps.reader.getStateEvent(roomId, "m.room.history_visibility", ""),
    ]);
    const membership = typeof memberEvent?.content.membership === "string" ? memberEvent.content.membership : "leave";
    let forgotten = false;
    if (memberEvent !== null && (membership === "leave" || membership === "ban")) {
      forgotten = (await this.deps.forgotten.selectForgottenRoom(userId, roomId)) === memberEvent.eventId;
    }
    return { membership, memberEvent, forgotten, worldReadable: historyVisibilityOf(visibilityEvent) === "world_readable" };
  }

  /**
   * The access of a user allowed to read the room: joined, departed (left or banned, not
   * forgotten: they read up to their departure) or any user of a world-readable room. Otherwise
   * 403 M_FORBIDDEN, as `/messages`, `/state` and `/members` answer "You aren't a member of the room".
   */
  async requireReadable(userId: string, roomId: string): Promise<RoomAccess> {
    const access = await this.getRoomAccess(userId, roomId);
    if (access.membership === "join" || access.worldReadable) return access;
    if (isDeparted(access) && !access.forgotten) return access;
    throw new MatrixError(403, ErrCode.Forbidden, "You aren't a member of the room");
  }

  /**
   * The events `userId` may see, in the order given, each with the room state before it (for
   * `prev_content`). `events` must belong to one room.
   */
  async filterVisible(userId: string, events: readonly PositionedEvent[]): Promise<VisibleEvent[]> {
    if (events.length === 0) return [];
    const roomId = events[0]!.pdu.roomId;
    const groups = await this.deps.state.selectEventStateGroups(events.map((e) => e.pdu.eventId));
    const lastJoin = await this.lastJoinPosition(userId, roomId);
    const facts = new Map<number, Promise<{ facts: StateFacts; state: ReadonlyMap<string, string> }>>();
    const factsOf = (group: number) => {
      let known = facts.get(group);
      if (!known) facts.set(group, (known = this.stateFacts(userId, group)));
      return known;
    };
    const out: VisibleEvent[] = [];
    for (const event of events) {
      const group = groups.get(event.pdu.eventId);
      if (group === undefined) continue; // no state: an outlier, never part of a timeline
      const before = await factsOf(group.stateGroupBefore);
      let visible = allows(before.facts, event.streamOrdering, lastJoin);
      if (!visible && sendsBothWays(event.pdu, userId)) {
        visible = allows((await factsOf(group.stateGroupAfter)).facts, event.streamOrdering, lastJoin);
      }
      if (visible) out.push({ ...event, stateBefore: before.state });
    }
    return out;
  }

  /** Whether `userId` may see `event`. */
  async canSee(userId: string, event: PositionedEvent): Promise<boolean> {
    return (await this.filterVisible(userId, [event])).length === 1;
  }

  /** The stream position of the user's latest join to the room, or -Infinity. */
  private async lastJoinPosition(userId: string, roomId: string): Promise<number> {
    let last = -Infinity;
    for (const row of await this.deps.memberships.selectRoomMemberships(userId, roomId)) {
      if (row.membership === "join" && row.streamOrdering > last) last = row.streamOrdering;
    }
    return last;
  }

  private async stateFacts(userId: string, group: number): Promise<{ facts: StateFacts; state: ReadonlyMap<string, string> }> {
    const state = await this.deps.state.selectStateGroup(group);
    const visibilityId = state.get(VISIBILITY_KEY);
    const memberId = state.get(stateMapKey("m.room.member", userId));
    const ids = [visibilityId, memberId].filter((id): id is string => id !== undefined);
    const events = ids.length === 0 ? new Map<string, Pdu>() : await this.deps.reader.getEvents(ids);
    const membership = memberId === undefined ? undefined : events.get(memberId)?.content.membership;
    return {
      facts: {
        visibility: historyVisibilityOf(visibilityId === undefined ? null : events.get(visibilityId)),
        membership: typeof membership === "string" ? membership : "leave",
      },
      state,
    };
  }
}

/** A visible event and the room state before it. */
export interface VisibleEvent extends PositionedEvent {
  stateBefore: ReadonlyMap<string, string>;
}

/** Left or banned after having a membership event (an invite rejected counts as left). */
export function isDeparted(access: RoomAccess): boolean {
  return access.memberEvent !== null && (access.membership === "leave" || access.membership === "ban");
}

/** Rules 1–5 for one state. */
function allows(facts: StateFacts, streamOrdering: number, lastJoin: number): boolean {
  switch (facts.visibility) {
    case "world_readable":
      return true;
    case "shared":
      return facts.membership === "join" || lastJoin > streamOrdering;
    case "invited":
      return facts.membership === "join" || facts.membership === "invite";
    case "joined":
      return facts.membership === "join";
  }
}

/** History visibility changes, and the user's own membership changes, are judged before and after. */
function sendsBothWays(pdu: Pdu, userId: string): boolean {
  return pdu.type === "m.room.history_visibility" || (pdu.type === "m.room.member" && pdu.stateKey === userId);
}
