/**
 * Account data: the top-level `account_data` (global) and each room's `account_data`.
 * https://spec.matrix.org/v1.19/client-server-api/#client-config
 *
 * Entries written at positions in (from, to]; everything on an initial sync or with
 * `full_state`. Room entries go only to rooms in the response's `join` or `leave` section;
 * rooms joined since `since` get all of theirs.
 */
import type { JsonObject } from "../../matrix/pdu-json.js";
import type { StreamProvider, SyncContext } from "./stream-provider.js";

export interface AccountDataEntryLike {
  /** Null for global account data. */
  readonly roomId: string | null;
  readonly type: string;
  readonly content: JsonObject;
  /** The position it was written at. */
  readonly streamId: number;
}

/** The account data service as this provider reads it. */
export interface AccountDataSource {
  currentPosition(): number;
  /** The user's entries written at positions in (since, upTo]. */
  getAccountDataChangedSince(userId: string, since: number, upTo?: number): Promise<readonly AccountDataEntryLike[]>;
}

export class AccountDataStreamProvider implements StreamProvider {
  readonly stream = "accountData" as const;

  constructor(private readonly source: AccountDataSource) {}

  latestPosition(): number {
    return this.source.currentPosition();
  }

  async completeSync(ctx: SyncContext): Promise<void> {
    this.add(ctx, await this.source.getAccountDataChangedSince(ctx.request.userId, 0, ctx.to.accountData));
  }

  async incrementalSync(ctx: SyncContext, from: number, to: number): Promise<void> {
    if (ctx.request.fullState) return this.completeSync(ctx);
    const { newlyJoined } = ctx.rooms;
    if (newlyJoined.size === 0) {
      if (from < to) this.add(ctx, await this.source.getAccountDataChangedSince(ctx.request.userId, from, to));
      return;
    }
    // Rooms the user has just joined get their entries whenever they were written.
    const all = await this.source.getAccountDataChangedSince(ctx.request.userId, 0, to);
    this.add(ctx, all.filter((entry) => entry.streamId > from || (entry.roomId !== null && newlyJoined.has(entry.roomId))));
  }

  private add(ctx: SyncContext, entries: readonly AccountDataEntryLike[]): void {
    const { filter } = ctx.request;
    const joined = new Set(ctx.rooms.joined);
    const left = new Set(ctx.rooms.left);
    for (const entry of entries) {
      const event = { type: entry.type, content: entry.content };
      if (entry.roomId === null) {
        if (filter.matchesAccountData(event)) ctx.result.accountData.push(event);
        continue;
      }
      if (!filter.matchesRoomEvent({ type: entry.type, room_id: entry.roomId }, "account_data")) continue;
      if (joined.has(entry.roomId)) {
        ctx.result.joinedRoom(entry.roomId).account_data!.events.push(event);
      } else if (left.has(entry.roomId)) {
        ctx.result.leave.get(entry.roomId)?.account_data?.events.push(event);
      }
    }
  }
}
