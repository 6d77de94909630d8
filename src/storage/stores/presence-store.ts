/**
 * presence: the last persisted presence of each user, with the presence stream position of its
 * last change. The presence service keeps the live state in memory and writes here on changes.
 */
import type { DataSource, EntityManager } from "typeorm";
import { toNumber } from "../dialect.js";
import { PositionedStore } from "./positioned-store.js";

/** The stream_positions counter presence changes take their positions from. */
export const PRESENCE_STREAM = "presence";

export type PresenceState = "online" | "unavailable" | "offline";

export interface PresenceRow {
  userId: string;
  state: PresenceState;
  statusMsg: string | null;
  lastActiveTs: number;
  lastUserSyncTs: number;
  streamId: number;
}

interface PresenceDbRow {
  user_id: string;
  state: string;
  status_msg: string | null;
  last_active_ts: unknown;
  last_user_sync_ts: unknown;
  stream_id: unknown;
}

const COLUMNS = "user_id, state, status_msg, last_active_ts, last_user_sync_ts, stream_id";

export class PresenceStore extends PositionedStore {
  constructor(db: DataSource) {
    super(db, PRESENCE_STREAM);
  }

  async upsertPresence(tx: EntityManager, row: PresenceRow): Promise<void> {
    await this.d.execute(
      tx,
      `INSERT INTO presence (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (user_id) DO UPDATE SET state = excluded.state, status_msg = excluded.status_msg,
         last_active_ts = excluded.last_active_ts, last_user_sync_ts = excluded.last_user_sync_ts, stream_id = excluded.stream_id`,
      [row.userId, row.state, row.statusMsg, row.lastActiveTs, row.lastUserSyncTs, row.streamId],
    );
  }

  async selectPresence(userId: string, em: EntityManager = this.reader): Promise<PresenceRow | null> {
    const rows = await this.d.query<PresenceDbRow>(em, `SELECT ${COLUMNS} FROM presence WHERE user_id = ?`, [userId]);
    return rows[0] ? toPresence(rows[0]) : null;
  }

  /** Rows of `userIds` changed at positions in (since, upTo], oldest first. */
  async selectPresenceChangedSince(userIds: readonly string[], since: number, upTo: number, em: EntityManager = this.reader): Promise<PresenceRow[]> {
    if (userIds.length === 0) return [];
    const rows = await this.d.query<PresenceDbRow>(
      em,
      `SELECT ${COLUMNS} FROM presence WHERE user_id ${this.d.inArray} AND stream_id > ? AND stream_id <= ? ORDER BY stream_id`,
      [this.d.arrayParam(userIds), since, upTo],
    );
    return rows.map(toPresence);
  }

  /** Every user not offline: their timeouts must be tracked again after a restart. */
  async selectNotOffline(em: EntityManager = this.reader): Promise<PresenceRow[]> {
    const rows = await this.d.query<PresenceDbRow>(em, `SELECT ${COLUMNS} FROM presence WHERE state <> 'offline'`);
    return rows.map(toPresence);
  }
}

function toPresence(row: PresenceDbRow): PresenceRow {
  return {
    userId: row.user_id,
    state: row.state as PresenceState,
    statusMsg: row.status_msg,
    lastActiveTs: toNumber(row.last_active_ts),
    lastUserSyncTs: toNumber(row.last_user_sync_ts),
    streamId: toNumber(row.stream_id),
  };
}
