/**
 * The room events /sync serves, parsed once and shared by every sync that sends them: an LRU of
 * SyncEvents by event ID, filled by batched reads (one statement for every missing event of a
 * sync). A SyncEvent carries the facts sync needs beside the immutable PDU: its stream and
 * topological positions, the redaction that redacted it (the one fact that changes; the event
 * window updates it when it sees the redaction arrive) and, when known, the client transaction
 * that sent it.
 */
import type { PduJson } from "../matrix/pdu-json.js";
import { Pdu } from "../room/pdu.js";
import type { RoomVersionRules } from "../room/room-versions.js";
import { LruCache } from "../storage/lru-cache.js";
import type { SyncEventRow, SyncStore } from "../storage/stores/sync-store.js";

/** The client transaction an event was sent with (its sender is the user). */
export interface EventTxn {
  readonly deviceId: string;
  readonly txnId: string;
}

export interface SyncEvent {
  readonly pdu: Pdu;
  readonly streamOrdering: number;
  readonly topologicalOrdering: number;
  /** The redaction event that redacted this one, or null. */
  redactedBy: string | null;
  /** The client transaction that sent it; null when none; undefined when not looked up yet. */
  txn: EventTxn | null | undefined;
}

export interface SyncEventCacheDeps {
  store: Pick<SyncStore, "selectEventsByIds">;
  /** The room's version rules (null for an unknown room): the persister's cached lookup. */
  roomVersion(roomId: string): Promise<RoomVersionRules | null>;
  /**
   * Events kept; default 2,000, ~0.4 KiB each beside the Pdu shared with the persister's cache:
   * the last seconds of events at a thousand sends per second, which is what syncing clients are
   * sent next; older ones are read back, one statement per sync.
   */
  capacity?: number;
}

export class SyncEventCache {
  private readonly events: LruCache<string, SyncEvent>;
  /** Room versions never change: remembered here so a timeline's rows cost one lookup per room. */
  private readonly versions = new LruCache<string, RoomVersionRules>(10_000);

  constructor(private readonly deps: SyncEventCacheDeps) {
    this.events = new LruCache(deps.capacity ?? 2_000);
  }

  /**
   * Caches an event known without reading storage (one the persister has just committed); a
   * cached copy stays (it may carry a redaction mark), learning the transaction if it lacked it.
   */
  remember(event: SyncEvent): void {
    const cached = this.events.get(event.pdu.eventId);
    if (cached === undefined) this.events.set(event.pdu.eventId, event);
    else if (cached.txn === undefined) cached.txn = event.txn;
  }

  /** The cached event, without reading storage. */
  peek(eventId: string): SyncEvent | undefined {
    return this.events.get(eventId);
  }

  /** The events among `eventIds` (unknown ones absent), one read for the uncached ones. */
  async getMany(eventIds: Iterable<string>): Promise<Map<string, SyncEvent>> {
    const out = new Map<string, SyncEvent>();
    const missing: string[] = [];
    for (const eventId of eventIds) {
      if (out.has(eventId)) continue;
      const cached = this.events.get(eventId);
      if (cached !== undefined) out.set(eventId, cached);
      else missing.push(eventId);
    }
    if (missing.length === 0) return out;
    const rows = await this.deps.store.selectEventsByIds(missing);
    for (const event of await this.fromRows(rows.values())) out.set(event.pdu.eventId, event);
    return out;
  }

  /**
   * SyncEvents for rows read elsewhere (timelines), in the rows' order; a row whose event is
   * cached yields the cached object, so redaction marks stay shared.
   */
  async fromRows(rows: Iterable<SyncEventRow>): Promise<SyncEvent[]> {
    const list = Array.isArray(rows) ? (rows as SyncEventRow[]) : [...rows];
    // Room versions first (one lookup per room), then the rows without awaiting per row.
    const versions = new Map<string, RoomVersionRules | null>();
    for (const row of list) {
      if (!versions.has(row.roomId) && this.events.get(row.eventId) === undefined) versions.set(row.roomId, await this.roomVersion(row.roomId));
    }
    const out: SyncEvent[] = [];
    for (const row of list) {
      const cached = this.events.get(row.eventId);
      if (cached !== undefined) {
        if (row.redactedBy !== null && cached.redactedBy === null) cached.redactedBy = row.redactedBy;
        out.push(cached);
        continue;
      }
      const rules = versions.get(row.roomId) ?? null;
      if (rules === null) continue;
      const event: SyncEvent = {
        pdu: Pdu.fromJson(JSON.parse(row.json) as PduJson, rules, row.eventId),
        streamOrdering: row.streamOrdering,
        topologicalOrdering: row.topologicalOrdering,
        redactedBy: row.redactedBy,
        txn: undefined,
      };
      this.events.set(row.eventId, event);
      out.push(event);
    }
    return out;
  }

  private async roomVersion(roomId: string): Promise<RoomVersionRules | null> {
    const cached = this.versions.get(roomId);
    if (cached !== undefined) return cached;
    const rules = await this.deps.roomVersion(roomId);
    if (rules !== null) this.versions.set(roomId, rules);
    return rules;
  }

  /** Records a redaction of a cached event. */
  noteRedaction(eventId: string, redactedBy: string): void {
    const event = this.events.get(eventId);
    if (event !== undefined && event.redactedBy === null) event.redactedBy = redactedBy;
  }

  /** Forgets everything (after a gap in the event window: redactions may have been missed). */
  clear(): void {
    this.events.clear();
  }
}
