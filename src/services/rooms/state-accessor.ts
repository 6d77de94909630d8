/**
 * Reads of persisted room events and state for the persister and its callers, with the caches
 * they need: parsed events (an LRU of immutable Pdus with their rejection and stream facts) and
 * room versions. State groups are cached by the state store itself (immutable, so never stale).
 *
 * Everything here reads committed data only; events of a batch still being written are seen
 * through an EventOverlay (see event-persister-batch.ts).
 */
import type { PduJson } from "../../matrix/pdu-json.js";
import { Pdu } from "../../room/pdu.js";
import { getRoomVersion, type RoomVersionRules } from "../../room/room-versions.js";
import { LruCache } from "../../storage/lru-cache.js";
import type { StoredEvent } from "../../storage/stores/events-store.js";
import type { EventPersisterStores } from "./event-persister-types.js";

/** A persisted event with the facts about it that never change once written. */
export interface EventEntry {
  pdu: Pdu;
  rejected: boolean;
  /** Stored without state (auth chains, events whose state we do not know). */
  outlier: boolean;
  softFailed: boolean;
  streamOrdering: number;
}

/** Events written in the running batch, not yet committed; consulted before storage. */
export type EventOverlay = ReadonlyMap<string, EventEntry>;

const ROOM_VERSION_CACHE_SIZE = 10_000;
/**
 * Parsed events kept by default, ~1.2 KiB each (~2.4 MiB when full; 10,000 held ~12 MiB): the
 * events new events need in a few hundred active rooms (each room's auth events and latest
 * events) and the just-persisted events the push and sync readers ask for; older ones are read
 * from storage. The sync event cache keeps the same recent events and shares their Pdu objects.
 */
const EVENT_CACHE_SIZE = 2_000;

export class StateAccessor {
  private readonly events: LruCache<string, EventEntry>;
  private readonly roomVersions = new LruCache<string, RoomVersionRules>(ROOM_VERSION_CACHE_SIZE);

  constructor(
    private readonly stores: Pick<EventPersisterStores, "events" | "state" | "rooms">,
    eventCacheSize = EVENT_CACHE_SIZE,
  ) {
    this.events = new LruCache(eventCacheSize);
  }

  /** The room's version rules; null for a room we do not know (or a version we do not support). */
  async getRoomVersion(roomId: string): Promise<RoomVersionRules | null> {
    const cached = this.roomVersions.get(roomId);
    if (cached) return cached;
    const room = await this.stores.rooms.selectRoom(roomId);
    const rules = room === null ? null : getRoomVersion(room.roomVersion);
    if (rules !== null) this.roomVersions.set(roomId, rules);
    return rules;
  }

  /** Records a room's version once its row is committed. */
  rememberRoomVersion(roomId: string, rules: RoomVersionRules): void {
    this.roomVersions.set(roomId, rules);
  }

  async getEvent(eventId: string, overlay?: EventOverlay): Promise<Pdu | null> {
    return (await this.getEntry(eventId, overlay))?.pdu ?? null;
  }

  async getEntry(eventId: string, overlay?: EventOverlay): Promise<EventEntry | null> {
    const pending = overlay?.get(eventId);
    if (pending) return pending;
    const cached = this.events.get(eventId);
    if (cached) return cached;
    return (await this.getEntries([eventId])).get(eventId) ?? null;
  }

  /** The stored events among `eventIds` (missing ones are absent), one query for the uncached. */
  async getEntries(eventIds: Iterable<string>, overlay?: EventOverlay): Promise<Map<string, EventEntry>> {
    const out = new Map<string, EventEntry>();
    const missing: string[] = [];
    for (const eventId of eventIds) {
      if (out.has(eventId)) continue;
      const entry = overlay?.get(eventId) ?? this.events.get(eventId);
      if (entry) out.set(eventId, entry);
      else missing.push(eventId);
    }
    if (missing.length === 0) return out;
    const rows = await this.stores.events.selectEventsByIds(missing);
    for (const row of rows.values()) {
      const entry = await this.toEntry(row);
      if (entry === null) continue;
      this.events.set(row.eventId, entry);
      out.set(row.eventId, entry);
    }
    return out;
  }

  /** Adds committed events to the cache. */
  cacheEntry(entry: EventEntry): void {
    this.events.set(entry.pdu.eventId, entry);
  }

  /** The state group after (or before) each event; events without state are absent. */
  async getStateGroups(eventIds: readonly string[]): Promise<Map<string, { before: number; after: number }>> {
    const rows = await this.stores.state.selectEventStateGroups(eventIds);
    const out = new Map<string, { before: number; after: number }>();
    for (const [eventId, row] of rows) out.set(eventId, { before: row.stateGroupBefore, after: row.stateGroupAfter });
    return out;
  }

  /** The room state after the event (stateMapKey → event ID); null for outliers and unknown events. */
  async getStateAfter(eventId: string): Promise<ReadonlyMap<string, string> | null> {
    const group = (await this.getStateGroups([eventId])).get(eventId);
    return group === undefined ? null : this.stores.state.selectStateGroup(group.after);
  }

  /** The room state before the event; null for outliers and unknown events. */
  async getStateBefore(eventId: string): Promise<ReadonlyMap<string, string> | null> {
    const group = (await this.getStateGroups([eventId])).get(eventId);
    return group === undefined ? null : this.stores.state.selectStateGroup(group.before);
  }

  private async toEntry(row: StoredEvent): Promise<EventEntry | null> {
    const rules = await this.getRoomVersion(row.roomId);
    if (rules === null) return null;
    const pdu = Pdu.fromJson(JSON.parse(row.json) as PduJson, rules, row.eventId);
    return {
      pdu,
      rejected: row.rejectedReason !== null,
      outlier: row.outlier,
      softFailed: row.softFailed,
      streamOrdering: row.streamOrdering,
    };
  }
}
