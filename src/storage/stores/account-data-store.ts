/**
 * account_data: per-user client config, global or per room. Global rows have `room_id` = ''
 * (callers pass null). Content is stored as JSON text; every write records the accountData stream
 * position it was made at, which /sync reads back with selectAccountDataChangedSince.
 */
import type { DataSource, EntityManager } from "typeorm";
import type { JsonObject } from "../../matrix/pdu-json.js";
import { toNumber } from "../dialect.js";
import { PositionedStore } from "./positioned-store.js";

/** The stream_positions counter account data writes take their positions from. */
export const ACCOUNT_DATA_STREAM = "account_data";

export interface AccountDataEntry {
  /** Null for global account data. */
  roomId: string | null;
  type: string;
  content: JsonObject;
  streamId: number;
}

interface AccountDataDbRow {
  room_id: string;
  type: string;
  content: string;
  stream_id: unknown;
}

const GLOBAL = "";

export class AccountDataStore extends PositionedStore {
  constructor(db: DataSource) {
    super(db, ACCOUNT_DATA_STREAM);
  }

  async upsertAccountData(
    tx: EntityManager,
    userId: string,
    roomId: string | null,
    type: string,
    content: JsonObject,
    streamId: number,
  ): Promise<void> {
    await this.d.execute(
      tx,
      `INSERT INTO account_data (user_id, room_id, type, content, stream_id) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (user_id, room_id, type) DO UPDATE SET content = excluded.content, stream_id = excluded.stream_id`,
      [userId, roomId ?? GLOBAL, type, JSON.stringify(content), streamId],
    );
  }

  /** One entry's content, or null when never set. */
  async selectAccountData(userId: string, roomId: string | null, type: string, em: EntityManager = this.reader): Promise<JsonObject | null> {
    const rows = await this.d.query<{ content: string }>(
      em,
      "SELECT content FROM account_data WHERE user_id = ? AND room_id = ? AND type = ?",
      [userId, roomId ?? GLOBAL, type],
    );
    return rows[0] ? (JSON.parse(rows[0].content) as JsonObject) : null;
  }

  /**
   * Entries of the user written at positions in (since, upTo], oldest first: what an incremental
   * /sync sends (since 0: everything, for an initial sync).
   */
  async selectAccountDataChangedSince(userId: string, since: number, upTo: number, em: EntityManager = this.reader): Promise<AccountDataEntry[]> {
    const rows = await this.d.query<AccountDataDbRow>(
      em,
      `SELECT room_id, type, content, stream_id FROM account_data
       WHERE user_id = ? AND stream_id > ? AND stream_id <= ? ORDER BY stream_id`,
      [userId, since, upTo],
    );
    return rows.map((row) => ({
      roomId: row.room_id === GLOBAL ? null : row.room_id,
      type: row.type,
      content: JSON.parse(row.content) as JsonObject,
      streamId: toNumber(row.stream_id),
    }));
  }
}
