/**
 * GET /notifications: "the list of events that the user has been, or would have been notified
 * about", newest first. https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3notifications
 *
 * The list is the user's rows of event_push_actions (what the unread counts read) and of
 * read_notifications, where the push actions worker moves a user's rows when they read by
 * sending an event (or leave the room): those stay listed, as read. `actions` are the matched
 * rule's (notification-actions.ts). `read` is true for a moved row, else compares the row with
 * the user's furthest `m.read` / `m.read.private` receipt in its room (unthreaded, or in the
 * row's thread). `ts` is the event's `origin_server_ts`. `from` / `next_token` are stream
 * orderings.
 *
 * read_notifications is bounded: every `pruneIntervalMs` the rows read more than `keepReadMs`
 * ago are deleted, and each user who read since the last pruning keeps only their newest
 * `keepReadPerUser` (the worker's batches tell who read: noteBatch). config.yaml sets the three
 * under `push` (`notifications_keep_read_ms`, `…_keep_read_per_user`, `…_prune_interval_ms`).
 */
import type { DataSource } from "typeorm";
import type { NotificationJson, NotificationsResponseJson } from "../../matrix/endpoints/client/pushers.js";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { ClientEventJson } from "../../matrix/pdu-json.js";
import type { Pdu } from "../../room/pdu.js";
import type { EventPushActionsStore } from "../../storage/stores/event-push-actions-store.js";
import { runInTransaction } from "../../storage/transaction.js";
import type { Logger } from "../../util/logger.js";
import { decodeNotificationActions } from "./notification-actions.js";
import type { PushBatch } from "./push-actions-worker.js";

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;
/** Users whose read notifications are capped per transaction. */
const USERS_PER_TRANSACTION = 100;

export interface NotificationsPruning {
  /** Read notifications are kept this long after they were read; default 30 days. */
  keepReadMs?: number;
  /** Read notifications kept per user (the newest); default 500. */
  keepReadPerUser?: number;
  /** Time between prunings; default 1 hour. */
  pruneIntervalMs?: number;
}

export const DEFAULT_NOTIFICATIONS_PRUNING: Readonly<Required<NotificationsPruning>> = {
  keepReadMs: 30 * 24 * 3_600_000,
  keepReadPerUser: 500,
  pruneIntervalMs: 3_600_000,
};

export interface NotificationsServiceDeps {
  db: DataSource;
  store: Pick<EventPushActionsStore, "selectNotifications" | "selectReadPositions" | "deleteReadNotificationsBefore" | "deleteReadNotificationsBeyond">;
  events: { getEvents(eventIds: Iterable<string>): Promise<Map<string, Pdu>> };
  /** Client-format events (redacted where a redaction applies). */
  serializer: { serialize(pdus: readonly Pdu[], options?: { includeRoomId?: boolean }): Promise<ClientEventJson[]> };
  pruning?: NotificationsPruning;
  now?: () => number;
  logger?: Pick<Logger, "warn">;
}

export interface NotificationsRequest {
  from?: string;
  limit?: number;
  only?: string;
}

export class NotificationsService {
  /** Users with notifications marked read since the last pruning. */
  private readers = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private pruning: Promise<void> | null = null;

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
    const receiptRooms = new Set(listed.filter((row) => !row.readMarked).map((row) => row.roomId));
    for (const read of await this.deps.store.selectReadPositions(userId, [...receiptRooms])) {
      if (read.threadId === null) unthreaded.set(read.roomId, read.streamOrdering);
      else threaded.set(`${read.roomId}\u0000${read.threadId}`, read.streamOrdering);
    }
    const notifications: NotificationJson[] = listed.map((row, i) => ({
      actions: decodeNotificationActions(row.actions, row.highlight),
      event: events[i]!,
      read: row.readMarked || row.streamOrdering <= Math.max(unthreaded.get(row.roomId) ?? 0, threaded.get(`${row.roomId}\u0000${row.threadId}`) ?? 0),
      room_id: row.roomId,
      ts: pdus.get(row.eventId)!.originServerTs,
    }));
    const response: NotificationsResponseJson = { notifications };
    if (rows.length === limit) response.next_token = String(rows[rows.length - 1]!.streamOrdering);
    return response;
  }

  /** A batch the worker committed: the users its read marks are for get their cap checked at the next pruning. */
  noteBatch(batch: Pick<PushBatch, "reads">): void {
    for (const mark of batch.reads) this.readers.add(mark.userId);
  }

  /** Prunes every `pruneIntervalMs` from now on. */
  start(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => {
      this.pruning ??= this.prune()
        .catch((err: unknown) => this.deps.logger?.warn({ err }, "notifications: pruning read notifications failed"))
        .finally(() => {
          this.pruning = null;
        });
    }, this.deps.pruning?.pruneIntervalMs ?? DEFAULT_NOTIFICATIONS_PRUNING.pruneIntervalMs);
    this.timer.unref();
  }

  /** Stops pruning (waits for one in progress). */
  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.pruning;
  }

  /** Deletes the read notifications read too long ago, and those beyond the cap of each user who read since the last time. */
  async prune(): Promise<void> {
    const { db, store } = this.deps;
    const keepMs = this.deps.pruning?.keepReadMs ?? DEFAULT_NOTIFICATIONS_PRUNING.keepReadMs;
    const keep = this.deps.pruning?.keepReadPerUser ?? DEFAULT_NOTIFICATIONS_PRUNING.keepReadPerUser;
    const users = [...this.readers];
    this.readers = new Set();
    await runInTransaction(db, (tx) => store.deleteReadNotificationsBefore(tx, (this.deps.now ?? Date.now)() - keepMs));
    for (let start = 0; start < users.length; start += USERS_PER_TRANSACTION) {
      await runInTransaction(db, async (tx) => {
        for (const userId of users.slice(start, start + USERS_PER_TRANSACTION)) await store.deleteReadNotificationsBeyond(tx, userId, keep);
      });
    }
  }
}
