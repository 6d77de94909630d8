/**
 * Positions in a room's timeline for `/messages`, `/context` and `/members?at=`.
 *
 * A position is a gap between two events of the room's topological order (depth, then stream
 * ordering), written as the key of the event just after the gap: the TopologyToken
 * `t<topological>-<stream>` means "before the event at (topological, stream)". Paginating
 * backwards from it returns the events with smaller keys, forwards the event at that key first
 * (as the storage queries compare, and as /sync's `prev_batch` is made). The start of the room is
 * `t0-0`; the gap after an event is its key with the stream ordering plus one.
 *
 * `/sync` tokens are accepted too (https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3roomsroomidmessages:
 * "This token can be obtained from a `prev_batch` or `next_batch` token returned by the `/sync`
 * endpoint"): a stream position P is the gap after the room's latest event with a stream
 * ordering of at most P.
 */
import { parsePaginationToken, TopologyToken } from "../../sync/topology-token.js";
import type { EventsStore, StoredEvent } from "../../storage/stores/events-store.js";
import { isDeparted, type RoomAccess } from "./visibility.js";

/** The gap before every event of a room. */
export const ROOM_START = new TopologyToken(0, 0);

const END_KEY = { topologicalOrdering: Number.MAX_SAFE_INTEGER, streamOrdering: Number.MAX_SAFE_INTEGER };

export type PositionEventsStore = Pick<EventsStore, "selectEventsInRoomByTopology" | "selectEventsInRoomBefore" | "selectEventsByIds">;

type EventKey = Pick<StoredEvent, "topologicalOrdering" | "streamOrdering">;

/** The gap just after `event`. */
export function positionAfter(event: EventKey): TopologyToken {
  return new TopologyToken(event.topologicalOrdering, event.streamOrdering + 1);
}

/**
 * The gap just before `event`. Local and federated events have stream orderings from 1 (only
 * backfilled ones, which this server does not fetch yet, go below), so the key stays valid.
 */
export function positionBefore(event: EventKey): TopologyToken {
  return new TopologyToken(event.topologicalOrdering, Math.max(0, event.streamOrdering));
}

/** Whether `event` lies after the gap `position`. */
export function isAfter(event: EventKey, position: TopologyToken): boolean {
  return event.topologicalOrdering > position.topological
    || (event.topologicalOrdering === position.topological && event.streamOrdering >= position.stream);
}

/** The earlier of two gaps. */
export function earlier(a: TopologyToken, b: TopologyToken): TopologyToken {
  return a.isBefore(b) ? a : b;
}

export class RoomPositions {
  constructor(private readonly events: PositionEventsStore) {}

  /** The gap after the room's last event (the start when it has none). */
  async end(roomId: string): Promise<TopologyToken> {
    const [last] = await this.events.selectEventsInRoomByTopology(roomId, END_KEY, "b", 1);
    return last ? positionAfter(last) : ROOM_START;
  }

  /** A `/messages`-style token as a gap. Throws 400 M_INVALID_PARAM for a malformed token. */
  async resolve(roomId: string, token: string): Promise<TopologyToken> {
    const parsed = parsePaginationToken(token);
    if (parsed.kind === "topology") return parsed.token;
    const [last] = await this.events.selectEventsInRoomBefore(roomId, parsed.token.pdu, 1);
    return last ? positionAfter(last) : ROOM_START;
  }

  /**
   * Up to `limit` timeline events on one side of `position`: before it newest first (`b`), or
   * after it oldest first (`f`).
   */
  async page(roomId: string, position: TopologyToken, dir: "b" | "f", limit: number): Promise<StoredEvent[]> {
    // The store compares strictly; "after the gap" includes the event the gap precedes.
    const key = dir === "b"
      ? { topologicalOrdering: position.topological, streamOrdering: position.stream }
      : { topologicalOrdering: position.topological, streamOrdering: position.stream - 1 };
    return this.events.selectEventsInRoomByTopology(roomId, key, dir, limit);
  }

  /**
   * The gap after a departed user's leave or ban, past which they read nothing ("After a user has
   * left a room, they may see any events which they were allowed to see before they left the
   * room, but no events received after they left"); null when they may read on.
   */
  async readLimit(access: RoomAccess): Promise<TopologyToken | null> {
    if (!isDeparted(access) || access.worldReadable) return null;
    const eventId = access.memberEvent!.eventId;
    const row = (await this.events.selectEventsByIds([eventId])).get(eventId);
    return row ? positionAfter(row) : null;
  }

  /** The last timeline event at or before the gap, or null. */
  async eventBefore(roomId: string, position: TopologyToken): Promise<StoredEvent | null> {
    const [event] = await this.page(roomId, position, "b", 1);
    return event ?? null;
  }
}
