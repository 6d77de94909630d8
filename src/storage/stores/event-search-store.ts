/**
 * event_search: the full-text index behind POST /search (written by the search indexer, in the
 * event persister's transactions or following the events table in stream order), and the queries over it. The one engine-specific
 * store: FTS5 on SQLite (MATCH, bm25), tsvector/tsquery with the 'simple' configuration on
 * PostgreSQL (@@, ts_rank). Both match every word of the search term as a prefix, so that the
 * same term finds the same events on either engine.
 * The stream_positions counter `event_search` is the stream ordering indexed up to; it moves in
 * the transaction that writes the rows.
 */
import type { EntityManager } from "typeorm";
import { toNumber } from "../dialect.js";
import { BaseStore } from "./base-store.js";
import { StreamPositionsStore } from "./stream-positions-store.js";

/** The stream_positions counter of the search indexer. */
export const EVENT_SEARCH_STREAM = "event_search";
/** The event types whose text is indexed (the redactions are read to drop what they redact). */
export const SEARCHABLE_TYPES = ["m.room.message", "m.room.name", "m.room.topic", "m.room.redaction"];

const VISIBLE = "outlier = FALSE AND rejected_reason IS NULL AND soft_failed = FALSE";

/** An event the indexer reads. */
export interface SearchSourceRow {
  streamOrdering: number;
  eventId: string;
  roomId: string;
  type: string;
  sender: string;
  originServerTs: number;
  json: string;
  redacted: boolean;
}

export interface SearchRow {
  streamOrdering: number;
  eventId: string;
  roomId: string;
  sender: string;
  /** `content.body`, `content.name` or `content.topic`. */
  key: string;
  value: string;
  originServerTs: number;
}

export interface SearchQuery {
  /** The words to find, lower-case letters and digits only (each matched as a prefix). */
  words: readonly string[];
  roomIds: readonly string[];
  keys: readonly string[];
  senders: readonly string[] | null;
  notSenders: readonly string[] | null;
  order: "rank" | "recent";
}

export interface SearchHit {
  streamOrdering: number;
  eventId: string;
  roomId: string;
  rank: number;
}

/** Where a page starts: before a stream ordering (recent), or after skipping rows (rank). */
export interface SearchPage {
  before: number | null;
  offset: number;
  limit: number;
}

export class EventSearchStore extends BaseStore {
  private readonly positions = new StreamPositionsStore(this.db);

  /** Visible events of SEARCHABLE_TYPES with `after < stream_ordering <= upTo`, oldest first, at most `limit`. */
  async selectEventsToIndex(after: number, upTo: number, limit: number, em: EntityManager = this.reader): Promise<SearchSourceRow[]> {
    const rows = await this.d.query<{
      stream_ordering: unknown; event_id: string; room_id: string; type: string; sender: string; origin_server_ts: unknown; json: string; redacted_by: string | null;
    }>(
      em,
      `SELECT stream_ordering, event_id, room_id, type, sender, origin_server_ts, json, redacted_by FROM events
       WHERE stream_ordering > ? AND stream_ordering <= ? AND type ${this.d.inArray} AND ${VISIBLE} ORDER BY stream_ordering LIMIT ?`,
      [after, upTo, this.d.arrayParam(SEARCHABLE_TYPES), limit],
    );
    return rows.map((row) => ({
      streamOrdering: toNumber(row.stream_ordering),
      eventId: row.event_id,
      roomId: row.room_id,
      type: row.type,
      sender: row.sender,
      originServerTs: toNumber(row.origin_server_ts),
      json: row.json,
      redacted: row.redacted_by !== null,
    }));
  }

  async insertSearchRows(tx: EntityManager, rows: readonly SearchRow[]): Promise<void> {
    if (rows.length === 0) return;
    if (this.d.engine === "sqlite") {
      await this.d.insertMany(
        tx,
        "event_search",
        ["rowid", "value", "event_id", "room_id", "sender", "key", "origin_server_ts"],
        rows.map((r) => [r.streamOrdering, r.value, r.eventId, r.roomId, r.sender, r.key, r.originServerTs]),
      );
      return;
    }
    // pg TEXT holds no U+0000 (dialect.ts): it is dropped from the indexed text.
    const records = rows.map((r) => ({ so: r.streamOrdering, eid: r.eventId, room: r.roomId, sender: r.sender, key: r.key, ts: r.originServerTs, value: r.value.replaceAll("\u0000", " ") }));
    await this.d.execute(
      tx,
      `INSERT INTO event_search (stream_ordering, event_id, room_id, sender, key, origin_server_ts, vector)
       SELECT x.so, x.eid, x.room, x.sender, x.key, x.ts, to_tsvector('simple', x.value)
       FROM json_to_recordset(?::json) AS x(so BIGINT, eid TEXT, room TEXT, sender TEXT, key TEXT, ts BIGINT, value TEXT)
       ON CONFLICT (stream_ordering) DO NOTHING`,
      [JSON.stringify(records)],
    );
  }

  /** Drops the rows of these events, those that are redacted (a redaction that took effect). */
  async deleteSearchRowsOfEvents(tx: EntityManager, eventIds: readonly string[]): Promise<void> {
    if (eventIds.length === 0) return;
    const key = this.d.engine === "sqlite" ? "rowid" : "stream_ordering";
    await this.d.execute(
      tx,
      `DELETE FROM event_search WHERE ${key} IN (SELECT stream_ordering FROM events WHERE event_id ${this.d.inArray} AND redacted_by IS NOT NULL)`,
      [this.d.arrayParam(eventIds)],
    );
  }

  /** One page of matching, unredacted events, best (rank) or newest (recent) first. */
  async selectSearchHits(query: SearchQuery, page: SearchPage, em: EntityManager = this.reader): Promise<SearchHit[]> {
    const { where, params, from, rank, key, t } = this.conditions(query);
    if (page.before !== null) {
      where.push(`${key} < ?`);
      params.push(page.before);
    }
    const order = query.order === "rank" ? `score DESC, ${key} DESC` : `${key} DESC`;
    const rows = await this.d.query<{ stream_ordering: unknown; event_id: string; room_id: string; score: unknown }>(
      em,
      `SELECT ${key} AS stream_ordering, ${t}.event_id, ${t}.room_id, ${rank} AS score FROM ${from}
       WHERE ${where.join(" AND ")} ORDER BY ${order} LIMIT ? OFFSET ?`,
      [...params, page.limit, page.offset],
    );
    return rows.map((row) => ({ streamOrdering: toNumber(row.stream_ordering), eventId: row.event_id, roomId: row.room_id, rank: Number(row.score) }));
  }

  /** How many unredacted events match (before history visibility: an approximation). */
  async countSearchHits(query: SearchQuery, em: EntityManager = this.reader): Promise<number> {
    const { where, params, from } = this.conditions(query);
    const rows = await this.d.query<{ n: unknown }>(em, `SELECT COUNT(*) AS n FROM ${from} WHERE ${where.join(" AND ")}`, params);
    return toNumber(rows[0]?.n ?? 0);
  }

  private conditions(query: SearchQuery): { where: string[]; params: unknown[]; from: string; rank: string; key: string; t: string } {
    const sqlite = this.d.engine === "sqlite";
    // FTS5 names its table in MATCH and bm25(), so it keeps its name; `s` is pg's alias.
    const s = sqlite ? "event_search" : "s";
    const key = sqlite ? "event_search.rowid" : "s.stream_ordering";
    const where: string[] = [];
    const params: unknown[] = [];
    let from: string;
    let rank: string;
    if (sqlite) {
      from = "event_search JOIN events e ON e.stream_ordering = event_search.rowid";
      where.push("event_search MATCH ?");
      params.push(query.words.map((w) => `"${w.replaceAll('"', '""')}"*`).join(" "));
      rank = "-bm25(event_search)";
    } else {
      // The query's one parameter is in FROM, before those of WHERE.
      from = "event_search s JOIN events e ON e.stream_ordering = s.stream_ordering CROSS JOIN to_tsquery('simple', ?) AS q";
      where.push("s.vector @@ q");
      params.push(query.words.map((w) => `'${w.replaceAll("'", "''").replaceAll("\\", "\\\\")}':*`).join(" & "));
      rank = "ts_rank(s.vector, q)";
    }
    where.push(`${s}.room_id ${this.d.inArray}`, `${s}.key ${this.d.inArray}`, "e.redacted_by IS NULL");
    params.push(this.d.arrayParam(query.roomIds), this.d.arrayParam(query.keys));
    if (query.senders !== null) {
      where.push(`${s}.sender ${this.d.inArray}`);
      params.push(this.d.arrayParam(query.senders));
    }
    if (query.notSenders !== null && query.notSenders.length > 0) {
      where.push(`NOT (${s}.sender ${this.d.inArray})`);
      params.push(this.d.arrayParam(query.notSenders));
    }
    return { where, params, from, rank, key, t: s };
  }

  /** How far the indexer got (a stream ordering); 0 before its first batch, so that it indexes what is stored. */
  selectIndexedPosition(em: EntityManager = this.reader): Promise<number> {
    return this.positions.selectStreamPosition(EVENT_SEARCH_STREAM, em);
  }

  /** Moves the indexer's position forward to `position` (never back). */
  updateIndexedPosition(tx: EntityManager, position: number): Promise<void> {
    return this.positions.advanceStreamPosition(tx, EVENT_SEARCH_STREAM, position);
  }
}
