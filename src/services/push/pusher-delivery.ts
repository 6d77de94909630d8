/**
 * HTTP pusher delivery: each notification the push actions worker records (its batches, after
 * they commit) is sent to each of the user's http pushers as `POST {data.url}` in the push
 * gateway's format. https://spec.matrix.org/v1.19/push-gateway-api/#post_matrixpushv1notify
 *
 * - "When the homeserver is performing a push where the `format` is `"event_id_only"`, only the
 *   `event_id`, `room_id`, `counts`, and `devices` are required to be populated"; otherwise the
 *   event's type, sender, sender's display name, room name or alias and content go too.
 * - `devices[].data` is the pusher's data "minus the `url` key"; `pushkey_ts` is in seconds;
 *   `tweaks` are the matched rule's `set_tweak` actions (`sound`, `highlight`, …), stored with
 *   each row; `prio` is high with a sound or a highlight, low otherwise (notification-actions.ts);
 *   `counts.unread` is the user's unread notifications in every room (NotificationCounts),
 *   omitted when zero ("Counts whose value is zero should be omitted").
 * - "If the endpoint returns an HTTP error code, the homeserver SHOULD retry for a reasonable
 *   amount of time using exponential backoff": per pusher, from `initialBackoffMs` doubling to
 *   `maxBackoffMs`, a notification given up after `maxAttempts`.
 * - `rejected`: "Homeservers must cease sending notification requests for these pushkeys and
 *   remove the associated pushers."
 *
 * Nothing here runs inside the worker's or the persister's transaction: onBatch only queues.
 * Each pusher sends one request at a time, in order, from a queue of at most `queuePerPusher`
 * notifications: when its gateway is slow the oldest are dropped (coalesced: the newest carries
 * the current count). At most `concurrency` requests are in flight in all, and at most
 * `maxPendingRows` of the worker's rows wait to be matched with pushers.
 *
 * Nothing lost (DESIGN.md): the queues live in memory, but each pusher's row keeps
 * `last_stream_ordering`, moved (one UPDATE, off the persister's path) once the gateway has taken
 * a notification, rejected the pushkey or been given up on. start() reads what each http pusher
 * has not been sent (event_push_actions after its position: what a restart, a crash or a retry
 * cut short left) and queues it before the worker's new rows, the newest `queuePerPusher` per
 * pusher, of events at most `maxAgeMs` old: a push hours late is noise. Read notifications are
 * not pushed (a read mark moved them to read_notifications). Rows at or before a pusher's
 * position are never queued again (an event evaluated twice after a crash), nor those start()
 * queued. A crash between a gateway's answer and the UPDATE sends that notification again.
 *
 * One process sends: the one holding the `push-delivery` lock (process-lock.ts; always the one
 * process on SQLite). The others drop the worker's rows and try the lock every `ownerRetryMs`;
 * the one that gets it (its holder exited) starts from the stored positions.
 */
import type { DataSource } from "typeorm";
import type { Pdu } from "../../room/pdu.js";
import type { CurrentStateStore } from "../../storage/stores/current-state-store.js";
import type { PusherRow, PushersStore, StoredPusherRow } from "../../storage/stores/pushers-store.js";
import { tryProcessLock, type ProcessLock } from "../../storage/process-lock.js";
import type { EventPushActionsStore, PushActionRow, UnpushedRow } from "../../storage/stores/event-push-actions-store.js";
import { runInTransaction } from "../../storage/transaction.js";
import type { Logger } from "../../util/logger.js";
import { decodeNotificationActions, notificationPriority, notificationTweaks } from "./notification-actions.js";
import type { NotificationCounts } from "./notification-counts.js";
import type { PushBatch } from "./push-actions-worker.js";

export interface PusherDeliveryOptions {
  /** Requests in flight at once, over all pushers; default 8. */
  concurrency?: number;
  /** Notifications waiting per pusher (the oldest dropped beyond); default 16. */
  queuePerPusher?: number;
  /** Worker rows waiting to be matched with pushers (the oldest dropped beyond); default 10,000. */
  maxPendingRows?: number;
  /** First retry delay, doubled on each failure; default 1,000 ms. */
  initialBackoffMs?: number;
  /** Longest retry delay; default 10 minutes. */
  maxBackoffMs?: number;
  /** Tries of one notification before it is dropped; default 10. */
  maxAttempts?: number;
  /** Timeout of one request; default 15,000 ms. */
  requestTimeoutMs?: number;
  /** Oldest event (origin_server_ts) start() still pushes; default 24 hours. */
  maxAgeMs?: number;
  /** How often a process that does not send tries to take the lock over; default 30,000 ms. */
  ownerRetryMs?: number;
}

export interface PusherDeliveryDeps {
  db: DataSource;
  pushers: Pick<PushersStore, "selectPushersOfUsers" | "deletePusher" | "advancePusherPosition">;
  store: Pick<EventPushActionsStore, "selectEventIdsAt" | "selectRoomsWithNotifications" | "selectUnpushed">;
  events: { getEvents(eventIds: Iterable<string>): Promise<Map<string, Pdu>> };
  currentState: Pick<CurrentStateStore, "selectCurrentStateEventId">;
  counts: Pick<NotificationCounts, "getUnreadCounts">;
  logger?: Pick<Logger, "warn">;
  fetch?: typeof fetch;
  options?: PusherDeliveryOptions;
  /** The time events are aged against; default Date.now. */
  now?: () => number;
  /** Takes the lock of the process that sends (null: another holds it); default tryProcessLock. */
  lock?: () => Promise<ProcessLock | null>;
}

/** One notification for one pusher. */
interface Job {
  readonly streamOrdering: number;
  readonly eventId: string;
  readonly roomId: string;
  /** The tweaks of the matched rule's actions. */
  readonly tweaks: Readonly<Record<string, unknown>>;
}

interface PusherQueue {
  readonly key: string;
  readonly userId: string;
  readonly appId: string;
  readonly pushkey: string;
  readonly jobs: Job[];
  busy: boolean;
  attempts: number;
  timer: NodeJS.Timeout | null;
}

type Outcome = "sent" | "retry" | "gone";
/** The name of the lock of the process that sends. */
const LOCK_NAME = "push-delivery";
type PusherKey = Pick<PusherRow, "userId" | "appId" | "pushkey">;
const keyOf = (pusher: PusherKey): string => JSON.stringify([pusher.userId, pusher.appId, pusher.pushkey]);

export class PusherDelivery {
  private readonly opts: Required<PusherDeliveryOptions>;
  private intake: PushActionRow[] = [];
  private draining: Promise<void> | null = null;
  private readonly queues = new Map<string, PusherQueue>();
  /** Queues ready to send that wait for a free slot, oldest first. */
  private readonly waiting = new Set<PusherQueue>();
  private active = 0;
  private stopped = false;
  private readonly inFlight = new Set<AbortController>();
  private dropped = 0;
  /** The lock of the process that sends; null while another process holds it. */
  private lock: ProcessLock | null = null;
  private lockTimer: NodeJS.Timeout | null = null;
  /** Reading and queueing what was not sent; the worker's rows wait for it. */
  private catchingUp: Promise<void> | null = null;
  /** The (pusher, stream ordering) pairs start() queued: the worker's rows do not queue them again. */
  private readonly caughtUp = new Set<string>();
  /** The sends in progress, with the position update after them. */
  private readonly sending = new Set<Promise<void>>();
  /** Positions to store in the next flush, by pusher key (the highest of each). */
  private readonly advances = new Map<string, { queue: PusherQueue; position: number }>();
  /** The next flush of `advances`, once this turn's sends have added theirs. */
  private advancing: Promise<void> | null = null;

  constructor(private readonly deps: PusherDeliveryDeps) {
    const o = deps.options ?? {};
    this.opts = {
      concurrency: o.concurrency ?? 8,
      queuePerPusher: o.queuePerPusher ?? 16,
      maxPendingRows: o.maxPendingRows ?? 10_000,
      initialBackoffMs: o.initialBackoffMs ?? 1_000,
      maxBackoffMs: o.maxBackoffMs ?? 600_000,
      maxAttempts: o.maxAttempts ?? 10,
      requestTimeoutMs: o.requestTimeoutMs ?? 15_000,
      maxAgeMs: o.maxAgeMs ?? 24 * 3_600_000,
      ownerRetryMs: o.ownerRetryMs ?? 30_000,
    };
  }

  /**
   * Takes the lock of the process that sends, or tries again every `ownerRetryMs`; once held,
   * queues what the pushers were not sent (one read; the sends go on after start() returns).
   */
  async start(): Promise<void> {
    if (this.stopped || this.lock !== null) return;
    try {
      this.lock = await (this.deps.lock ?? (() => tryProcessLock(this.deps.db, LOCK_NAME)))();
    } catch (err) {
      this.deps.logger?.warn({ err }, "pushers: taking the push delivery lock failed");
    }
    if (this.stopped) {
      await this.lock?.release();
      this.lock = null;
      return;
    }
    if (this.lock === null) {
      this.lockTimer = setTimeout(() => {
        this.lockTimer = null;
        void this.start();
      }, this.opts.ownerRetryMs);
      this.lockTimer.unref();
      return;
    }
    this.catchingUp = this.catchUp().finally(() => {
      this.catchingUp = null;
    });
    await this.catchingUp;
  }

  /** Whether this process sends (holds the lock). */
  get owner(): boolean {
    return this.lock !== null;
  }

  /** A batch the worker committed: its notifications are queued for the users' pushers. */
  onBatch(batch: Pick<PushBatch, "actions">): void {
    // Another process sends; this one reads the rows from the database if it takes over.
    if (this.stopped || this.lock === null || batch.actions.length === 0) return;
    this.intake.push(...batch.actions);
    const excess = this.intake.length - this.opts.maxPendingRows;
    if (excess > 0) {
      this.intake.splice(0, excess);
      this.noteDropped(excess);
    }
    this.draining ??= this.drain().finally(() => {
      this.draining = null;
    });
  }

  /** Stops: nothing more is queued or sent, requests in flight are aborted. */
  async close(): Promise<void> {
    this.stopped = true;
    this.intake = [];
    if (this.lockTimer !== null) clearTimeout(this.lockTimer);
    for (const controller of this.inFlight) controller.abort();
    for (const queue of this.queues.values()) if (queue.timer !== null) clearTimeout(queue.timer);
    this.queues.clear();
    this.waiting.clear();
    await this.catchingUp;
    await this.draining;
    await Promise.all(this.sending);
    await this.lock?.release();
    this.lock = null;
  }

  /** Notifications queued or being sent (tests, metrics). */
  pendingCount(): number {
    let n = this.intake.length;
    for (const queue of this.queues.values()) n += queue.jobs.length;
    return n;
  }

  /** Queues the notifications the pushers were not sent, within the age and queue bounds. */
  private async catchUp(): Promise<void> {
    let rows: UnpushedRow[];
    try {
      rows = await this.deps.store.selectUnpushed((this.deps.now ?? Date.now)() - this.opts.maxAgeMs, this.opts.maxPendingRows);
    } catch (err) {
      this.deps.logger?.warn({ err }, "pushers: reading the notifications not pushed yet failed");
      return;
    }
    // Each pusher's newest `queuePerPusher` (oldest first), as its queue would have coalesced them.
    const perPusher = new Map<string, UnpushedRow[]>();
    for (const row of rows) {
      const key = keyOf(row);
      let list = perPusher.get(key);
      if (list === undefined) perPusher.set(key, (list = []));
      list.push(row);
      if (list.length > this.opts.queuePerPusher) list.shift();
    }
    for (const [key, list] of perPusher) {
      for (const row of list) {
        if (this.stopped) return;
        this.caughtUp.add(`${key}\u0000${row.streamOrdering}`);
        const tweaks = notificationTweaks(decodeNotificationActions(row.actions, row.highlight));
        this.enqueue(row, { streamOrdering: row.streamOrdering, eventId: row.eventId, roomId: row.roomId, tweaks });
      }
    }
  }

  private async drain(): Promise<void> {
    // Rows of one turn are matched together (one read of pushers for many batches).
    await new Promise((resolve) => setImmediate(resolve));
    // What was not sent before goes first.
    await this.catchingUp;
    while (!this.stopped && this.intake.length > 0) {
      const rows = this.intake;
      this.intake = [];
      try {
        await this.match(rows);
      } catch (err) {
        this.deps.logger?.warn({ err, rows: rows.length }, "pushers: matching notifications with pushers failed; they are not pushed");
      }
    }
  }

  private async match(rows: readonly PushActionRow[]): Promise<void> {
    const pushers = new Map<string, StoredPusherRow[]>();
    for (const pusher of await this.deps.pushers.selectPushersOfUsers([...new Set(rows.map((r) => r.userId))])) {
      if (pusher.kind !== "http") continue;
      let list = pushers.get(pusher.userId);
      if (list === undefined) pushers.set(pusher.userId, (list = []));
      list.push(pusher);
    }
    const wanted = rows.filter((row) => pushers.has(row.userId));
    if (wanted.length === 0 || this.stopped) return;
    const eventIds = await this.deps.store.selectEventIdsAt([...new Set(wanted.map((row) => row.streamOrdering))]);
    for (const row of wanted) {
      const eventId = eventIds.get(row.streamOrdering);
      if (eventId === undefined || this.stopped) continue;
      const tweaks = notificationTweaks(decodeNotificationActions(row.actions, row.highlight));
      for (const pusher of pushers.get(row.userId)!) {
        // Sent before (an event evaluated again after a crash), or queued by start().
        if (row.streamOrdering <= pusher.lastStreamOrdering || this.caughtUp.has(`${keyOf(pusher)}\u0000${row.streamOrdering}`)) continue;
        this.enqueue(pusher, { streamOrdering: row.streamOrdering, eventId, roomId: row.roomId, tweaks });
      }
    }
  }

  private enqueue(pusher: PusherKey, job: Job): void {
    const key = keyOf(pusher);
    let queue = this.queues.get(key);
    if (queue === undefined) {
      queue = { key, userId: pusher.userId, appId: pusher.appId, pushkey: pusher.pushkey, jobs: [], busy: false, attempts: 0, timer: null };
      this.queues.set(key, queue);
    }
    queue.jobs.push(job);
    if (queue.jobs.length > this.opts.queuePerPusher) {
      // The one being sent (or retried) stays first.
      queue.jobs.splice(queue.busy || queue.timer !== null ? 1 : 0, 1);
      queue.attempts = queue.busy || queue.timer !== null ? queue.attempts : 0;
      this.noteDropped(1);
    }
    this.schedule(queue);
  }

  private schedule(queue: PusherQueue): void {
    if (this.stopped || queue.busy || queue.timer !== null) return;
    if (queue.jobs.length === 0) {
      this.queues.delete(queue.key);
      return;
    }
    if (this.active >= this.opts.concurrency) {
      this.waiting.add(queue);
      return;
    }
    this.waiting.delete(queue);
    queue.busy = true;
    this.active++;
    const sending = this.sendFirst(queue).then(async (outcome) => {
      const job = queue.jobs[0]!;
      const gaveUp = outcome === "retry" && queue.attempts + 1 >= this.opts.maxAttempts && !this.stopped;
      if (outcome === "sent" || gaveUp) await this.advance(queue, job.streamOrdering);
      this.sending.delete(sending);
      this.settle(queue, outcome);
    });
    this.sending.add(sending);
  }

  /**
   * Stores that the pusher is done with the notifications up to `position`. Never throws. The
   * positions of one turn's sends go together in one transaction: a message to a room of many
   * users with pushers costs one write, not one per pusher (on SQLite, each a commit in the
   * persister's single-writer queue).
   */
  private advance(queue: PusherQueue, position: number): Promise<void> {
    const pending = this.advances.get(queue.key);
    if (pending === undefined || pending.position < position) this.advances.set(queue.key, { queue, position });
    this.advancing ??= new Promise((resolve) => setImmediate(resolve)).then(() => this.storeAdvances());
    return this.advancing;
  }

  private async storeAdvances(): Promise<void> {
    const advances = [...this.advances.values()];
    this.advances.clear();
    // Positions added from now on go in the next flush.
    this.advancing = null;
    try {
      await runInTransaction(this.deps.db, async (tx) => {
        for (const { queue, position } of advances) await this.deps.pushers.advancePusherPosition(tx, queue.userId, queue.appId, queue.pushkey, position);
      });
    } catch (err) {
      this.deps.logger?.warn({ err, pushers: advances.length }, "pushers: storing the pushers' positions failed");
    }
  }

  private settle(queue: PusherQueue, outcome: Outcome): void {
    queue.busy = false;
    this.active--;
    if (outcome === "gone") {
      queue.jobs.length = 0;
    } else if (outcome === "sent") {
      queue.jobs.shift();
      queue.attempts = 0;
    } else if (this.stopped) {
      // Not sent: start() queues it again after a restart.
    } else if (++queue.attempts >= this.opts.maxAttempts) {
      this.deps.logger?.warn({ userId: queue.userId, appId: queue.appId, attempts: queue.attempts }, "pushers: giving up on a notification");
      queue.jobs.shift();
      queue.attempts = 0;
    } else {
      const delay = Math.min(this.opts.initialBackoffMs * 2 ** (queue.attempts - 1), this.opts.maxBackoffMs);
      queue.timer = setTimeout(() => {
        queue.timer = null;
        this.schedule(queue);
      }, delay);
      queue.timer.unref();
    }
    this.schedule(queue);
    for (const next of this.waiting) {
      if (this.active >= this.opts.concurrency) break;
      this.schedule(next);
    }
  }

  /** Sends the queue's first notification. Never throws. */
  private async sendFirst(queue: PusherQueue): Promise<Outcome> {
    const job = queue.jobs[0]!;
    try {
      // Read again: a pusher deleted (or changed) since it was queued is honoured.
      const pusher = (await this.deps.pushers.selectPushersOfUsers([queue.userId])).find((p) => p.appId === queue.appId && p.pushkey === queue.pushkey);
      if (pusher === undefined || this.stopped) return "gone";
      const pdu = (await this.deps.events.getEvents([job.eventId])).get(job.eventId);
      if (pdu === undefined) return "sent";
      const body = { notification: await this.notification(pusher, pdu, job) };
      const rejected = await this.post(String(pusher.data.url), body);
      if (rejected === null) return "retry";
      if (rejected.includes(pusher.pushkey)) {
        await runInTransaction(this.deps.db, (tx) => this.deps.pushers.deletePusher(tx, pusher.userId, pusher.appId, pusher.pushkey));
        return "gone";
      }
      return "sent";
    } catch (err) {
      this.deps.logger?.warn({ err, userId: queue.userId, appId: queue.appId }, "pushers: a push failed");
      return "retry";
    }
  }

  /** POSTs to the gateway: its `rejected` pushkeys, or null on an HTTP error or none at all. */
  private async post(url: string, body: unknown): Promise<string[] | null> {
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timer = setTimeout(() => controller.abort(), this.opts.requestTimeoutMs);
    try {
      const response = await (this.deps.fetch ?? fetch)(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: controller.signal,
      });
      const text = await response.text();
      if (!response.ok) return null;
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(text);
      } catch {
        // A 200 without JSON: delivered, nothing rejected.
      }
      const rejected = (parsed as { rejected?: unknown } | null)?.rejected;
      return Array.isArray(rejected) ? rejected.filter((key): key is string => typeof key === "string") : [];
    } catch (err) {
      this.deps.logger?.warn({ err, url }, "pushers: the push gateway could not be reached");
      return null;
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
  }

  private async notification(pusher: PusherRow, pdu: Pdu, job: Job): Promise<Record<string, unknown>> {
    const { url: _url, ...data } = pusher.data;
    const device = {
      app_id: pusher.appId,
      pushkey: pusher.pushkey,
      pushkey_ts: Math.floor(pusher.pushkeyTs / 1000),
      data,
      tweaks: job.tweaks,
    };
    const unread = await this.unreadCount(pusher.userId);
    const out: Record<string, unknown> = { event_id: pdu.eventId, room_id: pdu.roomId };
    if (pusher.data.format !== "event_id_only") {
      out.type = pdu.type;
      out.sender = pdu.sender;
      const names = await this.roomNames(pdu);
      if (names.senderDisplayName !== null) out.sender_display_name = names.senderDisplayName;
      if (names.roomName !== null) out.room_name = names.roomName;
      if (names.roomAlias !== null) out.room_alias = names.roomAlias;
      if (pdu.type === "m.room.member") out.user_is_target = pdu.stateKey === pusher.userId;
      out.content = pdu.content;
    }
    out.prio = notificationPriority(job.tweaks);
    out.counts = unread > 0 ? { unread } : {};
    out.devices = [device];
    return out;
  }

  /** "The number of unread messages a user has across all of the rooms they are a member of." */
  private async unreadCount(userId: string): Promise<number> {
    const rooms = await this.deps.store.selectRoomsWithNotifications(userId);
    let total = 0;
    for (const counts of (await this.deps.counts.getUnreadCounts(userId, rooms, 0)).values()) total += counts.total.notification_count;
    return total;
  }

  /** The sender's current display name in the room, the room's name and canonical alias. */
  private async roomNames(pdu: Pdu): Promise<{ senderDisplayName: string | null; roomName: string | null; roomAlias: string | null }> {
    const ids = await Promise.all([
      this.deps.currentState.selectCurrentStateEventId(pdu.roomId, "m.room.member", pdu.sender),
      this.deps.currentState.selectCurrentStateEventId(pdu.roomId, "m.room.name", ""),
      this.deps.currentState.selectCurrentStateEventId(pdu.roomId, "m.room.canonical_alias", ""),
    ]);
    const events = await this.deps.events.getEvents(ids.filter((id): id is string => id !== null));
    const field = (id: string | null, key: string): string | null => {
      const value = id === null ? undefined : events.get(id)?.content[key];
      return typeof value === "string" && value !== "" ? value : null;
    };
    return { senderDisplayName: field(ids[0]!, "displayname"), roomName: field(ids[1]!, "name"), roomAlias: field(ids[2]!, "alias") };
  }

  private noteDropped(n: number): void {
    this.dropped += n;
    this.deps.logger?.warn({ dropped: n, total: this.dropped }, "pushers: notifications dropped (push gateways too slow)");
  }
}
