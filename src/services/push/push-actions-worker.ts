/**
 * Evaluates push rules for new events after they are committed, off the event persister's path
 * (it only tells the notifier), and records who each event notifies (event_push_actions).
 *
 * The worker listens to the notifier's `pdu` positions and follows the events table in stream
 * order, in batches: for each visible event, the room's state before it (RoomPushStates), then
 * each local member's rules (EventPushEvaluator). A batch's rows, its read marks, the removal
 * of what redacted events had recorded, and the new position commit together, so a restart
 * resumes exactly after the last batch.
 *
 * "The updated notification count from a new event MUST appear in the same /sync response as
 * the event itself": /sync waits (waitFor) until the worker has passed the position it sends.
 * A batch that keeps failing is skipped after a few tries (logged): counts may then miss its
 * events, but syncs are never held up for good.
 */
import type { DataSource } from "typeorm";
import type { Pdu } from "../../room/pdu.js";
import type { EventPushActionsStore, PushActionRow } from "../../storage/stores/event-push-actions-store.js";
import { runInTransaction } from "../../storage/transaction.js";
import type { Notifier, NotifierEvents } from "../../sync/notifier.js";
import type { Logger } from "../../util/logger.js";
import type { EventPushEvaluator, ReadMark } from "./event-push-evaluator.js";
import type { RoomPushStates } from "./room-push-states.js";

export interface PushActionsWorkerDeps {
  db: DataSource;
  store: Pick<
    EventPushActionsStore,
    "selectPushCandidates" | "insertPushActions" | "deletePushActionsBefore" | "deletePushActionsOfEvent" | "selectProcessedPosition" | "updateProcessedPosition"
  >;
  events: { getEvents(eventIds: Iterable<string>): Promise<Map<string, Pdu>> };
  roomStates: Pick<RoomPushStates, "at" | "recordAfter">;
  evaluator: Pick<EventPushEvaluator, "evaluate" | "prepare">;
  notifier: Pick<Notifier, "on" | "off" | "currentToken">;
  /** Told of each batch once committed (the counts kept in memory follow it). */
  onBatch?: (batch: PushBatch) => void;
  logger?: Pick<Logger, "error">;
  /** Events per batch; default 500. */
  batchSize?: number;
  /** Pause after a failed batch, in ms; default 1,000. */
  retryDelayMs?: number;
}

/** What one batch wrote. */
export interface PushBatch {
  readonly actions: readonly PushActionRow[];
  /** The read marks applied (after the actions). */
  readonly reads: Iterable<ReadMark>;
  /** Rooms where a redaction removed notifications. */
  readonly redactedRooms: ReadonlySet<string>;
}

/** "Redacted" events notify no more: a redaction removes what its event recorded. */
interface Redaction {
  readonly roomId: string;
  readonly eventId: string;
  readonly userIds: readonly string[];
}

interface Waiter {
  readonly position: number;
  readonly resolve: (caughtUp: boolean) => void;
  readonly timer: NodeJS.Timeout;
}

const MAX_TRIES = 3;

export class PushActionsWorker {
  private processed = 0;
  private target = 0;
  private running: Promise<void> | null = null;
  private stopped = false;
  private readonly waiters = new Set<Waiter>();
  private kickQueued = false;
  private readonly onNotify = (...[stream, position]: NotifierEvents["notify"]): void => {
    if (stream !== "pdu" || position <= this.target) return;
    this.target = position;
    // Started in a microtask: the positions a writer announces in pieces within one turn are
    // evaluated in one pass, not the first alone and then the rest.
    if (this.kickQueued) return;
    this.kickQueued = true;
    queueMicrotask(() => {
      this.kickQueued = false;
      this.kick();
    });
  };

  constructor(private readonly deps: PushActionsWorkerDeps) {}

  /** Resumes from the stored position and follows the notifier from now on. */
  async start(): Promise<void> {
    this.processed = await this.deps.store.selectProcessedPosition();
    this.target = Math.max(this.target, this.deps.notifier.currentToken().pdu);
    this.deps.notifier.on("notify", this.onNotify);
    this.kick();
  }

  /** Stops following the notifier and waits for the batch in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.deps.notifier.off("notify", this.onNotify);
    await this.running;
    for (const waiter of this.waiters) this.settle(waiter, false);
  }

  /** The stream ordering every event up to which has been evaluated. */
  processedPosition(): number {
    return this.processed;
  }

  /** Resolves true once events up to `position` are evaluated, false if `timeoutMs` passes first. */
  waitFor(position: number, timeoutMs: number): Promise<boolean> {
    if (this.processed >= position) return Promise.resolve(true);
    if (this.stopped) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter: Waiter = { position, resolve, timer: setTimeout(() => this.settle(waiter, false), timeoutMs) };
      this.waiters.add(waiter);
    });
  }

  private settle(waiter: Waiter, caughtUp: boolean): void {
    if (!this.waiters.delete(waiter)) return;
    clearTimeout(waiter.timer);
    waiter.resolve(caughtUp);
  }

  private kick(): void {
    if (this.running !== null || this.stopped || this.processed >= this.target) return;
    this.running = this.run().finally(() => {
      this.running = null;
      this.kick();
    });
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped && this.processed < this.target) {
      try {
        await this.processBatch(this.target, failures >= MAX_TRIES);
        failures = 0;
      } catch (err) {
        failures++;
        this.deps.logger?.error({ err, after: this.processed, failures }, "push actions: a batch failed");
        await new Promise((resolve) => setTimeout(resolve, this.deps.retryDelayMs ?? 1_000));
      }
    }
  }

  /** One batch after `processed`, up to `upTo` at most; `skip` records the position only. */
  private async processBatch(upTo: number, skip: boolean): Promise<void> {
    const { store } = this.deps;
    const batchSize = this.deps.batchSize ?? 500;
    const candidates = await store.selectPushCandidates(this.processed, upTo, batchSize);
    const last = candidates.length < batchSize ? upTo : candidates[candidates.length - 1]!.streamOrdering;
    const actions: PushActionRow[] = [];
    const reads = new Map<string, ReadMark>();
    const redactions: Redaction[] = [];
    if (!skip && candidates.length > 0) {
      const events = await this.deps.events.getEvents(candidates.map((c) => c.eventId));
      await this.deps.evaluator.prepare(events.values());
      for (const candidate of candidates) {
        const pdu = events.get(candidate.eventId);
        if (pdu === undefined) continue;
        const groups = { before: candidate.stateGroupBefore, after: candidate.stateGroupAfter };
        const state = await this.deps.roomStates.at(groups.before, candidate.roomId);
        if (state === null) continue;
        if (!candidate.redacted) {
          const result = await this.deps.evaluator.evaluate(pdu, candidate.streamOrdering, state);
          for (const row of result.actions) actions.push(row);
          for (const mark of result.reads) {
            // The latest mark of a (user, room, thread) covers the earlier ones.
            reads.set(`${mark.userId}\u0000${mark.roomId}\u0000${mark.threadId ?? ""}`, mark);
          }
        }
        if (pdu.redacts !== undefined && pdu.type === "m.room.redaction" && state.localMembers.size > 0) {
          redactions.push({ roomId: candidate.roomId, eventId: pdu.redacts, userIds: [...state.localMembers.keys()] });
        }
        await this.deps.roomStates.recordAfter(pdu, groups);
      }
    }
    await runInTransaction(this.deps.db, async (tx) => {
      await store.insertPushActions(tx, actions);
      // After the inserts: a mark clears this batch's earlier rows too.
      await store.deletePushActionsBefore(tx, [...reads.values()]);
      for (const r of redactions) await store.deletePushActionsOfEvent(tx, r.roomId, r.eventId, r.userIds);
      await store.updateProcessedPosition(tx, last);
    });
    this.processed = Math.max(this.processed, last);
    this.deps.onBatch?.({ actions, reads: reads.values(), redactedRooms: new Set(redactions.map((r) => r.roomId)) });
    for (const waiter of this.waiters) if (waiter.position <= this.processed) this.settle(waiter, true);
  }
}
