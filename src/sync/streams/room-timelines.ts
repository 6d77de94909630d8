/**
 * The timelines of a sync: for each planned room, its latest events in the plan's range that
 * pass the timeline filter, are not from ignored users (state events excepted, "State events
 * will still be sent to the client, even if the user is ignored") and that the user may see
 * (sync-visibility.ts), at most `limit`, with `limited` when more exist.
 *
 * Reads are batched: incremental ranges come from the event window when it covers them, the
 * rest from ONE statement for every room (limit + 1 events each). Only a room whose filter or
 * visibility rejected events reads again, further back.
 */
import type { SyncEventRow, SyncStore } from "../../storage/stores/sync-store.js";
import { stateMapKey } from "../../room/state-map.js";
import type { SyncFilter } from "../filters.js";
import type { SyncEvent, SyncEventCache } from "../sync-event-cache.js";
import type { EventWindow } from "../sync-event-window.js";
import type { UserMemberships } from "../sync-memberships.js";
import type { SyncStateReader } from "../sync-state.js";
import { historyVisibilityOf, isEventVisible, RoomMembershipHistory, type HistoryVisibility } from "../sync-visibility.js";
import type { TimelinePlan } from "./room-plans.js";

export interface SelectedTimeline {
  readonly plan: TimelinePlan;
  /** Oldest first. */
  readonly events: SyncEvent[];
  readonly limited: boolean;
  /** The newest event of the room in the plan's range, returned or not (null: none). */
  readonly latest: SyncEvent | null;
  /** The oldest event read from the range, returned or not (null: none). */
  readonly earliest: SyncEvent | null;
  /** Whether every event of the range was read (then `earliest` is the range's first event). */
  readonly complete: boolean;
  readonly history: RoomMembershipHistory;
}

export interface TimelineSelectorDeps {
  store: Pick<SyncStore, "selectLatestEventsInRooms">;
  window: Pick<EventWindow, "range">;
  events: SyncEventCache;
  state: SyncStateReader;
}

export interface TimelineRequest {
  readonly userId: string;
  readonly filter: SyncFilter;
  readonly ignoredUsers: ReadonlySet<string>;
  readonly memberships: UserMemberships;
}

const HISTORY_VISIBILITY_KEY = stateMapKey("m.room.history_visibility", "");

interface RoomCandidates {
  readonly plan: TimelinePlan;
  readonly history: RoomMembershipHistory;
  /** Newest first. */
  readonly events: SyncEvent[];
  /** Whether `events` holds every event of the range. */
  exhausted: boolean;
  /** Candidates examined so far, and the accepted ones (newest first). */
  examined: number;
  readonly selected: SyncEvent[];
}

export class TimelineSelector {
  constructor(private readonly deps: TimelineSelectorDeps) {}

  async select(plans: readonly TimelinePlan[], request: TimelineRequest): Promise<SelectedTimeline[]> {
    const limit = request.filter.timelineLimit;
    const rooms = new Map<string, RoomCandidates>();
    for (const plan of plans) {
      rooms.set(plan.roomId, {
        plan,
        history: new RoomMembershipHistory(request.memberships.byRoom.get(plan.roomId) ?? []),
        events: [],
        exhausted: false,
        examined: 0,
        selected: [],
      });
    }
    for (const room of rooms.values()) {
      if (room.plan.after !== null && room.plan.after >= room.plan.upTo) room.exhausted = true; // an empty range
    }
    await this.fromWindow(rooms);
    await this.fromStore([...rooms.values()].filter((room) => !room.exhausted), limit + 1, null);

    let pending = [...rooms.values()];
    while (pending.length > 0) {
      await this.accept(pending, request, limit + 1);
      const short = pending.filter((room) => room.selected.length <= limit && !room.exhausted);
      await this.fromStore(short, 2 * (limit + 1), "older");
      pending = short;
    }
    const out: SelectedTimeline[] = [];
    for (const room of rooms.values()) {
      const limited = room.selected.length > limit;
      const events = room.selected.slice(0, limit).reverse();
      out.push({
        plan: room.plan,
        events,
        limited,
        latest: room.events[0] ?? null,
        earliest: room.events[room.events.length - 1] ?? null,
        complete: room.exhausted,
        history: room.history,
      });
    }
    return out;
  }

  /** Incremental ranges the event window covers: one slice per distinct `after`. */
  private async fromWindow(rooms: Map<string, RoomCandidates>): Promise<void> {
    const byAfter = new Map<number, RoomCandidates[]>();
    for (const room of rooms.values()) {
      const after = room.plan.after;
      if (after === null || room.exhausted) continue;
      let list = byAfter.get(after);
      if (list === undefined) byAfter.set(after, (list = []));
      list.push(room);
    }
    for (const [after, list] of byAfter) {
      let upTo = after;
      for (const room of list) if (room.plan.upTo > upTo) upTo = room.plan.upTo;
      const events = await this.deps.window.range(after, upTo);
      if (events === null) continue;
      for (const room of list) room.exhausted = true;
      for (let i = events.length - 1; i >= 0; i--) {
        const event = events[i]!;
        const room = rooms.get(event.pdu.roomId);
        if (room !== undefined && room.plan.after === after && event.streamOrdering <= room.plan.upTo) room.events.push(event);
      }
    }
  }

  /** Reads `limit` more events of each room: its latest (`older` null) or those before its oldest candidate. */
  private async fromStore(rooms: readonly RoomCandidates[], limit: number, older: "older" | null): Promise<void> {
    if (rooms.length === 0) return;
    const ranges = rooms.map((room) => {
      const oldest = older === null ? undefined : room.events[room.events.length - 1];
      return { roomId: room.plan.roomId, after: room.plan.after, upTo: oldest === undefined ? room.plan.upTo : oldest.streamOrdering - 1 };
    });
    const rows = await this.deps.store.selectLatestEventsInRooms(ranges, limit);
    for (const room of rooms) {
      const roomRows: SyncEventRow[] = rows.get(room.plan.roomId) ?? [];
      for (const event of await this.deps.events.fromRows(roomRows)) room.events.push(event);
      room.exhausted = roomRows.length < limit;
    }
  }

  /** Examines the new candidates of each room, newest first, until `wanted` are accepted. */
  private async accept(rooms: readonly RoomCandidates[], request: TimelineRequest, wanted: number): Promise<void> {
    const visibility = await this.historyVisibilities(rooms, request.userId);
    const { filter, ignoredUsers, userId } = request;
    for (const room of rooms) {
      for (; room.examined < room.events.length && room.selected.length < wanted; room.examined++) {
        const event = room.events[room.examined]!;
        const pdu = event.pdu;
        const filterable = { type: pdu.type, sender: pdu.sender, room_id: pdu.roomId, content: pdu.content };
        if (!filter.timeline.matches(filterable)) continue;
        if (pdu.stateKey === undefined && ignoredUsers.has(pdu.sender)) continue;
        const hv = visibility.get(pdu.eventId);
        if (hv !== undefined) {
          const visible = isEventVisible({ type: pdu.type, stateKey: pdu.stateKey, streamOrdering: event.streamOrdering }, userId, room.history, hv.before, hv.after);
          if (!visible) continue;
        }
        room.selected.push(event);
      }
    }
  }

  /**
   * The history visibility before and after each candidate at which the user was not joined
   * (joined members see everything, rule 2), read from the state before the event.
   */
  private async historyVisibilities(
    rooms: readonly RoomCandidates[],
    userId: string,
  ): Promise<Map<string, { before: HistoryVisibility; after: HistoryVisibility }>> {
    const needed: SyncEvent[] = [];
    for (const room of rooms) {
      for (let i = room.examined; i < room.events.length; i++) {
        const event = room.events[i]!;
        const pdu = event.pdu;
        if (pdu.type === "m.room.member" && pdu.stateKey === userId) continue;
        if (room.history.at(event.streamOrdering) !== "join") needed.push(event);
      }
    }
    const out = new Map<string, { before: HistoryVisibility; after: HistoryVisibility }>();
    if (needed.length === 0) return out;
    const groups = await this.deps.state.groupsOf(needed.map((e) => e.pdu.eventId));
    const hvEventIds = new Map<string, string | undefined>();
    for (const event of needed) {
      const group = groups.get(event.pdu.eventId);
      if (group === undefined) {
        // No state known for the event: show it only to members (the strictest setting).
        out.set(event.pdu.eventId, { before: "joined", after: "joined" });
        continue;
      }
      hvEventIds.set(event.pdu.eventId, (await this.deps.state.state(group.before)).get(HISTORY_VISIBILITY_KEY));
    }
    const hvEvents = await this.deps.events.getMany([...hvEventIds.values()].filter((id): id is string => id !== undefined));
    for (const event of needed) {
      const pdu = event.pdu;
      if (!hvEventIds.has(pdu.eventId)) continue;
      const hvId = hvEventIds.get(pdu.eventId);
      const before = historyVisibilityOf(hvId === undefined ? undefined : hvEvents.get(hvId)?.pdu.content);
      const after = pdu.type === "m.room.history_visibility" && pdu.stateKey === "" ? historyVisibilityOf(pdu.content) : before;
      out.set(pdu.eventId, { before, after });
    }
    return out;
  }
}
