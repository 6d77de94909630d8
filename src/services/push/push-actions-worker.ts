/**
 * Evaluates push rules for new events and records who each event notifies
 * (event_push_actions), and the read marks events make.
 *
 * Two ways in, one outcome:
 * - **Staged** (the usual one): the event persister calls stage() inside the transaction that
 *   writes a batch of events, so their rows, read marks and the worker's position commit with
 *   them, as Synapse stages push actions with the event. Delivery then waits for no second
 *   transaction, and under load nothing queues behind the persister.
 * - **Followed**: otherwise the worker follows the notifier's `pdu` positions and reads the
 *   events table in stream order, in batches: events written before it started (a restart
 *   resumes after the last position stored), by another process, or by a batch that stage()
 *   declined (it declines while followed events remain, so that each room's events are always
 *   evaluated in order: a read mark must never be applied before the notifications it clears).
 *
 * For each visible event: the room's state before it (RoomPushStates), then each local member's
 * rules (EventPushEvaluator). Rows are inserted with ON CONFLICT, so evaluating an event twice
 * (a crash between a staged commit and the position's next write) changes nothing.
 *
 * "The updated notification count from a new event MUST appear in the same /sync response as
 * the event itself": /sync waits (waitFor) until the worker has passed the position it sends.
 * A followed batch that keeps failing is skipped after a few tries (logged): counts may then
 * miss its events, but syncs are never held up for good.
 */
import type { DataSource, EntityManager } from "typeorm";
import type { Pdu } from "../../room/pdu.js";
import type { EventPushActionsStore, PushActionRow, PushCandidateRow } from "../../storage/stores/event-push-actions-store.js";
import { runInTransaction } from "../../storage/transaction.js";
import type { Notifier, NotifierEvents } from "../../sync/notifier.js";
import { BatchStageLedger, rangeOf } from "../rooms/batch-stage-ledger.js";
import type { BatchStage, BatchStages, StageEvent, StagedWork as StagedPush } from "../rooms/event-persister-types.js";
import { coalesceInMicrotask } from "../../util/coalesce-microtask.js";
import type { Logger } from "../../util/logger.js";
import type { EventPushEvaluator, PushEventReader, ReadMark } from "./event-push-evaluator.js";
import type { PushReads, RoomPushStates } from "./room-push-states.js";

export interface PushActionsWorkerDeps {
  db: DataSource;
  store: Pick<
    EventPushActionsStore,
    "selectPushCandidates" | "insertPushActions" | "deletePushActionsBefore" | "deletePushActionsOfEvent" | "selectProcessedPosition" | "updateProcessedPosition"
  >;
  events: { getEvents(eventIds: Iterable<string>): Promise<Map<string, Pdu>> };
  roomStates: Pick<RoomPushStates, "at" | "recordAfter" | "forget">;
  evaluator: Pick<EventPushEvaluator, "evaluate" | "prepare">;
  notifier: Pick<Notifier, "on" | "off" | "currentToken">;
  /** Told of each batch once committed (the counts kept in memory follow it). */
  onBatch?: (batch: PushBatch) => void;
  logger?: Pick<Logger, "error">;
  /** Events per batch; default 500. */
  batchSize?: number;
  /** Pause after a failed batch, in ms; default 1,000. */
  retryDelayMs?: number;
  /** The time read marks record as the read time (read_notifications); default Date.now. */
  now?: () => number;
}

/** What one batch wrote. */
export interface PushBatch {
  readonly actions: readonly PushActionRow[];
  /** The read marks applied (after the actions). */
  readonly reads: readonly ReadMark[];
  /** Rooms where a redaction removed notifications. */
  readonly redactedRooms: ReadonlySet<string>;
}

/** "Redacted" events notify no more: a redaction removes what its event recorded. */
interface Redaction {
  readonly roomId: string;
  readonly eventId: string;
  readonly userIds: readonly string[];
}

/** What evaluating a run of events leads to. */
interface Evaluated {
  readonly actions: PushActionRow[];
  readonly reads: Map<string, ReadMark>;
  readonly redactions: Redaction[];
}

interface Waiter {
  readonly position: number;
  readonly resolve: (caughtUp: boolean) => void;
  readonly timer: NodeJS.Timeout;
}

const MAX_TRIES = 3;

export class PushActionsWorker implements BatchStage {
  private processed = 0;
  private target = 0;
  private running: Promise<void> | null = null;
  private stopped = false;
  private readonly waiters = new Set<Waiter>();
  private readonly kickSoon = coalesceInMicrotask(() => this.kick());
  private started = false;
  /** What was staged, declined or not staged above `processed`. */
  private readonly ledger = new BatchStageLedger();
  private readonly onNotify = (...[stream, position, , origin]: NotifierEvents["notify"]): void => {
    if (stream !== "pdu" || position <= this.target) return;
    this.target = position;
    this.ledger.announced(position, origin);
    // Started in a microtask: the positions a writer announces in pieces within one turn are
    // evaluated in one pass, not the first alone and then the rest.
    this.kickSoon();
  };

  constructor(private readonly deps: PushActionsWorkerDeps) {}

  /** Resumes from the stored position and follows the notifier from now on. */
  async start(): Promise<void> {
    this.processed = await this.deps.store.selectProcessedPosition();
    this.target = Math.max(this.target, this.deps.notifier.currentToken().pdu);
    this.ledger.unstaged(this.target);
    this.deps.notifier.on("notify", this.onNotify);
    this.started = true;
    this.kick();
  }

  /**
   * Evaluates the events `persister` writes inside its transactions from now on (stage()).
   * Only the persister of this process may be attached: the worker then takes the positions
   * the notifier announces from this process as staged, unless declined.
   */
  attachTo(persister: BatchStages): void {
    this.ledger.attach(persister, this);
  }

  /** Stops following the notifier and waits for the batch in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.ledger.detach(this);
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

  /**
   * Evaluates `events` (a batch the event persister is writing in `tx`, in stream order) and
   * writes what they lead to in `tx`. `reader` reads the batch's own events as well as stored
   * ones. Writes nothing when the worker is not attached or stopped (null), or is still
   * following events before these: it then evaluates them after the commit, in order.
   */
  async stage(tx: EntityManager, events: readonly StageEvent[], reader: PushEventReader): Promise<StagedPush | null> {
    if (events.length === 0) return null;
    if (this.stopped || !this.ledger.attached) return null;
    if (!this.started || this.running !== null || !this.ledger.caughtUp(this.processed)) return this.ledger.decline(events, this.stopped);
    const [first, last] = rangeOf(events);
    const rooms = new Set(events.map((e) => e.pdu.roomId));
    let evaluated: Evaluated;
    try {
      await this.deps.evaluator.prepare(events.map((e) => e.pdu));
      const candidates: Array<{ pdu: Pdu; candidate: PushCandidateRow }> = [];
      for (const { pdu, streamOrdering, groups, visible } of events) {
        if (!visible || groups === null) continue;
        const candidate = { streamOrdering, eventId: pdu.eventId, roomId: pdu.roomId, redacted: false, stateGroupBefore: groups.before, stateGroupAfter: groups.after };
        candidates.push({ pdu, candidate });
      }
      evaluated = await this.evaluate(candidates, { em: tx, events: reader });
    } catch (err) {
      // The events are written all the same; the worker evaluates them again after the commit.
      for (const roomId of rooms) this.deps.roomStates.forget(roomId);
      this.deps.logger?.error({ err, first, last }, "push actions: evaluating a batch being written failed");
      return this.ledger.decline(events, this.stopped);
    }
    // Once everything before the batch is evaluated or staged, the position moves with it.
    const position = this.ledger.caughtUp(this.processed) ? last : null;
    try {
      await this.write(tx, evaluated, position);
    } catch (err) {
      for (const roomId of rooms) this.deps.roomStates.forget(roomId);
      throw err;
    }
    return {
      committed: () => {
        this.ledger.committed([first, last]);
        this.report(evaluated);
      },
      rolledBack: () => {
        for (const roomId of rooms) this.deps.roomStates.forget(roomId);
      },
    };
  }

  private kick(): void {
    if (this.running !== null || this.stopped || this.processed >= this.target) return;
    if (this.ledger.caughtUp(this.processed)) {
      // Every event up to the target was staged: nothing to read.
      this.advanceTo(this.target);
      return;
    }
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

  /** One followed batch after `processed`, up to `upTo` at most; `skip` records the position only. */
  private async processBatch(upTo: number, skip: boolean): Promise<void> {
    const { store } = this.deps;
    const batchSize = this.deps.batchSize ?? 500;
    const rows = await store.selectPushCandidates(this.processed, upTo, batchSize);
    const last = rows.length < batchSize ? upTo : rows[rows.length - 1]!.streamOrdering;
    let evaluated: Evaluated = { actions: [], reads: new Map(), redactions: [] };
    const fresh = rows.filter((row) => !this.ledger.isStaged(row.streamOrdering));
    if (!skip && fresh.length > 0) {
      const events = await this.deps.events.getEvents(fresh.map((c) => c.eventId));
      const candidates: Array<{ pdu: Pdu; candidate: PushCandidateRow }> = [];
      for (const candidate of fresh) {
        const pdu = events.get(candidate.eventId);
        if (pdu !== undefined) candidates.push({ pdu, candidate });
      }
      await this.deps.evaluator.prepare(candidates.map((c) => c.pdu));
      evaluated = await this.evaluate(candidates, {});
    }
    await runInTransaction(this.deps.db, (tx) => this.write(tx, evaluated, last));
    this.report(evaluated);
    this.advanceTo(last);
  }

  /** The rows, read marks and redactions of `candidates`, in stream order, reading through `reads`. */
  private async evaluate(candidates: ReadonlyArray<{ pdu: Pdu; candidate: PushCandidateRow }>, reads: PushReads): Promise<Evaluated> {
    const actions: PushActionRow[] = [];
    const marks = new Map<string, ReadMark>();
    const redactions: Redaction[] = [];
    for (const { pdu, candidate } of candidates) {
      const groups = { before: candidate.stateGroupBefore, after: candidate.stateGroupAfter };
      const at = { ...reads, rules: pdu.rules };
      const state = await this.deps.roomStates.at(groups.before, candidate.roomId, at);
      if (state === null) continue;
      if (!candidate.redacted) {
        const result = await this.deps.evaluator.evaluate(pdu, candidate.streamOrdering, state, reads.events);
        for (const row of result.actions) actions.push(row);
        for (const mark of result.reads) {
          // The latest mark of a (user, room, thread) covers the earlier ones.
          marks.set(`${mark.userId}\u0000${mark.roomId}\u0000${mark.threadId ?? ""}`, mark);
        }
      }
      if (pdu.redacts !== undefined && pdu.type === "m.room.redaction" && state.localMembers.size > 0) {
        redactions.push({ roomId: candidate.roomId, eventId: pdu.redacts, userIds: [...state.localMembers.keys()] });
      }
      await this.deps.roomStates.recordAfter(pdu, groups, at);
    }
    return { actions, reads: marks, redactions };
  }

  /** Writes `evaluated` in `tx`, and `position` as the one evaluated up to (unless null). */
  private async write(tx: EntityManager, evaluated: Evaluated, position: number | null): Promise<void> {
    const { store } = this.deps;
    await store.insertPushActions(tx, evaluated.actions);
    // After the inserts: a mark clears this batch's earlier rows too.
    if (evaluated.reads.size > 0) await store.deletePushActionsBefore(tx, [...evaluated.reads.values()], (this.deps.now ?? Date.now)());
    for (const r of evaluated.redactions) await store.deletePushActionsOfEvent(tx, r.roomId, r.eventId, r.userIds);
    if (position !== null) await store.updateProcessedPosition(tx, position);
  }

  /** Tells the counts what a committed batch wrote. */
  private report(evaluated: Evaluated): void {
    const { actions, reads, redactions } = evaluated;
    if (actions.length === 0 && reads.size === 0 && redactions.length === 0) return;
    this.deps.onBatch?.({ actions, reads: [...reads.values()], redactedRooms: new Set(redactions.map((r) => r.roomId)) });
  }

  private advanceTo(position: number): void {
    if (position <= this.processed) return;
    this.processed = position;
    this.ledger.advanced(position);
    for (const waiter of this.waiters) if (waiter.position <= this.processed) this.settle(waiter, true);
  }
}
