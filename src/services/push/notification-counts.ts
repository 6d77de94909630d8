/**
 * Unread notification counts for /sync: the events that notify a user (event_push_actions)
 * past where they have read. https://spec.matrix.org/v1.19/client-server-api/#receiving-notifications
 *
 * - "users can send both an `m.read` and `m.read.private` receipt, both of which are capable of
 *   clearing notifications … the receipt which is more recent/ahead must be used".
 * - Threaded receipts: "the server is to partition the notification count to each thread (with
 *   the main timeline being its own thread)". An unthreaded receipt reads every thread up to it;
 *   a receipt with a `thread_id` reads that thread (or `main`) up to it; an event is unread when
 *   it is past both.
 * - The user's own events are read marks too: the worker clears what precedes them.
 *
 * Counts are read once the worker has evaluated every event the sync sends ("The updated
 * notification count from a new event MUST appear in the same /sync response as the event
 * itself"), waiting at most `waitMs`; they cover every event evaluated so far. A room's counts
 * are read from the database (two reads for any number of rooms: the receipts, then one UNION
 * ALL of index ranges) and then kept in memory: the worker adds each new notification to them
 * (applyBatch) and takes off what its read marks clear, and what else may lower them drops them
 * (redactions; receipts, as the notifier announces them), so a busy room's counts are mostly
 * served without a read.
 *
 * A read mark clears a thread's notifications before a position. Each kept thread knows the
 * positions of its latest notifications (64 by default) and that the others are at or
 * before `foldedUpTo`; a mark past `foldedUpTo` (the common one: the user's own message, after
 * everything they were notified of) is applied exactly, and only a mark among the folded ones
 * drops the room's counts.
 */
import type { UnreadNotificationCountsJson } from "../../matrix/endpoints/client/sync.js";
import { LruCache } from "../../storage/lru-cache.js";
import { MAIN_THREAD, type EventPushActionsStore, type UnreadCountRange } from "../../storage/stores/event-push-actions-store.js";
import type { Notifier, NotifierEvents } from "../../sync/notifier.js";
import type { ReadMark } from "./event-push-evaluator.js";
import type { PushActionsWorker, PushBatch } from "./push-actions-worker.js";

export interface RoomNotificationCounts {
  /** Every thread together (`unread_notifications` without per-thread counts). */
  readonly total: UnreadNotificationCountsJson;
  /** The main timeline only (`unread_notifications` with `unread_thread_notifications`). */
  readonly main: UnreadNotificationCountsJson;
  /** Thread root → counts, for threads with unread notifications. */
  readonly threads: ReadonlyMap<string, UnreadNotificationCountsJson>;
}

export interface NotificationCountsDeps {
  store: Pick<EventPushActionsStore, "selectReadPositions" | "selectUnreadCounts">;
  worker: Pick<PushActionsWorker, "waitFor">;
  /** Receipts announced here drop the counts they may lower. */
  notifier: Pick<Notifier, "on" | "off">;
  /** Longest wait for the worker, in ms; default 5,000. */
  waitMs?: number;
  /** (user, room) counts kept in memory; default 100,000. */
  capacity?: number;
  /** Positions of notifications kept per thread (the rest folded into a bound); default 64. */
  positionsPerThread?: number;
}

/** Positions of notifications kept per thread by default; older ones are folded into a bound. */
const MAX_POSITIONS = 64;

/** One thread's unread notifications. */
interface ThreadCounts {
  notifications: number;
  highlights: number;
  /** The latest notifications, oldest first (at most `positionsPerThread`). */
  readonly latest: Array<{ readonly at: number; readonly highlight: boolean }>;
  /** Every notification not in `latest` is at or before this position. */
  foldedUpTo: number;
}

/** One user's counts in one room, with the read positions new notifications are compared with. */
interface Kept {
  readonly roomGen: number;
  readonly userGen: number;
  readonly unthreadedRead: number;
  readonly threadReads: ReadonlyMap<string, number>;
  readonly threads: Map<string, ThreadCounts>;
}

export class NotificationCounts {
  private readonly kept: LruCache<string, Kept>;
  /** Bumped when a room's kept counts all become invalid (a receipt there). */
  private readonly roomGens = new Map<string, number>();
  /** Bumped when a user's kept counts all become invalid (their private receipt). */
  private readonly userGens = new Map<string, number>();
  /** Bumped by any change in a room: a read that overlapped one does not keep its result. */
  private readonly roomChanges = new Map<string, number>();
  private readonly onNotify = (...[stream, , targets]: NotifierEvents["notify"]): void => {
    if (stream !== "receipt") return;
    for (const roomId of targets.roomIds ?? []) {
      bump(this.roomGens, roomId);
      bump(this.roomChanges, roomId);
    }
    for (const userId of targets.userIds ?? []) bump(this.userGens, userId);
  };

  constructor(private readonly deps: NotificationCountsDeps) {
    this.kept = new LruCache(deps.capacity ?? 100_000);
  }

  /** Starts following receipts. */
  start(): void {
    this.deps.notifier.on("notify", this.onNotify);
  }

  stop(): void {
    this.deps.notifier.off("notify", this.onNotify);
  }

  /**
   * The counts of `userId` in each of `roomIds`, once events up to stream ordering `upTo` are
   * evaluated (they count every event evaluated). Rooms without unread notifications are absent.
   */
  async getUnreadCounts(userId: string, roomIds: readonly string[], upTo: number): Promise<Map<string, RoomNotificationCounts>> {
    const out = new Map<string, RoomNotificationCounts>();
    if (roomIds.length === 0) return out;
    await this.deps.worker.waitFor(upTo, this.deps.waitMs ?? 5_000);
    const missing: string[] = [];
    for (const roomId of roomIds) {
      const kept = this.valid(userId, roomId);
      if (kept === null) missing.push(roomId);
      else addCounts(out, roomId, kept);
    }
    if (missing.length > 0) for (const [roomId, kept] of await this.read(userId, missing)) addCounts(out, roomId, kept);
    return out;
  }

  /**
   * After the worker commits a batch: its notifications are added to the counts kept, then its
   * read marks take off what they clear (as the batch's DELETE did), and the counts its
   * redactions lower are dropped.
   */
  applyBatch({ actions, reads, redactedRooms }: PushBatch): void {
    for (const roomId of redactedRooms) {
      bump(this.roomGens, roomId);
      bump(this.roomChanges, roomId);
    }
    for (const row of actions) {
      bump(this.roomChanges, row.roomId);
      const kept = this.valid(row.userId, row.roomId);
      if (kept === null || row.streamOrdering <= Math.max(kept.unthreadedRead, kept.threadReads.get(row.threadId) ?? 0)) continue;
      let counts = kept.threads.get(row.threadId);
      if (counts === undefined) kept.threads.set(row.threadId, (counts = { notifications: 0, highlights: 0, latest: [], foldedUpTo: 0 }));
      counts.notifications++;
      if (row.highlight) counts.highlights++;
      counts.latest.push({ at: row.streamOrdering, highlight: row.highlight });
      if (counts.latest.length > (this.deps.positionsPerThread ?? MAX_POSITIONS)) counts.foldedUpTo = Math.max(counts.foldedUpTo, counts.latest.shift()!.at);
    }
    for (const mark of reads) {
      bump(this.roomChanges, mark.roomId);
      const kept = this.valid(mark.userId, mark.roomId);
      if (kept !== null && !applyReadMark(kept, mark)) this.kept.delete(keyOf(mark.userId, mark.roomId));
    }
  }

  private valid(userId: string, roomId: string): Kept | null {
    const kept = this.kept.get(keyOf(userId, roomId));
    if (kept === undefined || kept.roomGen !== (this.roomGens.get(roomId) ?? 0) || kept.userGen !== (this.userGens.get(userId) ?? 0)) return null;
    return kept;
  }

  /** Reads the counts of rooms not kept, and keeps those no change overlapped. */
  private async read(userId: string, roomIds: readonly string[]): Promise<Map<string, Kept>> {
    const userGen = this.userGens.get(userId) ?? 0;
    const before = new Map(roomIds.map((roomId) => [roomId, this.roomChanges.get(roomId) ?? 0]));
    const unthreaded = new Map<string, number>();
    const threaded = new Map<string, Map<string, number>>();
    for (const row of await this.deps.store.selectReadPositions(userId, roomIds)) {
      if (row.threadId === null) unthreaded.set(row.roomId, row.streamOrdering);
      else {
        let threads = threaded.get(row.roomId);
        if (threads === undefined) threaded.set(row.roomId, (threads = new Map()));
        threads.set(row.threadId, row.streamOrdering);
      }
    }
    const ranges: UnreadCountRange[] = [];
    const read = new Map<string, Kept>();
    for (const roomId of roomIds) {
      const after = unthreaded.get(roomId) ?? 0;
      const threadReads = threaded.get(roomId) ?? new Map<string, number>();
      const further: string[] = [];
      for (const [threadId, position] of threadReads) {
        if (position <= after) continue;
        further.push(threadId);
        ranges.push({ roomId, after: position, upTo: Number.MAX_SAFE_INTEGER, threadId });
      }
      ranges.push({ roomId, after, upTo: Number.MAX_SAFE_INTEGER, exceptThreads: further });
      read.set(roomId, { roomGen: this.roomGens.get(roomId) ?? 0, userGen, unthreadedRead: after, threadReads, threads: new Map() });
    }
    for (const row of await this.deps.store.selectUnreadCounts(userId, ranges)) {
      if (row.notifications > 0) read.get(row.roomId)!.threads.set(row.threadId, { notifications: row.notifications, highlights: row.highlights, latest: [], foldedUpTo: row.last });
    }
    for (const [roomId, kept] of read) {
      if ((this.roomChanges.get(roomId) ?? 0) === before.get(roomId) && (this.userGens.get(userId) ?? 0) === userGen) this.kept.set(keyOf(userId, roomId), kept);
    }
    return read;
  }
}

function keyOf(userId: string, roomId: string): string {
  return `${userId}\u0000${roomId}`;
}

/**
 * Takes off the kept notifications that `mark` clears: those before `mark.before` in its thread
 * (or in all). False when that is not known (a folded notification may be on either side).
 */
function applyReadMark(kept: Kept, mark: ReadMark): boolean {
  const threads = mark.threadId === null ? [...kept.threads.keys()] : [mark.threadId];
  for (const threadId of threads) {
    const counts = kept.threads.get(threadId);
    if (counts !== undefined && counts.notifications > counts.latest.length && mark.before <= counts.foldedUpTo) return false;
  }
  for (const threadId of threads) {
    const counts = kept.threads.get(threadId);
    if (counts === undefined) continue;
    const remaining = counts.latest.filter((n) => n.at >= mark.before);
    if (remaining.length === 0) {
      kept.threads.delete(threadId);
      continue;
    }
    counts.notifications = remaining.length;
    counts.highlights = remaining.filter((n) => n.highlight).length;
    counts.latest.splice(0, counts.latest.length, ...remaining);
  }
  return true;
}

function bump(gens: Map<string, number>, key: string): void {
  gens.set(key, (gens.get(key) ?? 0) + 1);
}

/** The room's counts as /sync shows them (absent when there are none). */
function addCounts(out: Map<string, RoomNotificationCounts>, roomId: string, kept: Kept): void {
  if (kept.threads.size === 0) return;
  const total = { highlight_count: 0, notification_count: 0 };
  let main = { highlight_count: 0, notification_count: 0 };
  const threads = new Map<string, UnreadNotificationCountsJson>();
  for (const [threadId, { notifications, highlights }] of kept.threads) {
    total.highlight_count += highlights;
    total.notification_count += notifications;
    const counts = { highlight_count: highlights, notification_count: notifications };
    if (threadId === MAIN_THREAD) main = counts;
    else threads.set(threadId, counts);
  }
  out.set(roomId, { total, main, threads });
}
