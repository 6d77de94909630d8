/**
 * Client transaction IDs for the event persister: "The transaction ID … will be used by the
 * server to ensure idempotency of requests" (per device).
 * https://spec.matrix.org/v1.19/client-server-api/#transaction-identifiers
 *
 * A retry usually comes soon after the first request, so the transactions this process committed
 * recently are kept in memory (a bounded LRU, filled once a batch has committed). Whatever is not
 * there (older ones, ones from before a restart or from another process) is looked up in storage
 * inside the batch's transaction: one read per user and device of the batch instead of one per
 * send, and consistent with the batch's own insert.
 */
import type { EntityManager } from "typeorm";
import { LruCache } from "../../storage/lru-cache.js";
import type { EventTxnIdsStore } from "../../storage/stores/event-txn-ids-store.js";

export interface SentTxn {
  readonly userId: string;
  readonly deviceId: string;
  readonly txnId: string;
}

export function txnKey(txn: SentTxn): string {
  return `${txn.userId}\u0000${txn.deviceId}\u0000${txn.txnId}`;
}

export class SentTxnIds {
  private readonly recent: LruCache<string, string>;

  constructor(
    private readonly store: Pick<EventTxnIdsStore, "selectEventIdsByTxnIds">,
    capacity: number,
  ) {
    this.recent = new LruCache(capacity);
  }

  /** The event this process recently committed for `txn`, without reading storage. */
  recentEventId(txn: SentTxn): string | undefined {
    return this.recent.get(txnKey(txn));
  }

  /** After commit: `txn` was used for `eventId`. */
  remember(txn: SentTxn, eventId: string): void {
    this.recent.set(txnKey(txn), eventId);
  }

  /** Of `txns`, those already stored (txnKey → event ID), read through `tx`: one read per user and device. */
  async findStored(tx: EntityManager, txns: readonly SentTxn[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    const unknown = new Map<string, { userId: string; deviceId: string; txnIds: string[] }>();
    for (const txn of txns) {
      const device = `${txn.userId}\u0000${txn.deviceId}`;
      let group = unknown.get(device);
      if (group === undefined) unknown.set(device, (group = { userId: txn.userId, deviceId: txn.deviceId, txnIds: [] }));
      group.txnIds.push(txn.txnId);
    }
    for (const { userId, deviceId, txnIds } of unknown.values()) {
      const stored = await this.store.selectEventIdsByTxnIds(userId, deviceId, txnIds, tx);
      for (const [txnId, eventId] of stored) found.set(txnKey({ userId, deviceId, txnId }), eventId);
    }
    return found;
  }
}
