/**
 * events: PDUs with their metadata. The JSON is stored exactly as given and never changes;
 * the mutable facts (outlier, rejected, soft-failed, redacted) are columns beside it.
 *
 * Stream orderings: the database numbers events as they are inserted (identity / AUTOINCREMENT);
 * backfilled events instead get negative, decreasing numbers so sync never sees them as new.
 * On SQLite commits happen in numbering order (one writer). On PostgreSQL two concurrent
 * transactions may commit out of order, so whoever advances the sync position must only move it
 * up to the lowest ordering still being written (Synapse's "persisted upto" position).
 */
import type { DataSource, EntityManager } from "typeorm";
import { toBool, toNumber } from "../dialect.js";
import { BACKFILL_STREAM, StreamPositionsStore } from "./stream-positions-store.js";
import { BaseStore } from "./base-store.js";

export interface NewEvent {
  eventId: string;
  roomId: string;
  type: string;
  stateKey: string | null;
  sender: string;
  depth: number;
  /** Position for /messages; defaults to `depth`. */
  topologicalOrdering?: number;
  originServerTs: number;
  /** The PDU JSON, stored byte for byte. */
  json: string;
  outlier?: boolean;
  rejectedReason?: string | null;
  softFailed?: boolean;
}

export interface StoredEvent extends Required<NewEvent> {
  streamOrdering: number;
  redactedBy: string | null;
}

/** A place in a room's topological order: a /messages pagination token. */
export interface TopologicalPosition {
  topologicalOrdering: number;
  streamOrdering: number;
}

interface EventDbRow {
  stream_ordering: unknown;
  event_id: string;
  room_id: string;
  type: string;
  state_key: string | null;
  sender: string;
  depth: unknown;
  topological_ordering: unknown;
  origin_server_ts: unknown;
  json: string;
  outlier: unknown;
  rejected_reason: string | null;
  soft_failed: unknown;
  redacted_by: string | null;
}

const INSERT_COLUMNS = [
  "event_id", "room_id", "type", "state_key", "sender", "depth", "topological_ordering",
  "origin_server_ts", "json", "outlier", "rejected_reason", "soft_failed",
];
const COLUMNS = `stream_ordering, ${INSERT_COLUMNS.join(", ")}, redacted_by`;
/** Events clients see in a timeline: not outliers, not rejected, not soft-failed. */
const VISIBLE = "outlier = FALSE AND rejected_reason IS NULL AND soft_failed = FALSE";

export class EventsStore extends BaseStore {
  private readonly streamPositions: StreamPositionsStore;

  constructor(db: DataSource) {
    super(db);
    this.streamPositions = new StreamPositionsStore(db);
  }

  /**
   * Inserts events in bulk (multi-row statements) and returns their stream orderings, in input
   * order. Pass events oldest first: orderings follow input order. `backfilled` events get
   * negative orderings below every earlier backfill. Throws UniqueViolationError if an event ID
   * is already stored (check with selectEventIdsExisting first).
   */
  async insertEvents(tx: EntityManager, events: readonly NewEvent[], opts: { backfilled?: boolean } = {}): Promise<number[]> {
    if (events.length === 0) return [];
    const rows = events.map((e) => [
      e.eventId, e.roomId, e.type, e.stateKey, e.sender, e.depth, e.topologicalOrdering ?? e.depth,
      e.originServerTs, e.json, e.outlier ?? false, e.rejectedReason ?? null, e.softFailed ?? false,
    ]);
    if (opts.backfilled) {
      const lowest = await this.streamPositions.updateStreamPositionBy(tx, BACKFILL_STREAM, -events.length);
      // The last event (newest) sits just below the previous backfill; older ones below it.
      const orderings = events.map((_, i) => lowest + i);
      await this.d.insertMany(tx, "events", ["stream_ordering", ...INSERT_COLUMNS], rows.map((row, i) => [orderings[i], ...row]));
      return orderings;
    }
    const returned = await this.d.insertMany<{ event_id: string; stream_ordering: unknown }>(
      tx, "events", INSERT_COLUMNS, rows, "RETURNING event_id, stream_ordering",
    );
    // RETURNING row order is not guaranteed by either engine: match by event ID.
    const byId = new Map<string, number>();
    for (const row of returned) byId.set(row.event_id, toNumber(row.stream_ordering));
    return events.map((e) => byId.get(e.eventId)!);
  }

  /** The stored events among `eventIds`, keyed by event ID (missing ones are absent). */
  async selectEventsByIds(eventIds: readonly string[], em: EntityManager = this.reader): Promise<Map<string, StoredEvent>> {
    const out = new Map<string, StoredEvent>();
    if (eventIds.length === 0) return out;
    const rows = await this.d.query<EventDbRow>(em, `SELECT ${COLUMNS} FROM events WHERE event_id ${this.d.inArray}`, [this.d.arrayParam(eventIds)]);
    for (const row of rows) out.set(row.event_id, toStoredEvent(row));
    return out;
  }

  /** The redacted events among `eventIds`: event ID → the redaction that applies to it. */
  async selectRedactedBy(eventIds: readonly string[], em: EntityManager = this.reader): Promise<Map<string, string>> {
    if (eventIds.length === 0) return new Map();
    const rows = await this.d.query<{ event_id: string; redacted_by: string }>(
      em,
      `SELECT event_id, redacted_by FROM events WHERE event_id ${this.d.inArray} AND redacted_by IS NOT NULL`,
      [this.d.arrayParam(eventIds)],
    );
    return new Map(rows.map((row) => [row.event_id, row.redacted_by]));
  }

  /** Which of `eventIds` are stored (as outliers or not). */
  async selectEventIdsExisting(eventIds: readonly string[], em: EntityManager = this.reader): Promise<Set<string>> {
    if (eventIds.length === 0) return new Set();
    const rows = await this.d.query<{ event_id: string }>(em, `SELECT event_id FROM events WHERE event_id ${this.d.inArray}`, [this.d.arrayParam(eventIds)]);
    return new Set(rows.map((row) => row.event_id));
  }

  /**
   * Timeline events of a room with `after < stream_ordering <= upTo`, oldest first, at most
   * `limit`: what an incremental sync sends.
   */
  async selectEventsInRoomAfter(roomId: string, after: number, opts: { upTo?: number; limit: number }): Promise<StoredEvent[]> {
    const rows = await this.d.query<EventDbRow>(
      this.reader,
      `SELECT ${COLUMNS} FROM events
       WHERE room_id = ? AND stream_ordering > ? AND stream_ordering <= ? AND ${VISIBLE}
       ORDER BY stream_ordering LIMIT ?`,
      [roomId, after, opts.upTo ?? Number.MAX_SAFE_INTEGER, opts.limit],
    );
    return rows.map(toStoredEvent);
  }

  /** The `limit` latest timeline events of a room at or before `upTo`, newest first (initial sync). */
  async selectEventsInRoomBefore(roomId: string, upTo: number, limit: number): Promise<StoredEvent[]> {
    const rows = await this.d.query<EventDbRow>(
      this.reader,
      `SELECT ${COLUMNS} FROM events WHERE room_id = ? AND stream_ordering <= ? AND ${VISIBLE}
       ORDER BY stream_ordering DESC LIMIT ?`,
      [roomId, upTo, limit],
    );
    return rows.map(toStoredEvent);
  }

  /**
   * /messages: timeline events strictly before (`dir` "b", newest first) or after (`dir` "f",
   * oldest first) a topological position.
   */
  async selectEventsInRoomByTopology(roomId: string, from: TopologicalPosition, dir: "b" | "f", limit: number): Promise<StoredEvent[]> {
    const [cmp, order] = dir === "b" ? ["<", "DESC"] : [">", "ASC"];
    const rows = await this.d.query<EventDbRow>(
      this.reader,
      `SELECT ${COLUMNS} FROM events
       WHERE room_id = ? AND (topological_ordering ${cmp} ? OR (topological_ordering = ? AND stream_ordering ${cmp} ?)) AND ${VISIBLE}
       ORDER BY topological_ordering ${order}, stream_ordering ${order} LIMIT ?`,
      [roomId, from.topologicalOrdering, from.topologicalOrdering, from.streamOrdering, limit],
    );
    return rows.map(toStoredEvent);
  }

  /**
   * `/timestamp_to_event`: timeline events of a room sent at or after `ts` (`dir` "f", earliest
   * first) or at or before it (`dir` "b", latest first).
   */
  async selectEventsInRoomByTimestamp(roomId: string, ts: number, dir: "b" | "f", limit: number): Promise<StoredEvent[]> {
    const [cmp, order] = dir === "b" ? ["<=", "DESC"] : [">=", "ASC"];
    const rows = await this.d.query<EventDbRow>(
      this.reader,
      `SELECT ${COLUMNS} FROM events WHERE room_id = ? AND origin_server_ts ${cmp} ? AND ${VISIBLE}
       ORDER BY origin_server_ts ${order}, stream_ordering ${order} LIMIT ?`,
      [roomId, ts, limit],
    );
    return rows.map(toStoredEvent);
  }

  /** The highest stream ordering handed out (0 when there are no events). */
  async selectMaxStreamOrdering(em: EntityManager = this.reader): Promise<number> {
    const rows = await this.d.query<{ max: unknown }>(em, "SELECT COALESCE(MAX(stream_ordering), 0) AS max FROM events");
    return toNumber(rows[0]?.max ?? 0);
  }

  /** Marks an event redacted (the first redaction wins). Returns whether the mark was set. */
  async updateEventRedactedBy(tx: EntityManager, eventId: string, redactionEventId: string): Promise<boolean> {
    const changed = await this.d.execute(tx, "UPDATE events SET redacted_by = ? WHERE event_id = ? AND redacted_by IS NULL", [redactionEventId, eventId]);
    return changed > 0;
  }
}

function toStoredEvent(row: EventDbRow): StoredEvent {
  return {
    streamOrdering: toNumber(row.stream_ordering),
    eventId: row.event_id,
    roomId: row.room_id,
    type: row.type,
    stateKey: row.state_key,
    sender: row.sender,
    depth: toNumber(row.depth),
    topologicalOrdering: toNumber(row.topological_ordering),
    originServerTs: toNumber(row.origin_server_ts),
    json: row.json,
    outlier: toBool(row.outlier),
    rejectedReason: row.rejected_reason,
    softFailed: toBool(row.soft_failed),
    redactedBy: row.redacted_by,
  };
}
