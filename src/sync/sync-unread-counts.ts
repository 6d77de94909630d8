/**
 * `unread_notifications` (and `unread_thread_notifications`) of the joined rooms a response
 * sends, filled in after every provider has run: a room may be sent for its timeline, its
 * receipts (a moved read receipt changes its counts) or its account data, and each sent room
 * must carry its current counts, since clients take the counts of every room they get.
 * https://spec.matrix.org/v1.19/client-server-api/#receiving-notifications
 *
 * "If `unread_thread_notifications` was specified as `true` on the `RoomEventFilter`, these
 * counts will only be for the main timeline", and the threads' go in `unread_thread_notifications`
 * ("If no threads have notification counts, this whole object can be omitted").
 */
import type { UnreadNotificationCountsJson } from "../matrix/endpoints/client/sync.js";
import type { SyncContext } from "./streams/stream-provider.js";

/** A room's counts: all threads together, the main timeline alone, and each thread with any. */
export interface RoomUnreadCounts {
  readonly total: UnreadNotificationCountsJson;
  readonly main: UnreadNotificationCountsJson;
  readonly threads: ReadonlyMap<string, UnreadNotificationCountsJson>;
}

export interface UnreadCountsSource {
  /** Counts including every event up to stream ordering `upTo`; rooms without unread notifications absent. */
  getUnreadCounts(userId: string, roomIds: readonly string[], upTo: number): Promise<ReadonlyMap<string, RoomUnreadCounts>>;
}

export async function fillUnreadCounts(ctx: SyncContext, source: UnreadCountsSource): Promise<void> {
  const { result, request } = ctx;
  const roomIds = result.sentJoinedRoomIds();
  if (roomIds.length === 0) return;
  const counts = await source.getUnreadCounts(request.userId, roomIds, ctx.to.pdu);
  const perThread = request.filter.unreadThreadNotifications;
  for (const roomId of roomIds) {
    const room = result.joinedRoom(roomId);
    const found = counts.get(roomId);
    if (found === undefined) {
      room.unread_notifications = { highlight_count: 0, notification_count: 0 };
      continue;
    }
    room.unread_notifications = { ...(perThread ? found.main : found.total) };
    if (perThread && found.threads.size > 0) room.unread_thread_notifications = Object.fromEntries(found.threads);
  }
}
