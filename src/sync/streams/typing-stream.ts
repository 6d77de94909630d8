/**
 * Typing notifications in each joined room's `ephemeral` events.
 * https://spec.matrix.org/v1.19/client-server-api/#typing-notifications
 *
 * "When a client receives an m.typing event, it MUST use the user ID list to REPLACE its
 * knowledge of every user who is currently typing": a room whose typing changed after `from`
 * gets its whole current list. Rooms joined since `since` get theirs whatever its position.
 * Ignored users are left out of the lists.
 */
import type { StreamProvider, SyncContext } from "./stream-provider.js";

/** The typing service as this provider reads it. */
export interface TypingSource {
  currentPosition(): number;
  /** The `m.typing` event of each room whose typing changed after `since`. */
  getTypingForRooms(roomIds: Iterable<string>, since: number): Map<string, { type: "m.typing"; content: { user_ids: string[] } }>;
}

export class TypingStreamProvider implements StreamProvider {
  readonly stream = "typing" as const;

  constructor(private readonly source: TypingSource) {}

  latestPosition(): number {
    return this.source.currentPosition();
  }

  async completeSync(ctx: SyncContext): Promise<void> {
    this.add(ctx, ctx.rooms.joined, 0);
  }

  async incrementalSync(ctx: SyncContext, from: number, to: number): Promise<void> {
    const { joined, newlyJoined } = ctx.rooms;
    if (from < to) this.add(ctx, newlyJoined.size === 0 ? joined : joined.filter((id) => !newlyJoined.has(id)), from);
    if (newlyJoined.size > 0) this.add(ctx, newlyJoined, 0);
  }

  private add(ctx: SyncContext, roomIds: Iterable<string>, since: number): void {
    const { filter } = ctx.request;
    if (!filter.ephemeral.matchesType("m.typing")) return;
    for (const [roomId, event] of this.source.getTypingForRooms(roomIds, since)) {
      if (!filter.matchesRoomEvent({ type: event.type, room_id: roomId }, "ephemeral")) continue;
      const userIds = ctx.ignoredUsers.size === 0 ? event.content.user_ids : event.content.user_ids.filter((id) => !ctx.ignoredUsers.has(id));
      ctx.result.joinedRoom(roomId).ephemeral!.events.push({ type: "m.typing", content: { user_ids: userIds } });
    }
  }
}
