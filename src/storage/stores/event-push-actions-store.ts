/**
 * event_push_actions: the events that notify each local user (written after the events commit,
 * by the push actions worker), and the reads that turn them into unread notification counts.
 * The stream_positions counter `event_push_actions` is the stream ordering the worker has
 * processed up to; it moves in the transaction that writes the rows.
 * read_notifications: the rows read marks took out of event_push_actions, for GET /notifications.
 */
import type { EntityManager } from "typeorm";
import { toNumber } from "../dialect.js";
import { BaseStore } from "./base-store.js";
import { StreamPositionsStore } from "./stream-positions-store.js";

/** The stream_positions counter of the push actions worker. */
export const PUSH_ACTIONS_STREAM = "event_push_actions";
/** The thread ID of the main timeline (receipts and notification counts). */
export const MAIN_THREAD = "main";

export interface PushActionRow {
  userId: string;
  roomId: string;
  streamOrdering: number;
  /** MAIN_THREAD, or the thread root's event ID. */
  threadId: string;
  highlight: boolean;
  /** The matched rule's actions as JSON; null for what `highlight` restores (notification-actions.ts). */
  actions: string | null;
}

/** An event the worker processes (visible events only: not outliers, rejected or soft-failed). */
export interface PushCandidateRow {
  streamOrdering: number;
  eventId: string;
  roomId: string;
  redacted: boolean;
  /** The state groups before and after the event. */
  stateGroupBefore: number;
  stateGroupAfter: number;
}

/** Count rows of one room after `after` up to `upTo`, in one thread or in all threads but some. */
export interface UnreadCountRange {
  roomId: string;
  after: number;
  upTo: number;
  /** Only this thread. */
  threadId?: string;
  /** All threads except these. */
  exceptThreads?: readonly string[];
}

export interface UnreadCountRow {
  roomId: string;
  threadId: string;
  notifications: number;
  highlights: number;
  /** The highest stream ordering among them. */
  last: number;
}

/** Notifications of `userId` in `roomId` before `before` are read: in `threadId`, or in all threads (null). */
export interface PushReadMark {
  readonly userId: string;
  readonly roomId: string;
  readonly threadId: string | null;
  readonly before: number;
}

/** A read receipt of the user as a position: `threadId` null for an unthreaded one. */
export interface ReadPositionRow {
  roomId: string;
  threadId: string | null;
  streamOrdering: number;
}

/** A notification an HTTP pusher has not been sent yet (after its stored position). */
export interface UnpushedRow extends PushActionRow {
  appId: string;
  pushkey: string;
  eventId: string;
}

/** A notification of a user, for GET /notifications (newest first). */
export interface NotificationRow {
  roomId: string;
  streamOrdering: number;
  threadId: string;
  highlight: boolean;
  actions: string | null;
  eventId: string;
  /** Taken out of event_push_actions by a read mark (read_notifications). */
  readMarked: boolean;
}

const VISIBLE = "outlier = FALSE AND rejected_reason IS NULL AND soft_failed = FALSE";
const READ_RECEIPT_TYPES = ["m.read", "m.read.private"];
/** Ranges per UNION ALL statement (SQLite allows 500 compound terms). */
const RANGES_PER_STATEMENT = 200;
/** Read marks per DELETE statement (at most 4 parameters each). */
const MARKS_PER_STATEMENT = 200;
const ROW_COLUMNS = "user_id, room_id, stream_ordering, thread_id, highlight, actions";

export class EventPushActionsStore extends BaseStore {
  private readonly positions = new StreamPositionsStore(this.db);

  async insertPushActions(tx: EntityManager, rows: readonly PushActionRow[]): Promise<void> {
    await this.d.insertMany(
      tx,
      "event_push_actions",
      ["user_id", "room_id", "stream_ordering", "thread_id", "highlight", "actions"],
      rows.map((row) => [row.userId, row.roomId, row.streamOrdering, row.threadId, row.highlight ? 1 : 0, row.actions]),
      "ON CONFLICT (user_id, room_id, stream_ordering) DO NOTHING",
    );
  }

  /**
   * Applies read marks: deletes each mark's user's rows in its room before its `before`, in its
   * thread or in all (`threadId` null), and keeps them in read_notifications as read at `readTs`.
   * A few statements for any number of marks (one index range each), not one per mark: on
   * PostgreSQL one statement moves them, on SQLite an INSERT … SELECT then the DELETE.
   */
  async deletePushActionsBefore(tx: EntityManager, marks: readonly PushReadMark[], readTs: number): Promise<void> {
    for (let start = 0; start < marks.length; start += MARKS_PER_STATEMENT) {
      const params: unknown[] = [];
      const terms: string[] = [];
      for (const mark of marks.slice(start, start + MARKS_PER_STATEMENT)) {
        params.push(mark.userId, mark.roomId, mark.before);
        if (mark.threadId === null) terms.push("(user_id = ? AND room_id = ? AND stream_ordering < ?)");
        else {
          terms.push("(user_id = ? AND room_id = ? AND stream_ordering < ? AND thread_id = ?)");
          params.push(mark.threadId);
        }
      }
      const where = terms.join(" OR ");
      const into = `INSERT INTO read_notifications (${ROW_COLUMNS}, read_ts)`;
      const conflict = "ON CONFLICT (user_id, stream_ordering) DO NOTHING";
      if (this.d.engine === "postgres") {
        await this.d.execute(
          tx,
          `WITH moved AS (DELETE FROM event_push_actions WHERE ${where} RETURNING ${ROW_COLUMNS})
           ${into} SELECT ${ROW_COLUMNS}, ? FROM moved ${conflict}`,
          [...params, readTs],
        );
      } else {
        await this.d.execute(tx, `${into} SELECT ${ROW_COLUMNS}, ? FROM event_push_actions WHERE ${where} ${conflict}`, [readTs, ...params]);
        await this.d.execute(tx, `DELETE FROM event_push_actions WHERE ${where}`, params);
      }
    }
  }

  /** Deletes the rows of `userIds` for event `eventId` of the room (a redacted event), read or not. */
  async deletePushActionsOfEvent(tx: EntityManager, roomId: string, eventId: string, userIds: readonly string[]): Promise<void> {
    if (userIds.length === 0) return;
    for (const table of ["event_push_actions", "read_notifications"]) {
      await this.d.execute(
        tx,
        `DELETE FROM ${table} WHERE user_id ${this.d.inArray} AND room_id = ?
         AND stream_ordering = (SELECT stream_ordering FROM events WHERE event_id = ?)`,
        [this.d.arrayParam(userIds), roomId, eventId],
      );
    }
  }

  /** Deletes the read notifications read before `readTs`. */
  deleteReadNotificationsBefore(tx: EntityManager, readTs: number): Promise<number> {
    return this.d.execute(tx, "DELETE FROM read_notifications WHERE read_ts < ?", [readTs]);
  }

  /** Deletes the user's read notifications but the newest `keep`. */
  deleteReadNotificationsBeyond(tx: EntityManager, userId: string, keep: number): Promise<number> {
    return this.d.execute(
      tx,
      `DELETE FROM read_notifications WHERE user_id = ? AND stream_ordering <=
       (SELECT stream_ordering FROM read_notifications WHERE user_id = ? ORDER BY stream_ordering DESC LIMIT 1 OFFSET ?)`,
      [userId, userId, keep],
    );
  }

  /** Visible events with `after < stream_ordering <= upTo`, with their state groups, oldest first, at most `limit`. */
  async selectPushCandidates(after: number, upTo: number, limit: number, em: EntityManager = this.reader): Promise<PushCandidateRow[]> {
    const rows = await this.d.query<{ stream_ordering: unknown; event_id: string; room_id: string; redacted_by: string | null; state_group_before: unknown; state_group_after: unknown }>(
      em,
      `SELECT e.stream_ordering, e.event_id, e.room_id, e.redacted_by, g.state_group_before, g.state_group_after
       FROM events e JOIN event_state_groups g ON g.stream_ordering = e.stream_ordering
       WHERE e.stream_ordering > ? AND e.stream_ordering <= ? AND ${VISIBLE} ORDER BY e.stream_ordering LIMIT ?`,
      [after, upTo, limit],
    );
    return rows.map((row) => ({
      streamOrdering: toNumber(row.stream_ordering),
      eventId: row.event_id,
      roomId: row.room_id,
      redacted: row.redacted_by !== null,
      stateGroupBefore: toNumber(row.state_group_before),
      stateGroupAfter: toNumber(row.state_group_after),
    }));
  }

  /**
   * The user's `m.read` and `m.read.private` receipts in `roomIds` as stream orderings: the
   * furthest of the two per room and thread (receipts for events we do not hold are left out).
   */
  async selectReadPositions(userId: string, roomIds: readonly string[], em: EntityManager = this.reader): Promise<ReadPositionRow[]> {
    if (roomIds.length === 0) return [];
    const rows = await this.d.query<{ room_id: string; thread_id: string; position: unknown }>(
      em,
      `SELECT r.room_id, r.thread_id, MAX(e.stream_ordering) AS position FROM receipts r JOIN events e ON e.event_id = r.event_id
       WHERE r.room_id ${this.d.inArray} AND r.user_id = ? AND r.receipt_type ${this.d.inArray}
       GROUP BY r.room_id, r.thread_id`,
      [this.d.arrayParam(roomIds), userId, this.d.arrayParam(READ_RECEIPT_TYPES)],
    );
    return rows.map((row) => ({ roomId: row.room_id, threadId: row.thread_id === "" ? null : row.thread_id, streamOrdering: toNumber(row.position) }));
  }

  /** The user's notifying events per room and thread in each range, with the latest's position (rooms and threads without any are absent). */
  async selectUnreadCounts(userId: string, ranges: readonly UnreadCountRange[], em: EntityManager = this.reader): Promise<UnreadCountRow[]> {
    const out: UnreadCountRow[] = [];
    for (let start = 0; start < ranges.length; start += RANGES_PER_STATEMENT) {
      const params: unknown[] = [];
      const terms: string[] = [];
      for (const range of ranges.slice(start, start + RANGES_PER_STATEMENT)) {
        params.push(userId, range.roomId, range.after, range.upTo);
        let threads = "";
        if (range.threadId !== undefined) {
          threads = " AND thread_id = ?";
          params.push(range.threadId);
        } else if (range.exceptThreads !== undefined && range.exceptThreads.length > 0) {
          threads = ` AND NOT (thread_id ${this.d.inArray})`;
          params.push(this.d.arrayParam(range.exceptThreads));
        }
        terms.push(`SELECT room_id, thread_id, COUNT(*) AS notifications, SUM(highlight) AS highlights, MAX(stream_ordering) AS last FROM event_push_actions
          WHERE user_id = ? AND room_id = ? AND stream_ordering > ? AND stream_ordering <= ?${threads} GROUP BY room_id, thread_id`);
      }
      const rows = await this.d.query<{ room_id: string; thread_id: string; notifications: unknown; highlights: unknown; last: unknown }>(em, terms.join(" UNION ALL "), params);
      for (const row of rows) {
        out.push({ roomId: row.room_id, threadId: row.thread_id, notifications: toNumber(row.notifications), highlights: toNumber(row.highlights), last: toNumber(row.last) });
      }
    }
    return out;
  }

  /**
   * The user's notifications before stream ordering `before` (all when null), newest first, at
   * most `limit`; only highlighted ones when `onlyHighlight`. Those still in event_push_actions
   * and those read marks moved to read_notifications, each table's newest `limit` merged.
   */
  async selectNotifications(userId: string, before: number | null, limit: number, onlyHighlight: boolean, em: EntityManager = this.reader): Promise<NotificationRow[]> {
    const params: unknown[] = [userId];
    let where = "";
    if (before !== null) {
      where += " AND stream_ordering < ?";
      params.push(before);
    }
    if (onlyHighlight) where += " AND highlight = 1";
    params.push(limit);
    const newest = (table: string, readMarked: number): string =>
      `SELECT * FROM (SELECT room_id, stream_ordering, thread_id, highlight, actions, ${readMarked} AS read_marked FROM ${table}
       WHERE user_id = ?${where} ORDER BY stream_ordering DESC LIMIT ?) ${table}`;
    const rows = await this.d.query<NotifiedDbRow & { read_marked: unknown }>(
      em,
      `SELECT n.room_id, n.stream_ordering, n.thread_id, n.highlight, n.actions, n.read_marked, e.event_id
       FROM (${newest("event_push_actions", 0)} UNION ALL ${newest("read_notifications", 1)}) n
       JOIN events e ON e.stream_ordering = n.stream_ordering ORDER BY n.stream_ordering DESC LIMIT ?`,
      [...params, ...params, limit],
    );
    return rows.map((row) => ({ ...toNotified(row), readMarked: toNumber(row.read_marked) !== 0 }));
  }

  /**
   * The unread notifications of users' http pushers after each pusher's last_stream_ordering,
   * of events sent at `sinceTs` (origin_server_ts, ms) or later: the newest `limit` of them,
   * oldest first. Read ones (read_notifications) are not pushed.
   */
  async selectUnpushed(sinceTs: number, limit: number, em: EntityManager = this.reader): Promise<UnpushedRow[]> {
    const rows = await this.d.query<NotifiedDbRow & { user_id: string; app_id: string; pushkey: string }>(
      em,
      `SELECT p.user_id, p.app_id, p.pushkey, a.room_id, a.stream_ordering, a.thread_id, a.highlight, a.actions, e.event_id
       FROM pushers p JOIN event_push_actions a ON a.user_id = p.user_id AND a.stream_ordering > p.last_stream_ordering
       JOIN events e ON e.stream_ordering = a.stream_ordering
       WHERE p.kind = 'http' AND e.origin_server_ts >= ? ORDER BY a.stream_ordering DESC LIMIT ?`,
      [sinceTs, limit],
    );
    return rows.reverse().map((row) => ({ userId: row.user_id, appId: row.app_id, pushkey: row.pushkey, ...toNotified(row) }));
  }

  /** The event IDs at `streamOrderings` (orderings without an event are absent). */
  async selectEventIdsAt(streamOrderings: readonly number[], em: EntityManager = this.reader): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    if (streamOrderings.length === 0) return out;
    const rows = await this.d.query<{ stream_ordering: unknown; event_id: string }>(
      em,
      `SELECT stream_ordering, event_id FROM events WHERE stream_ordering ${this.d.inArray}`,
      [this.d.arrayParam(streamOrderings)],
    );
    for (const row of rows) out.set(toNumber(row.stream_ordering), row.event_id);
    return out;
  }

  /** The rooms where the user has notifications (read or not). */
  async selectRoomsWithNotifications(userId: string, em: EntityManager = this.reader): Promise<string[]> {
    const rows = await this.d.query<{ room_id: string }>(em, "SELECT DISTINCT room_id FROM event_push_actions WHERE user_id = ?", [userId]);
    return rows.map((row) => row.room_id);
  }

  /**
   * How far the worker has processed (a stream ordering). Before its first batch, the newest
   * event's: what was stored before push actions existed is not evaluated.
   */
  async selectProcessedPosition(em: EntityManager = this.reader): Promise<number> {
    const rows = await this.d.query<{ position: unknown }>(
      em,
      `SELECT COALESCE((SELECT position FROM stream_positions WHERE stream_name = ?), (SELECT MAX(stream_ordering) FROM events), 0) AS position`,
      [PUSH_ACTIONS_STREAM],
    );
    return toNumber(rows[0]?.position ?? 0);
  }

  /** Moves the worker's position forward to `position` (never back). */
  updateProcessedPosition(tx: EntityManager, position: number): Promise<void> {
    return this.positions.advanceStreamPosition(tx, PUSH_ACTIONS_STREAM, position);
  }
}

/** A notification row with its event's ID, as both engines return it. */
interface NotifiedDbRow {
  room_id: string;
  stream_ordering: unknown;
  thread_id: string;
  highlight: unknown;
  actions: string | null;
  event_id: string;
}

function toNotified(row: NotifiedDbRow): Omit<NotificationRow, "readMarked"> {
  return {
    roomId: row.room_id,
    streamOrdering: toNumber(row.stream_ordering),
    threadId: row.thread_id,
    highlight: toNumber(row.highlight) !== 0,
    actions: row.actions,
    eventId: row.event_id,
  };
}
