/**
 * GET /notifications: "the list of events that the user has been, or would have been notified
 * about", newest first. https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3notifications
 *
 * The list is the user's rows of event_push_actions. Those record whether the actions
 * highlighted, not the actions themselves, so `actions` is rebuilt from that: `["notify"]`, or
 * `["notify", {"set_tweak": "highlight"}]` (a `sound` tweak is not known here). `read` compares
 * the row with the user's furthest `m.read` / `m.read.private` receipt in its room (unthreaded,
 * or in the row's thread). The push actions worker deletes a user's rows when they read by
 * sending an event (or leave the room), so what they sent a message after is no longer listed.
 * `ts` is the event's `origin_server_ts`. `from` / `next_token` are stream orderings.
 */
import type { NotificationJson, NotificationsResponseJson } from "../../matrix/endpoints/client/pushers.js";
import type { PushActionJson } from "../../matrix/endpoints/client/push-rules.js";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { ClientEventJson } from "../../matrix/pdu-json.js";
import type { Pdu } from "../../room/pdu.js";
import type { EventPushActionsStore } from "../../storage/stores/event-push-actions-store.js";

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

export interface NotificationsServiceDeps {
  store: Pick<EventPushActionsStore, "selectNotifications" | "selectReadPositions">;
  events: { getEvents(eventIds: Iterable<string>): Promise<Map<string, Pdu>> };
  /** Client-format events (redacted where a redaction applies). */
  serializer: { serialize(pdus: readonly Pdu[], options?: { includeRoomId?: boolean }): Promise<ClientEventJson[]> };
}

export interface NotificationsRequest {
  from?: string;
  limit?: number;
  only?: string;
}

/** The actions a notification row stands for. */
export function notificationActions(highlight: boolean): PushActionJson[] {
  return highlight ? ["notify", { set_tweak: "highlight" }] : ["notify"];
}

export class NotificationsService {
  constructor(private readonly deps: NotificationsServiceDeps) {}

  async getNotifications(userId: string, request: NotificationsRequest): Promise<NotificationsResponseJson> {
    let before: number | null = null;
    if (request.from !== undefined) {
      if (!/^[0-9]{1,15}$/.test(request.from)) throw new MatrixError(400, ErrCode.InvalidParam, "Invalid 'from' token");
      before = Number(request.from);
    }
    const limit = Math.min(Math.max(request.limit ?? DEFAULT_LIMIT, 1), MAX_LIMIT);
    const rows = await this.deps.store.selectNotifications(userId, before, limit, request.only === "highlight");
    const pdus = await this.deps.events.getEvents(rows.map((row) => row.eventId));
    const listed = rows.filter((row) => pdus.has(row.eventId));
    const events = await this.deps.serializer.serialize(listed.map((row) => pdus.get(row.eventId)!), { includeRoomId: false });
    const unthreaded = new Map<string, number>();
    const threaded = new Map<string, number>();
    for (const read of await this.deps.store.selectReadPositions(userId, [...new Set(listed.map((row) => row.roomId))])) {
      if (read.threadId === null) unthreaded.set(read.roomId, read.streamOrdering);
      else threaded.set(`${read.roomId}\u0000${read.threadId}`, read.streamOrdering);
    }
    const notifications: NotificationJson[] = listed.map((row, i) => ({
      actions: notificationActions(row.highlight),
      event: events[i]!,
      read: row.streamOrdering <= Math.max(unthreaded.get(row.roomId) ?? 0, threaded.get(`${row.roomId}\u0000${row.threadId}`) ?? 0),
      room_id: row.roomId,
      ts: pdus.get(row.eventId)!.originServerTs,
    }));
    const response: NotificationsResponseJson = { notifications };
    if (rows.length === limit) response.next_token = String(rows[rows.length - 1]!.streamOrdering);
    return response;
  }
}
