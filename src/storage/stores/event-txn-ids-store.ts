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
  /** One multi-row insert. Throws UniqueViolationError if a transaction ID was already used on its device. */
  async insertEventTxnIds(tx: EntityManager, rows: readonly EventTxnId[]): Promise<void> {
    await this.d.insertMany(
      tx,
      "event_txn_ids",
      ["user_id", "device_id", "txn_id", "event_id", "created_ts"],
      rows.map((row) => [row.userId, row.deviceId, row.txnId, row.eventId, row.createdTs]),
    );
  }

  /** The events sent from one device with any of `txnIds`: txnId → event ID (unused ones absent). */
  async selectEventIdsByTxnIds(userId: string, deviceId: string, txnIds: readonly string[], em: EntityManager = this.reader): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (txnIds.length === 0) return out;
    const rows = await this.d.query<{ txn_id: string; event_id: string }>(
      em,
      `SELECT txn_id, event_id FROM event_txn_ids WHERE user_id = ? AND device_id = ? AND txn_id ${this.d.inArray}`,
      [userId, deviceId, this.d.arrayParam(txnIds)],
    );
    for (const row of rows) out.set(row.txn_id, row.event_id);
    return out;
  }

  /** Forgets transaction IDs recorded before `beforeTs`. Returns how many. */
  async deleteEventTxnIdsBefore(tx: EntityManager, beforeTs: number): Promise<number> {
    return this.d.execute(tx, "DELETE FROM event_txn_ids WHERE created_ts < ?", [beforeTs]);
  }
}
