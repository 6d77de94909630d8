/**
 * Reading relationships: `GET /rooms/{roomId}/relations/{eventId}[/{relType}[/{eventType}]]` and
 * `GET /rooms/{roomId}/threads`, filtered by history visibility (visibility.ts) like /messages.
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1roomsroomidrelationseventid
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1roomsroomidthreads
 *
 * Relation pages use /messages positions (room-positions.ts): "Can be a `next_batch` or
 * `prev_batch` token from a previous call, or a returned `start` token from `/messages`, or a
 * `next_batch` token from `/sync`". Children are "ordered topologically"; `dir` `b` (default)
 * returns them newest first from `from`, `f` oldest first. With `recurse`, children of children
 * come too, RECURSION_DEPTH levels down ("Homeservers SHOULD traverse at least 3 levels").
 *
 * The thread list is "ordered by the `latest_event` in each event's aggregated children": here
 * by the stream ordering of each thread's latest event; `next_batch` is that ordering of the last
 * root returned (the next page has threads whose latest event is older).
 *
 * Events sent by users the requester ignores (`m.ignored_user_list`) are left out of both, as of
 * /sync: their children, and the threads they started.
 */
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { ClientEventJson, PduJson } from "../../matrix/pdu-json.js";
import { Pdu } from "../../room/pdu.js";
import type { EventRelationsStore, RelationKey } from "../../storage/stores/event-relations-store.js";
import type { EventsStore } from "../../storage/stores/events-store.js";
import type { TopologyToken } from "../../sync/topology-token.js";
import type { EventPersister } from "./event-persister.js";
import type { RoomEventSerializer } from "./room-event-serializer.js";
import { earlier, isAfter, positionAfter, positionBefore, ROOM_START, type RoomPositions } from "./room-positions.js";
import type { PositionedEvent, RoomVisibility, VisibleEvent } from "./visibility.js";

export const RECURSION_DEPTH = 3;
export const DEFAULT_RELATIONS_LIMIT = 50;
export const MAX_RELATIONS_LIMIT = 1000;
export const DEFAULT_THREADS_LIMIT = 20;
export const MAX_THREADS_LIMIT = 100;
/** Children (or thread roots) looked at for one page at most. */
const MAX_SCANNED = 1000;
const END_KEY: RelationKey = { topologicalOrdering: Number.MAX_SAFE_INTEGER, streamOrdering: Number.MAX_SAFE_INTEGER };

export interface RelationsDeps {
  reader: Pick<EventPersister, "getRoomVersion" | "getEvents">;
  events: Pick<EventsStore, "selectEventsByIds">;
  relations: Pick<EventRelationsStore, "selectRelationsPage" | "selectThreadRoots">;
  positions: Pick<RoomPositions, "resolve" | "readLimit">;
  visibility: Pick<RoomVisibility, "requireReadable" | "filterVisible">;
  serializer: Pick<RoomEventSerializer, "serialize">;
  /** The users a user ignores. Default: none. */
  ignoredUsers?: (userId: string) => Promise<ReadonlySet<string>>;
}

export interface RelationsRequest {
  relType?: string;
  eventType?: string;
  from?: string;
  to?: string;
  limit?: number;
  dir?: "b" | "f";
  recurse?: boolean;
}

export interface RelationsResponse {
  chunk: ClientEventJson[];
  next_batch?: string;
  prev_batch?: string;
  recursion_depth?: number;
}

export interface ThreadsRequest {
  include?: "all" | "participated";
  from?: string;
  limit?: number;
}

export interface ThreadsResponse {
  chunk: ClientEventJson[];
  next_batch?: string;
}

export class RoomRelationsService {
  constructor(private readonly deps: RelationsDeps) {}

  /**
   * The children of `eventId`. 403 M_FORBIDDEN when the user may not read the room, 404
   * M_NOT_FOUND when "the parent event was not found or the user does not have permission to
   * read this event", 400 M_INVALID_PARAM for a malformed token.
   */
  async getRelations(userId: string, roomId: string, eventId: string, req: RelationsRequest): Promise<RelationsResponse> {
    const access = await this.deps.visibility.requireReadable(userId, roomId);
    const parent = (await this.deps.events.selectEventsByIds([eventId])).get(eventId);
    const rules = await this.deps.reader.getRoomVersion(roomId);
    if (!parent || rules === null || parent.roomId !== roomId || parent.outlier || parent.rejectedReason !== null || parent.softFailed) throw notFound();
    const parentPdu = Pdu.fromJson(JSON.parse(parent.json) as PduJson, rules, parent.eventId);
    if ((await this.deps.visibility.filterVisible(userId, [{ pdu: parentPdu, streamOrdering: parent.streamOrdering }])).length === 0) throw notFound();

    const dir = req.dir ?? "b";
    const limit = Math.min(req.limit ?? DEFAULT_RELATIONS_LIMIT, MAX_RELATIONS_LIMIT);
    let from: TopologyToken | null = req.from === undefined ? null : await this.deps.positions.resolve(roomId, req.from);
    let to = req.to === undefined ? null : await this.deps.positions.resolve(roomId, req.to);
    const departure = await this.deps.positions.readLimit(access);
    if (departure !== null) {
      if (dir === "b") from = from === null ? departure : earlier(from, departure);
      else to = to === null ? departure : earlier(to, departure);
    }
    const depth = req.recurse === true ? RECURSION_DEPTH : 1;
    const response: RelationsResponse = { chunk: [] };
    if (req.from !== undefined) response.prev_batch = req.from;
    if (req.recurse !== undefined) response.recursion_depth = depth;
    if (limit <= 0) return response;

    // The store compares strictly; "after the gap" includes the event the gap precedes.
    let key: RelationKey = from === null
      ? (dir === "b" ? END_KEY : { topologicalOrdering: ROOM_START.topological, streamOrdering: -1 })
      : { topologicalOrdering: from.topological, streamOrdering: dir === "b" ? from.stream : from.stream - 1 };
    const ignored = await this.ignored(userId);
    const found: VisibleEvent[] = [];
    let scanned = 0;
    const batchSize = Math.min(Math.max(limit * 2, 20), MAX_SCANNED);
    for (;;) {
      const page = await this.deps.relations.selectRelationsPage({ roomId, parentId: eventId, relType: req.relType, eventType: req.eventType, key, dir, limit: batchSize, depth });
      let rows = page;
      let reachedTo = false;
      if (to !== null) {
        const cut = rows.findIndex((row) => (dir === "b" ? !isAfter(row, to!) : isAfter(row, to!)));
        if (cut >= 0) {
          rows = rows.slice(0, cut);
          reachedTo = true;
        }
      }
      const pdus = await this.deps.reader.getEvents(rows.map((row) => row.eventId));
      const candidates: PositionedEvent[] = [];
      for (const row of rows) {
        const pdu = pdus.get(row.eventId);
        if (pdu !== undefined && !(pdu.stateKey === undefined && ignored.has(pdu.sender))) candidates.push({ pdu, streamOrdering: row.streamOrdering });
      }
      const rowOf = new Map(rows.map((row) => [row.eventId, row]));
      for (const event of await this.deps.visibility.filterVisible(userId, candidates)) {
        found.push(event);
        if (found.length === limit) {
          const row = rowOf.get(event.pdu.eventId)!;
          response.next_batch = (dir === "b" ? positionBefore(row) : positionAfter(row)).toString();
          return this.finish(userId, response, found);
        }
      }
      scanned += rows.length;
      const last = rows.at(-1);
      if (reachedTo || page.length < batchSize) return this.finish(userId, response, found);
      if (last) key = last;
      if (scanned >= MAX_SCANNED) {
        response.next_batch = (dir === "b" ? positionBefore(last!) : positionAfter(last!)).toString();
        return this.finish(userId, response, found);
      }
    }
  }

  /** The thread roots of a room the user may see, latest activity first. 403 M_FORBIDDEN when the user may not read the room. */
  async getThreads(userId: string, roomId: string, req: ThreadsRequest): Promise<ThreadsResponse> {
    await this.deps.visibility.requireReadable(userId, roomId);
    let before = Number.MAX_SAFE_INTEGER;
    if (req.from !== undefined) {
      if (!/^\d{1,15}$/.test(req.from)) throw new MatrixError(400, ErrCode.InvalidParam, "Unknown pagination token");
      before = Number(req.from);
    }
    const limit = Math.min(req.limit ?? DEFAULT_THREADS_LIMIT, MAX_THREADS_LIMIT);
    const participant = req.include === "participated" ? userId : undefined;
    const rules = await this.deps.reader.getRoomVersion(roomId);
    const response: ThreadsResponse = { chunk: [] };
    if (rules === null) return response;
    const ignored = await this.ignored(userId);
    const found: VisibleEvent[] = [];
    let scanned = 0;
    const batchSize = Math.min(Math.max(limit * 2, 20), MAX_SCANNED);
    for (;;) {
      const roots = await this.deps.relations.selectThreadRoots({ roomId, before, limit: batchSize, participant });
      const rows = await this.deps.events.selectEventsByIds(roots.map((root) => root.rootId));
      const candidates: PositionedEvent[] = [];
      const latestOf = new Map<string, number>();
      for (const root of roots) {
        const row = rows.get(root.rootId);
        latestOf.set(root.rootId, root.latest);
        if (!row || row.roomId !== roomId || row.outlier || row.rejectedReason !== null || row.softFailed || ignored.has(row.sender)) continue;
        candidates.push({ pdu: Pdu.fromJson(JSON.parse(row.json) as PduJson, rules, row.eventId), streamOrdering: row.streamOrdering });
      }
      for (const event of await this.deps.visibility.filterVisible(userId, candidates)) {
        found.push(event);
        if (found.length === limit) {
          response.next_batch = String(latestOf.get(event.pdu.eventId)!);
          return this.finish(userId, response, found);
        }
      }
      scanned += roots.length;
      if (roots.length < batchSize) return this.finish(userId, response, found);
      before = roots.at(-1)!.latest;
      if (scanned >= MAX_SCANNED) {
        response.next_batch = String(before);
        return this.finish(userId, response, found);
      }
    }
  }

  private ignored(userId: string): Promise<ReadonlySet<string>> {
    return this.deps.ignoredUsers === undefined ? Promise.resolve(new Set()) : this.deps.ignoredUsers(userId);
  }

  /** Serializes `events` into `response.chunk`, with their bundled aggregations. */
  private async finish<T extends { chunk: ClientEventJson[] }>(userId: string, response: T, events: readonly VisibleEvent[]): Promise<T> {
    const stateBefore = new Map(events.map((e) => [e.pdu.eventId, e.stateBefore]));
    response.chunk = await this.deps.serializer.serialize(events.map((e) => e.pdu), { stateBefore, bundleFor: userId });
    return response;
  }
}

function notFound(): MatrixError {
  return new MatrixError(404, ErrCode.NotFound, "Event not found");
}
