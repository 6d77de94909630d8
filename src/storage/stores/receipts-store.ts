/**
 * receipts: the latest receipt of each (room, receipt type, user, thread). Unthreaded receipts
 * have thread_id '' in the table and null here. Every write records its receipt stream position.
 */
import type { DataSource, EntityManager } from "typeorm";
import { toNumber } from "../dialect.js";
import { PositionedStore } from "./positioned-store.js";

/** The stream_positions counter receipts take their positions from. */
export const RECEIPT_STREAM = "receipts";

export interface ReceiptRow {
  roomId: string;
  receiptType: string;
  userId: string;
  /** Null for an unthreaded receipt; `main` or a thread root's event ID otherwise. */
  threadId: string | null;
  eventId: string;
  ts: number;
  streamId: number;
}

interface ReceiptDbRow {
  room_id: string;
  receipt_type: string;
  user_id: string;
  thread_id: string;
  event_id: string;
  ts: unknown;
  stream_id: unknown;
}

const UNTHREADED = "";
const COLUMNS = "room_id, receipt_type, user_id, thread_id, event_id, ts, stream_id";

export class ReceiptsStore extends PositionedStore {
  constructor(db: DataSource) {
    super(db, RECEIPT_STREAM);
  }

  async upsertReceipt(tx: EntityManager, receipt: ReceiptRow): Promise<void> {
    await this.d.execute(
      tx,
      `INSERT INTO receipts (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (room_id, receipt_type, user_id, thread_id)
       DO UPDATE SET event_id = excluded.event_id, ts = excluded.ts, stream_id = excluded.stream_id`,
      [receipt.roomId, receipt.receiptType, receipt.userId, receipt.threadId ?? UNTHREADED, receipt.eventId, receipt.ts, receipt.streamId],
    );
  }

  async selectReceipt(
    roomId: string,
    receiptType: string,
    userId: string,
    threadId: string | null,
    em: EntityManager = this.reader,
  ): Promise<ReceiptRow | null> {
    const rows = await this.d.query<ReceiptDbRow>(
      em,
      `SELECT ${COLUMNS} FROM receipts WHERE room_id = ? AND receipt_type = ? AND user_id = ? AND thread_id = ?`,
      [roomId, receiptType, userId, threadId ?? UNTHREADED],
    );
    return rows[0] ? toReceipt(rows[0]) : null;
  }

  /** Receipts in `roomIds` written at positions in (since, upTo], oldest first. */
  async selectReceiptsChangedSince(roomIds: readonly string[], since: number, upTo: number, em: EntityManager = this.reader): Promise<ReceiptRow[]> {
    if (roomIds.length === 0) return [];
    const rows = await this.d.query<ReceiptDbRow>(
      em,
      `SELECT ${COLUMNS} FROM receipts WHERE room_id ${this.d.inArray} AND stream_id > ? AND stream_id <= ? ORDER BY stream_id`,
      [this.d.arrayParam(roomIds), since, upTo],
    );
    return rows.map(toReceipt);
  }
}

function toReceipt(row: ReceiptDbRow): ReceiptRow {
  return {
    roomId: row.room_id,
    receiptType: row.receipt_type,
    userId: row.user_id,
    threadId: row.thread_id === UNTHREADED ? null : row.thread_id,
    eventId: row.event_id,
    ts: toNumber(row.ts),
    streamId: toNumber(row.stream_id),
  };
}
