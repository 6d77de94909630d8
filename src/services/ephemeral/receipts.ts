/**
 * Receipts and read markers. https://spec.matrix.org/v1.19/client-server-api/#receipts and
 * https://spec.matrix.org/v1.19/client-server-api/#fully-read-markers
 *
 * - One receipt per (room, receipt type, user, thread): "Each `user_id`, `receipt_type`, and
 *   categorisation (unthreaded, or `thread_id`) tuple must be associated with only a single
 *   `event_id`." A receipt for an event older than the one already recorded is ignored (markers
 *   only move forward), as is a repeat of the same event.
 * - `m.fully_read` is not a receipt: it is the `m.fully_read` room account data, written here
 *   because clients may not write it directly.
 * - "Servers MUST NOT send the `m.read.private` receipt to any other user than the one which
 *   originally sent it": getReceiptsSince filters them per reader, and their notifications wake
 *   only their owner.
 */
import type { DataSource } from "typeorm";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { ReceiptRow, ReceiptsStore } from "../../storage/stores/receipts-store.js";
import { onCommit, runInTransaction } from "../../storage/transaction.js";
import type { Notifier } from "../../sync/notifier.js";
import type { AccountDataService } from "../account-data.js";

export const RECEIPT_READ = "m.read";
export const RECEIPT_READ_PRIVATE = "m.read.private";
export const FULLY_READ = "m.fully_read";

/** What POST /receipt/{receiptType} accepts: the two receipt types and the fully read marker. */
export const RECEIPT_TYPES: readonly string[] = [RECEIPT_READ, RECEIPT_READ_PRIVATE, FULLY_READ];

/** `m.receipt` content: event ID → receipt type → user ID → receipt. */
export type ReceiptContentJson = Record<string, Record<string, Record<string, { ts: number; thread_id?: string }>>>;

/** The `m.receipt` EDU as /sync sends it in a room's `ephemeral` events. */
export interface ReceiptEventJson {
  type: "m.receipt";
  content: ReceiptContentJson;
}

export interface ReadMarkers {
  fullyRead?: string;
  read?: string;
  readPrivate?: string;
}

export interface ReceiptsServiceDeps {
  db: DataSource;
  store: Pick<ReceiptsStore, "nextStreamId" | "selectMaxStreamId" | "upsertReceipt" | "selectReceipt" | "selectReceiptsChangedSince">;
  notifier: Pick<Notifier, "notify">;
  accountData: Pick<AccountDataService, "setAccountData" | "getAccountData">;
  /** Whether the user is joined to the room now. */
  isJoined(userId: string, roomId: string): Promise<boolean>;
  /** The event's stream ordering when it is a known event of the room, else null. */
  eventPosition(roomId: string, eventId: string): Promise<number | null>;
  now?: () => number;
}

export class ReceiptsService {
  private readonly now: () => number;
  private position = 0;

  constructor(private readonly deps: ReceiptsServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  async start(): Promise<void> {
    this.position = Math.max(this.position, await this.deps.store.selectMaxStreamId());
  }

  /** The receipt stream's latest committed position. */
  currentPosition(): number {
    return this.position;
  }

  /**
   * POST /rooms/{roomId}/receipt/{receiptType}/{eventId}. 400 M_INVALID_PARAM for another
   * receipt type or a bad `thread_id`, 403 M_FORBIDDEN when not joined, 404 M_NOT_FOUND when the
   * event is not one of the room's.
   */
  async sendReceipt(userId: string, roomId: string, receiptType: string, eventId: string, threadId: unknown): Promise<void> {
    if (!RECEIPT_TYPES.includes(receiptType)) {
      throw new MatrixError(400, ErrCode.InvalidParam, `Receipt type must be one of ${RECEIPT_TYPES.join(", ")}`);
    }
    if (threadId !== undefined) {
      if (typeof threadId !== "string" || threadId === "") throw new MatrixError(400, ErrCode.InvalidParam, "thread_id field must be a non-empty string");
      if (receiptType === FULLY_READ) throw new MatrixError(400, ErrCode.InvalidParam, `thread_id is not allowed for ${FULLY_READ}`);
    }
    if (receiptType === FULLY_READ) {
      await this.setReadMarkers(userId, roomId, { fullyRead: eventId });
      return;
    }
    const position = await this.checkTarget(userId, roomId, eventId);
    await this.writeReceipt(userId, roomId, receiptType, eventId, (threadId as string | undefined) ?? null, position);
  }

  /** POST /rooms/{roomId}/read_markers: the fully read marker and/or the read receipts. */
  async setReadMarkers(userId: string, roomId: string, markers: ReadMarkers): Promise<void> {
    const targets = new Map<string, number>();
    for (const eventId of [markers.fullyRead, markers.read, markers.readPrivate]) {
      if (eventId !== undefined && !targets.has(eventId)) targets.set(eventId, await this.checkTarget(userId, roomId, eventId));
    }
    if (markers.fullyRead !== undefined) await this.moveFullyRead(userId, roomId, markers.fullyRead, targets.get(markers.fullyRead)!);
    if (markers.read !== undefined) await this.writeReceipt(userId, roomId, RECEIPT_READ, markers.read, null, targets.get(markers.read)!);
    if (markers.readPrivate !== undefined) {
      await this.writeReceipt(userId, roomId, RECEIPT_READ_PRIVATE, markers.readPrivate, null, targets.get(markers.readPrivate)!);
    }
  }

  /**
   * For /sync: the `m.receipt` event of each of `roomIds` with receipts written at positions in
   * (since, upTo], as `readerId` may see them (others' private receipts left out). Rooms with
   * nothing to send are absent.
   */
  async getReceiptsSince(roomIds: readonly string[], since: number, readerId: string, upTo: number = this.position): Promise<Map<string, ReceiptEventJson>> {
    const out = new Map<string, ReceiptEventJson>();
    const rows = await this.deps.store.selectReceiptsChangedSince(roomIds, since, upTo);
    for (const row of rows) {
      if (row.receiptType === RECEIPT_READ_PRIVATE && row.userId !== readerId) continue;
      let event = out.get(row.roomId);
      if (event === undefined) {
        event = { type: "m.receipt", content: {} };
        out.set(row.roomId, event);
      }
      const byType = (event.content[row.eventId] ??= {});
      const byUser = (byType[row.receiptType] ??= {});
      byUser[row.userId] = row.threadId === null ? { ts: row.ts } : { ts: row.ts, thread_id: row.threadId };
    }
    return out;
  }

  /** The receipt's target must be an event of a room the user is joined to; returns its position. */
  private async checkTarget(userId: string, roomId: string, eventId: string): Promise<number> {
    if (!(await this.deps.isJoined(userId, roomId))) throw new MatrixError(403, ErrCode.Forbidden, "You are not joined to this room.");
    const position = await this.deps.eventPosition(roomId, eventId);
    if (position === null) throw new MatrixError(404, ErrCode.NotFound, `Event ${eventId} not found in ${roomId}`);
    return position;
  }

  private async writeReceipt(userId: string, roomId: string, receiptType: string, eventId: string, threadId: string | null, eventPosition: number): Promise<void> {
    await runInTransaction(this.deps.db, async (tx) => {
      // The position first: it serializes receipt writers, so the check below cannot race.
      const streamId = await this.deps.store.nextStreamId(tx);
      const existing = await this.deps.store.selectReceipt(roomId, receiptType, userId, threadId, tx);
      if (existing !== null && !(await this.isAhead(roomId, existing, eventId, eventPosition))) return;
      await this.deps.store.upsertReceipt(tx, { roomId, receiptType, userId, threadId, eventId, ts: this.now(), streamId });
      onCommit(tx, () => {
        if (streamId > this.position) this.position = streamId;
        this.deps.notifier.notify("receipt", streamId, receiptType === RECEIPT_READ_PRIVATE ? { userIds: [userId] } : { roomIds: [roomId] });
      });
    });
  }

  private async isAhead(roomId: string, existing: ReceiptRow, eventId: string, eventPosition: number): Promise<boolean> {
    if (existing.eventId === eventId) return false;
    const previous = await this.deps.eventPosition(roomId, existing.eventId);
    return previous === null || eventPosition > previous;
  }

  private async moveFullyRead(userId: string, roomId: string, eventId: string, eventPosition: number): Promise<void> {
    const current = await this.deps.accountData.getAccountData(userId, roomId, FULLY_READ);
    const previousId = typeof current?.event_id === "string" ? current.event_id : null;
    if (previousId === eventId) return;
    if (previousId !== null) {
      const previous = await this.deps.eventPosition(roomId, previousId);
      if (previous !== null && previous >= eventPosition) return;
    }
    await this.deps.accountData.setAccountData(userId, roomId, FULLY_READ, { event_id: eventId });
  }
}
