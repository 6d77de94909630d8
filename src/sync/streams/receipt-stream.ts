/**
 * Read receipts in each joined room's `ephemeral` events.
 * https://spec.matrix.org/v1.19/client-server-api/#receipts
 *
 * Receipts written at positions in (from, to]; rooms joined since `since` get every receipt the
 * room has (the latest of each user). Others' private receipts are the receipts service's to
 * leave out; receipts of ignored users are left out here.
 */
import type { StreamProvider, SyncContext } from "./stream-provider.js";

type ReceiptContent = Record<string, Record<string, Record<string, { ts: number; thread_id?: string }>>>;

/** The receipts service as this provider reads it. */
export interface ReceiptSource {
  currentPosition(): number;
  /** The `m.receipt` event of each room with receipts at positions in (since, upTo], as `readerId` may see them. */
  getReceiptsSince(roomIds: readonly string[], since: number, readerId: string, upTo?: number): Promise<Map<string, { type: "m.receipt"; content: ReceiptContent }>>;
}

export class ReceiptStreamProvider implements StreamProvider {
  readonly stream = "receipt" as const;

  constructor(private readonly source: ReceiptSource) {}

  latestPosition(): number {
    return this.source.currentPosition();
  }

  async completeSync(ctx: SyncContext): Promise<void> {
    await this.add(ctx, ctx.rooms.joined, 0, ctx.to.receipt);
  }

  async incrementalSync(ctx: SyncContext, from: number, to: number): Promise<void> {
    const { joined, newlyJoined } = ctx.rooms;
    if (from < to) await this.add(ctx, newlyJoined.size === 0 ? joined : joined.filter((id) => !newlyJoined.has(id)), from, to);
    if (newlyJoined.size > 0) await this.add(ctx, [...newlyJoined], 0, to);
  }

  private async add(ctx: SyncContext, roomIds: readonly string[], since: number, upTo: number): Promise<void> {
    const { filter, userId } = ctx.request;
    if (roomIds.length === 0 || !filter.ephemeral.matchesType("m.receipt")) return;
    for (const [roomId, event] of await this.source.getReceiptsSince(roomIds, since, userId, upTo)) {
      if (!filter.matchesRoomEvent({ type: event.type, room_id: roomId }, "ephemeral")) continue;
      const content = ctx.ignoredUsers.size === 0 ? event.content : withoutUsers(event.content, ctx.ignoredUsers);
      if (Object.keys(content).length === 0) continue;
      ctx.result.joinedRoom(roomId).ephemeral!.events.push({ type: "m.receipt", content });
    }
  }
}

/** The receipt content without the receipts of `users` (and without what that empties). */
function withoutUsers(content: ReceiptContent, users: ReadonlySet<string>): ReceiptContent {
  const out: ReceiptContent = {};
  for (const [eventId, byType] of Object.entries(content)) {
    for (const [receiptType, byUser] of Object.entries(byType)) {
      for (const [userId, receipt] of Object.entries(byUser)) {
        if (users.has(userId)) continue;
        ((out[eventId] ??= {})[receiptType] ??= {})[userId] = receipt;
      }
    }
  }
  return out;
}
