/**
 * Reading a room's timeline: `/rooms/{roomId}/messages`, `/context/{eventId}`, `/event/{eventId}`
 * and `/timestamp_to_event`, each filtered by history visibility (visibility.ts).
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3roomsroomidmessages
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3roomsroomidcontexteventid
 *
 * Pages are read in batches until enough events pass the filter and the visibility rules, or
 * MAX_SCANNED events were looked at (a user who joined a `joined`-visibility room late sees an
 * empty page with an `end` token rather than a scan of all history). A user who left (or was
 * banned) reads nothing past their departure, unless the room is world-readable.
 */
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { ClientEventJson, PduJson } from "../../matrix/pdu-json.js";
import { Pdu } from "../../room/pdu.js";
import type { RoomVersionRules } from "../../room/room-versions.js";
import { stateMapKey } from "../../room/state-map.js";
import type { EventsStore, StoredEvent } from "../../storage/stores/events-store.js";
import { RoomEventFilter } from "../../sync/room-event-filter.js";
import type { TopologyToken } from "../../sync/topology-token.js";
import type { EventPersister } from "./event-persister.js";
import type { RoomEventSerializer } from "./room-event-serializer.js";
import { earlier, isAfter, positionAfter, positionBefore, ROOM_START, type RoomPositions } from "./room-positions.js";
import type { RoomVisibility, VisibleEvent } from "./visibility.js";

/** Events looked at for one page at most. */
const MAX_SCANNED = 1000;
const MEMBER_KEY_PREFIX = stateMapKey("m.room.member", "");
const NO_USERS: ReadonlySet<string> = new Set();
export const DEFAULT_MESSAGES_LIMIT = 10;
export const MAX_MESSAGES_LIMIT = 1000;

export interface TimelineDeps {
  reader: Pick<EventPersister, "getRoomVersion" | "getEvents" | "getStateAfter">;
  events: Pick<EventsStore, "selectEventsByIds" | "selectEventsInRoomByTimestamp">;
  positions: RoomPositions;
  visibility: RoomVisibility;
  serializer: RoomEventSerializer;
  /**
   * The users `userId` ignores (`m.ignored_user_list`): their events other than state are left
   * out of /messages and /context, as /sync leaves them out. Default: none.
   */
  ignoredUsers?: (userId: string) => Promise<ReadonlySet<string>>;
}

export interface MessagesRequest {
  dir: "b" | "f";
  from?: string;
  to?: string;
  limit?: number;
  filter?: RoomEventFilter;
}

export interface MessagesResponse {
  start: string;
  end?: string;
  chunk: ClientEventJson[];
  state?: ClientEventJson[];
}

export interface ContextResponse {
  start: string;
  end: string;
  events_before: ClientEventJson[];
  event: ClientEventJson;
  events_after: ClientEventJson[];
  state: ClientEventJson[];
}

/** A search result's context (getEventsAround). */
export interface EventsAround {
  start: string;
  end: string;
  eventsBefore: ClientEventJson[];
  eventsAfter: ClientEventJson[];
  /** The last event of the window (the result itself when nothing follows it). */
  lastEventId: string;
}

/** One direction's worth of visible events, and where the scan stopped. */
interface Scan {
  events: VisibleEvent[];
  /** The gap after the last event looked at, in the scan's direction. */
  position: TopologyToken;
  /** No events are left in the range. */
  exhausted: boolean;
}

export class RoomTimelineService {
  constructor(private readonly deps: TimelineDeps) {}

  /** `GET /rooms/{roomId}/messages`. 403 M_FORBIDDEN when the user may not read the room. */
  async getMessages(userId: string, roomId: string, req: MessagesRequest): Promise<MessagesResponse> {
    const access = await this.deps.visibility.requireReadable(userId, roomId);
    const { positions } = this.deps;
    const limit = Math.min(Math.max(req.limit ?? DEFAULT_MESSAGES_LIMIT, 0), MAX_MESSAGES_LIMIT);
    const filter = req.filter ?? RoomEventFilter.ALL;
    let from = req.from === undefined ? (req.dir === "b" ? await positions.end(roomId) : ROOM_START) : await positions.resolve(roomId, req.from);
    let to = req.to === undefined ? null : await positions.resolve(roomId, req.to);
    const start = req.from ?? from.toString();

    const departure = await positions.readLimit(access);
    if (departure !== null) {
      if (req.dir === "b") from = earlier(from, departure);
      else to = to === null ? departure : earlier(to, departure);
    }
    if (limit === 0 || !filter.roomAllowed(roomId)) return { start, end: from.toString(), chunk: [] };

    const scan = await this.scan(userId, roomId, from, req.dir, limit, filter, to);
    const pdus = scan.events.map((e) => e.pdu);
    const response: MessagesResponse = { start, chunk: await this.serialize(scan.events, userId) };
    if (!scan.exhausted) response.end = scan.position.toString();
    if (filter.lazyLoadMembers && scan.events.length > 0) {
      response.state = await this.senderMembers(scan.events[0]!.stateBefore, pdus, RoomEventFilter.ALL);
    }
    return response;
  }

  /** `GET /rooms/{roomId}/context/{eventId}`: 404 M_NOT_FOUND for an event the user cannot see. */
  async getContext(userId: string, roomId: string, eventId: string, limit = DEFAULT_MESSAGES_LIMIT, filter = RoomEventFilter.ALL): Promise<ContextResponse> {
    const access = await this.deps.visibility.requireReadable(userId, roomId);
    const target = await this.requireVisibleEvent(userId, roomId, eventId);
    const capped = Math.min(Math.max(limit, 0), MAX_MESSAGES_LIMIT);
    const beforeLimit = Math.floor(capped / 2);
    const afterLimit = capped - beforeLimit;
    const departure = await this.deps.positions.readLimit(access);
    const roomAllowed = filter.roomAllowed(roomId);

    const before = roomAllowed && beforeLimit > 0
      ? await this.scan(userId, roomId, positionBefore(target.row), "b", beforeLimit, filter, null)
      : { events: [], position: positionBefore(target.row), exhausted: false };
    const after = roomAllowed && afterLimit > 0
      ? await this.scan(userId, roomId, positionAfter(target.row), "f", afterLimit, filter, departure)
      : { events: [], position: positionAfter(target.row), exhausted: false };

    const last = after.events.at(-1)?.pdu ?? target.visible.pdu;
    const stateIds = (await this.deps.reader.getStateAfter(last.eventId)) ?? new Map<string, string>();
    const timeline = [...before.events.map((e) => e.pdu), target.visible.pdu, ...after.events.map((e) => e.pdu)];
    // One serialization (one read of bundled aggregations) for the three parts.
    const [served, state] = await Promise.all([
      this.serialize([...before.events, target.visible, ...after.events], userId),
      filter.lazyLoadMembers ? this.senderMembers(stateIds, timeline, filter, true) : this.stateEvents(stateIds, filter),
    ]);
    const eventsBefore = served.slice(0, before.events.length);
    const event = served[before.events.length];
    const eventsAfter = served.slice(before.events.length + 1);
    return {
      start: before.position.toString(),
      end: after.position.toString(),
      events_before: eventsBefore,
      event: event!,
      events_after: eventsAfter,
      state,
    };
  }

  /**
   * The visible events around `eventId`, up to `beforeLimit` before and `afterLimit` after it,
   * with the tokens either side: a search result's `context` (POST /search `event_context`).
   * Null when the user cannot see the event.
   */
  async getEventsAround(userId: string, roomId: string, eventId: string, beforeLimit: number, afterLimit: number): Promise<EventsAround | null> {
    const access = await this.deps.visibility.getRoomAccess(userId, roomId);
    const target = await this.requireVisibleEvent(userId, roomId, eventId).catch(() => null);
    if (target === null) return null;
    const departure = await this.deps.positions.readLimit(access);
    const cap = (n: number) => Math.min(Math.max(n, 0), MAX_MESSAGES_LIMIT);
    const before = beforeLimit > 0
      ? await this.scan(userId, roomId, positionBefore(target.row), "b", cap(beforeLimit), RoomEventFilter.ALL, null)
      : { events: [], position: positionBefore(target.row), exhausted: false };
    const after = afterLimit > 0
      ? await this.scan(userId, roomId, positionAfter(target.row), "f", cap(afterLimit), RoomEventFilter.ALL, departure)
      : { events: [], position: positionAfter(target.row), exhausted: false };
    const serialize = (events: readonly VisibleEvent[]) =>
      this.deps.serializer.serialize(events.map((e) => e.pdu), { stateBefore: new Map(events.map((e) => [e.pdu.eventId, e.stateBefore])) });
    const [eventsBefore, eventsAfter] = await Promise.all([serialize(before.events), serialize(after.events)]);
    return {
      start: before.position.toString(),
      end: after.position.toString(),
      eventsBefore,
      eventsAfter,
      lastEventId: (after.events.at(-1)?.pdu ?? target.visible.pdu).eventId,
    };
  }

  /** `GET /rooms/{roomId}/event/{eventId}`: 404 M_NOT_FOUND unless it exists and is visible. */
  async getEvent(userId: string, roomId: string, eventId: string): Promise<ClientEventJson> {
    const access = await this.deps.visibility.getRoomAccess(userId, roomId);
    if (access.forgotten) throw notFound();
    const { visible } = await this.requireVisibleEvent(userId, roomId, eventId);
    return (await this.serialize([visible], userId))[0]!;
  }

  /** `GET /_matrix/client/v1/rooms/{roomId}/timestamp_to_event`. */
  async timestampToEvent(userId: string, roomId: string, ts: number, dir: "b" | "f"): Promise<{ event_id: string; origin_server_ts: number }> {
    await this.deps.visibility.requireReadable(userId, roomId);
    const rules = await this.deps.reader.getRoomVersion(roomId);
    if (rules !== null) {
      const rows = await this.deps.events.selectEventsInRoomByTimestamp(roomId, ts, dir, 50);
      const visible = await this.deps.visibility.filterVisible(userId, rows.map((row) => ({ pdu: toPdu(row, rules), streamOrdering: row.streamOrdering })));
      const first = visible[0];
      if (first) return { event_id: first.pdu.eventId, origin_server_ts: first.pdu.originServerTs };
    }
    throw new MatrixError(404, ErrCode.NotFound, `Unable to find event from ${ts} in ${dir === "f" ? "forward" : "backward"} direction`);
  }

  /**
   * Visible events from `from` in direction `dir`, up to `limit`, stopping at `to` (a gap on the
   * far side) and after MAX_SCANNED events.
   */
  private async scan(
    userId: string,
    roomId: string,
    from: TopologyToken,
    dir: "b" | "f",
    limit: number,
    filter: RoomEventFilter,
    to: TopologyToken | null,
  ): Promise<Scan> {
    const rules = await this.deps.reader.getRoomVersion(roomId);
    const found: VisibleEvent[] = [];
    let position = from;
    let scanned = 0;
    if (rules === null) return { events: found, position, exhausted: true };
    const ignored = this.deps.ignoredUsers === undefined ? NO_USERS : await this.deps.ignoredUsers(userId);
    const batchSize = Math.min(Math.max(limit * 2, 20), MAX_SCANNED);
    for (;;) {
      const page = await this.deps.positions.page(roomId, position, dir, batchSize);
      let rows = page;
      let reachedTo = false;
      if (to !== null) {
        const inRange = dir === "b" ? (row: StoredEvent) => isAfter(row, to) : (row: StoredEvent) => !isAfter(row, to);
        const cut = rows.findIndex((row) => !inRange(row));
        if (cut >= 0) {
          rows = rows.slice(0, cut);
          reachedTo = true;
        }
      }
      const candidates = rows
        .map((row) => ({ pdu: toPdu(row, rules), streamOrdering: row.streamOrdering, row }))
        .filter((e) => (e.pdu.stateKey !== undefined || !ignored.has(e.pdu.sender)) && filter.matches({ type: e.pdu.type, sender: e.pdu.sender, room_id: roomId, content: e.pdu.content }));
      const visible = await this.deps.visibility.filterVisible(userId, candidates);
      const rowOf = new Map(candidates.map((c) => [c.pdu.eventId, c.row]));
      for (const event of visible) {
        found.push(event);
        if (found.length === limit) {
          const row = rowOf.get(event.pdu.eventId)!;
          return { events: found, position: dir === "b" ? positionBefore(row) : positionAfter(row), exhausted: false };
        }
      }
      scanned += rows.length;
      const lastRow = rows.at(-1);
      if (lastRow) position = dir === "b" ? positionBefore(lastRow) : positionAfter(lastRow);
      // Past `to` (the client's, or a departed user's leave) nothing more is for this request.
      if (reachedTo) return { events: found, position: to!, exhausted: true };
      if (page.length < batchSize) return { events: found, position, exhausted: true };
      if (scanned >= MAX_SCANNED) return { events: found, position, exhausted: false };
    }
  }

  private async requireVisibleEvent(userId: string, roomId: string, eventId: string): Promise<{ row: StoredEvent; visible: VisibleEvent }> {
    const row = (await this.deps.events.selectEventsByIds([eventId])).get(eventId);
    const rules = await this.deps.reader.getRoomVersion(roomId);
    if (!row || rules === null || row.roomId !== roomId || row.outlier || row.rejectedReason !== null || row.softFailed) throw notFound();
    const [visible] = await this.deps.visibility.filterVisible(userId, [{ pdu: toPdu(row, rules), streamOrdering: row.streamOrdering }]);
    if (!visible) throw notFound();
    return { row, visible };
  }

  /** Served to `userId`: with the bundled aggregations they see. */
  private serialize(events: readonly VisibleEvent[], userId?: string): Promise<ClientEventJson[]> {
    const stateBefore = new Map(events.map((e) => [e.pdu.eventId, e.stateBefore]));
    return this.deps.serializer.serialize(events.map((e) => e.pdu), { stateBefore, bundleFor: userId });
  }

  /**
   * Lazy-loaded members: "only include membership events for the `sender` of events being
   * included in the response". With `withOtherState`, the rest of the state (minus other members)
   * comes too (for `/context`'s `state`).
   */
  private async senderMembers(
    state: ReadonlyMap<string, string>,
    pdus: readonly Pdu[],
    filter: RoomEventFilter,
    withOtherState = false,
  ): Promise<ClientEventJson[]> {
    const ids = new Set<string>();
    for (const pdu of pdus) {
      const memberId = state.get(stateMapKey("m.room.member", pdu.sender));
      if (memberId !== undefined) ids.add(memberId);
    }
    if (withOtherState) {
      for (const [key, eventId] of state) if (!key.startsWith(MEMBER_KEY_PREFIX)) ids.add(eventId);
    }
    return this.eventsByIds([...ids], filter);
  }

  /** Every state event of `state` passing `filter`. */
  private stateEvents(state: ReadonlyMap<string, string>, filter: RoomEventFilter): Promise<ClientEventJson[]> {
    return this.eventsByIds([...state.values()], filter);
  }

  private async eventsByIds(ids: string[], filter: RoomEventFilter): Promise<ClientEventJson[]> {
    const events = await this.deps.reader.getEvents(ids);
    const pdus = ids.map((id) => events.get(id)).filter((pdu): pdu is Pdu =>
      pdu !== undefined && filter.matches({ type: pdu.type, sender: pdu.sender, room_id: pdu.roomId, content: pdu.content }));
    return this.deps.serializer.serialize(pdus);
  }
}

function toPdu(row: StoredEvent, rules: RoomVersionRules): Pdu {
  return Pdu.fromJson(JSON.parse(row.json) as PduJson, rules, row.eventId);
}

function notFound(): MatrixError {
  return new MatrixError(404, ErrCode.NotFound, "Event not found");
}
