/**
 * The `state` (or `state_after`) section of a room: which state events to send.
 * https://spec.matrix.org/v1.19/client-server-api/#syncing and GET /sync's `state`:
 *
 * - full (initial sync, newly joined room, `full_state`): "all state up to the start of the
 *   timeline" (`state_after`: up to its end);
 * - delta (a room the client already has): "Updates to the state, between the time indicated
 *   by the since parameter, and the start of the timeline" — the keys whose event differs. This
 *   also catches state changes the timeline filter or a limit left out;
 * - none: a room the user left without ever having been joined shows no state.
 *
 * Lazy-loading members (https://spec.matrix.org/v1.19/client-server-api/#lazy-loading-room-members):
 * member events only for the senders of the timeline's events, the heroes ("the membership
 * events for the heroes MUST be included in the state, unless they are redundant") and, in full
 * mode, the user themself ("MUST include the syncing user's own membership event when they join
 * a room, or when the full state of rooms is requested"); skipping those the device was already
 * sent unless `include_redundant_members`. Member events in a delta are always sent: "When a
 * sync is limited, the server MUST return membership events for events in the gap".
 */
import { stateMapKey } from "../../room/state-map.js";
import type { SyncFilter } from "../filters.js";
import type { LazyMemberCache } from "../sync-lazy-members.js";
import type { SelectedTimeline } from "./room-timelines.js";

const MEMBER_PREFIX = "m.room.member\u0000";

/** The room states a section is computed from (null: not needed, or the room has none). */
export interface RoomStatePoints {
  /** At the start of the timeline (its first event's state before; with no events, the end). */
  readonly start: ReadonlyMap<string, string> | null;
  /** At the end of the timeline. */
  readonly end: ReadonlyMap<string, string> | null;
  /** At `since` (delta mode only). */
  readonly since: ReadonlyMap<string, string> | null;
}

export interface StateSectionOptions {
  readonly userId: string;
  readonly deviceId: string | null;
  readonly filter: SyncFilter;
  readonly useStateAfter: boolean;
  readonly lazyMembers: LazyMemberCache;
}

/**
 * The event IDs of the room's state section. The filter's type rules are applied here (saving
 * reads of events it drops); its other rules need the events and are the caller's.
 */
export function chooseStateEvents(timeline: SelectedTimeline, points: RoomStatePoints, heroes: readonly string[], options: StateSectionOptions): string[] {
  const mode = timeline.plan.stateMode;
  const target = options.useStateAfter ? points.end : points.start;
  if (mode === "none" || target === null) return [];
  const { filter } = options;
  const lazy = filter.lazyLoadMembers;
  const chosen = new Set<string>();
  const typeAllowed = (key: string): boolean => filter.state.matchesType(key.slice(0, key.indexOf("\u0000")));
  if (mode === "full") {
    for (const [key, eventId] of target) {
      if (lazy && key.startsWith(MEMBER_PREFIX)) continue;
      if (typeAllowed(key)) chosen.add(eventId);
    }
  } else if (points.since !== null && points.since !== target) {
    for (const [key, eventId] of target) {
      if (points.since.get(key) !== eventId && typeAllowed(key)) chosen.add(eventId);
    }
  }
  if (lazy) {
    const roomId = timeline.plan.roomId;
    const wanted = new Set<string>();
    for (const event of timeline.events) wanted.add(event.pdu.sender);
    for (const hero of heroes) wanted.add(hero);
    if (mode === "full") wanted.add(options.userId);
    for (const member of wanted) {
      const key = stateMapKey("m.room.member", member);
      const eventId = target.get(key);
      if (eventId === undefined || chosen.has(eventId) || !typeAllowed(key)) continue;
      if (!filter.includeRedundantMembers && options.lazyMembers.wasSent(options.userId, options.deviceId, roomId, member, eventId)) continue;
      chosen.add(eventId);
    }
  }
  return [...chosen];
}

