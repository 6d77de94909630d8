/**
 * event_txn_ids: client transaction IDs of sent events, scoped to (user, device), so a retried
 * `PUT /rooms/{roomId}/send/{eventType}/{txnId}` answers with the event already sent.
 * https://spec.matrix.org/v1.19/client-server-api/#transaction-identifiers
 */
import type { EntityManager } from "typeorm";
import { BaseStore } from "./base-store.js";

export interface EventTxnId {
  userId: string;
  deviceId: string;
  txnId: string;
  eventId: string;
  createdTs: number;
}

export class EventTxnIdsStore extends BaseStore {
  /** Throws UniqueViolationError if the transaction ID was already used on that device. */
  async insertEventTxnId(tx: EntityManager, row: EventTxnId): Promise<void> {
    await this.d.execute(tx, "INSERT INTO event_txn_ids (user_id, device_id, txn_id, event_id, created_ts) VALUES (?, ?, ?, ?, ?)", [
      row.userId,
      row.deviceId,
      row.txnId,
      row.eventId,
      row.createdTs,
    ]);
  }

  async selectEventIdByTxnId(userId: string, deviceId: string, txnId: string, em: EntityManager = this.reader): Promise<string | null> {
    const rows = await this.d.query<{ event_id: string }>(
      em,
      "SELECT event_id FROM event_txn_ids WHERE user_id = ? AND device_id = ? AND txn_id = ?",
      [userId, deviceId, txnId],
    );
    return rows[0]?.event_id ?? null;
  }

  /** Forgets transaction IDs recorded before `beforeTs`. Returns how many. */
  async deleteEventTxnIdsBefore(tx: EntityManager, beforeTs: number): Promise<number> {
    return this.d.execute(tx, "DELETE FROM event_txn_ids WHERE created_ts < ?", [beforeTs]);
  }
}
