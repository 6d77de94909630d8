/**
 * The reads /sync makes, shaped for it: batched over all the rooms of one sync (one statement
 * for every room's latest events, not one per room) and returning only the columns sync uses.
 * Timeline events are the visible ones: not outliers, not rejected, not soft-failed.
 *
 * "The n latest events of each of these rooms" is a UNION ALL of one small indexed query per
 * room (events_room_stream), which both engines run as that many index range scans; a window
 * function over the rooms would read every event of every room first.
 */
import type { EntityManager } from "typeorm";
import { toNumber } from "../dialect.js";
import { BaseStore } from "./base-store.js";

/** An event row as /sync needs it: the JSON and the positions, and whether it was redacted. */
export interface SyncEventRow {
  streamOrdering: number;
  topologicalOrdering: number;
  eventId: string;
  roomId: string;
  json: string;
  redactedBy: string | null;
}

/** Events of one room in (after, upTo]; `after` null for no lower bound. */
export interface RoomEventRange {
  roomId: string;
  after: number | null;
  upTo: number;
}

/** One membership event of a user, oldest first in a history. */
export interface MembershipRow {
  roomId: string;
  eventId: string;
  membership: string;
  sender: string;
  streamOrdering: number;
}

interface SyncEventDbRow {
  stream_ordering: unknown;
  topological_ordering: unknown;
  event_id: string;
  room_id: string;
  json: string;
  redacted_by: string | null;
}

const EVENT_COLUMNS = "stream_ordering, topological_ordering, event_id, room_id, json, redacted_by";
const VISIBLE = "outlier = FALSE AND rejected_reason IS NULL AND soft_failed = FALSE";
/** Rooms per UNION ALL statement (SQLite allows 500 compound terms). */
const ROOMS_PER_STATEMENT = 200;

export class SyncStore extends BaseStore {
  /**
   * For each range, the room's `limit` latest visible events with `after < stream_ordering <=
   * upTo` (`after` null: no lower bound), newest first. Rooms without such events are absent.
   */
  async selectLatestEventsInRooms(
    ranges: readonly RoomEventRange[],
    limit: number,
    em: EntityManager = this.reader,
  ): Promise<Map<string, SyncEventRow[]>> {
    const out = new Map<string, SyncEventRow[]>();
    if (ranges.length === 0 || limit <= 0) return out;
    for (let start = 0; start < ranges.length; start += ROOMS_PER_STATEMENT) {
      const chunk = ranges.slice(start, start + ROOMS_PER_STATEMENT);
      const params: unknown[] = [];
      const terms: string[] = [];
      for (const range of chunk) {
        params.push(range.roomId, range.upTo);
        if (range.after !== null) params.push(range.after);
        params.push(limit);
        terms.push(`SELECT * FROM (SELECT ${EVENT_COLUMNS} FROM events
          WHERE room_id = ? AND stream_ordering <= ?${range.after === null ? "" : " AND stream_ordering > ?"} AND ${VISIBLE}
          ORDER BY stream_ordering DESC LIMIT ?) AS r`);
      }
      const rows = await this.d.query<SyncEventDbRow>(em, terms.join(" UNION ALL "), params);
      for (const row of rows) {
        const event = toSyncEventRow(row);
        let list = out.get(event.roomId);
        if (list === undefined) out.set(event.roomId, (list = []));
        list.push(event);
      }
    }
    for (const list of out.values()) list.sort((a, b) => b.streamOrdering - a.streamOrdering);
    return out;
  }

  /** Every visible event with `after < stream_ordering <= upTo`, oldest first, at most `limit`. */
  async selectEventsInRange(after: number, upTo: number, limit: number, em: EntityManager = this.reader): Promise<SyncEventRow[]> {
    const rows = await this.d.query<SyncEventDbRow>(
      em,
      `SELECT ${EVENT_COLUMNS} FROM events
       WHERE stream_ordering > ? AND stream_ordering <= ? AND ${VISIBLE}
       ORDER BY stream_ordering LIMIT ?`,
      [after, upTo, limit],
    );
    return rows.map(toSyncEventRow);
  }

  /** The events among `eventIds` (state events, whatever their flags), keyed by event ID. */
  async selectEventsByIds(eventIds: readonly string[], em: EntityManager = this.reader): Promise<Map<string, SyncEventRow>> {
    const out = new Map<string, SyncEventRow>();
    if (eventIds.length === 0) return out;
    const rows = await this.d.query<SyncEventDbRow>(em, `SELECT ${EVENT_COLUMNS} FROM events WHERE event_id ${this.d.inArray}`, [
      this.d.arrayParam(eventIds),
    ]);
    for (const row of rows) out.set(row.event_id, toSyncEventRow(row));
    return out;
  }

  /** The redaction marks of `eventIds` that have one: event ID → the redaction's event ID. */
  async selectRedactedBy(eventIds: readonly string[], em: EntityManager = this.reader): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (eventIds.length === 0) return out;
    const rows = await this.d.query<{ event_id: string; redacted_by: string }>(
      em,
      `SELECT event_id, redacted_by FROM events WHERE event_id ${this.d.inArray} AND redacted_by IS NOT NULL`,
      [this.d.arrayParam(eventIds)],
    );
    for (const row of rows) out.set(row.event_id, row.redacted_by);
    return out;
  }

  /**
   * Client transaction IDs of events sent from one device: event ID → transaction ID. Reads the
   * device's rows (the table's key starts with user and device).
   */
  async selectTxnIdsOfDevice(userId: string, deviceId: string, eventIds: readonly string[], em: EntityManager = this.reader): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (eventIds.length === 0) return out;
    const rows = await this.d.query<{ event_id: string; txn_id: string }>(
      em,
      `SELECT event_id, txn_id FROM event_txn_ids WHERE user_id = ? AND device_id = ? AND event_id ${this.d.inArray}`,
      [userId, deviceId, this.d.arrayParam(eventIds)],
    );
    for (const row of rows) out.set(row.event_id, row.txn_id);
    return out;
  }

  /**
   * Transaction IDs of events sent at origin timestamps in [minTs, maxTs] (the table's
   * created_ts is the event's origin_server_ts): event ID → the sending user, device and txn ID.
   */
  async selectTxnIdsByEvents(
    eventIds: readonly string[],
    minTs: number,
    maxTs: number,
    em: EntityManager = this.reader,
  ): Promise<Map<string, { userId: string; deviceId: string; txnId: string }>> {
    const out = new Map<string, { userId: string; deviceId: string; txnId: string }>();
    if (eventIds.length === 0) return out;
    const rows = await this.d.query<{ event_id: string; user_id: string; device_id: string; txn_id: string }>(
      em,
      `SELECT event_id, user_id, device_id, txn_id FROM event_txn_ids
       WHERE created_ts >= ? AND created_ts <= ? AND event_id ${this.d.inArray}`,
      [minTs, maxTs, this.d.arrayParam(eventIds)],
    );
    for (const row of rows) out.set(row.event_id, { userId: row.user_id, deviceId: row.device_id, txnId: row.txn_id });
    return out;
  }

  /** Every membership event of the user at or before `upTo`, oldest first. */
  async selectMembershipHistory(userId: string, upTo: number, em: EntityManager = this.reader): Promise<MembershipRow[]> {
    const rows = await this.d.query<{ room_id: string; event_id: string; membership: string; sender: string; stream_ordering: unknown }>(
      em,
      `SELECT room_id, event_id, membership, sender, stream_ordering FROM room_memberships
       WHERE user_id = ? AND stream_ordering <= ? ORDER BY stream_ordering`,
      [userId, upTo],
    );
    return rows.map((row) => ({
      roomId: row.room_id,
      eventId: row.event_id,
      membership: row.membership,
      sender: row.sender,
      streamOrdering: toNumber(row.stream_ordering),
    }));
  }

  /**
   * The membership and stream ordering of the member events among `eventIds` (those recorded in
   * room_memberships: timeline member events), without reading their JSON.
   */
  async selectMembershipsByEventIds(eventIds: readonly string[], em: EntityManager = this.reader): Promise<Map<string, { membership: string; streamOrdering: number }>> {
    const out = new Map<string, { membership: string; streamOrdering: number }>();
    if (eventIds.length === 0) return out;
    const rows = await this.d.query<{ event_id: string; membership: string; stream_ordering: unknown }>(
      em,
      `SELECT event_id, membership, stream_ordering FROM room_memberships WHERE event_id ${this.d.inArray}`,
      [this.d.arrayParam(eventIds)],
    );
    for (const row of rows) out.set(row.event_id, { membership: row.membership, streamOrdering: toNumber(row.stream_ordering) });
    return out;
  }

  /** The distinct users currently joined to any of `roomIds`. */
  async selectJoinedUsersOfRooms(roomIds: readonly string[], em: EntityManager = this.reader): Promise<string[]> {
    if (roomIds.length === 0) return [];
    const rows = await this.d.query<{ state_key: string }>(
      em,
      `SELECT DISTINCT state_key FROM current_state
       WHERE type = 'm.room.member' AND membership = 'join' AND room_id ${this.d.inArray}`,
      [this.d.arrayParam(roomIds)],
    );
    return rows.map((row) => row.state_key);
  }
}

function toSyncEventRow(row: SyncEventDbRow): SyncEventRow {
  return {
    streamOrdering: toNumber(row.stream_ordering),
    topologicalOrdering: toNumber(row.topological_ordering),
    eventId: row.event_id,
    roomId: row.room_id,
    json: row.json,
    redactedBy: row.redacted_by,
  };
}
