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
import type { Notifier } from "../../sync/notifier.js";
import type { Logger } from "../../util/logger.js";
import { rangeOf } from "../rooms/batch-stage-ledger.js";
import type { StageEvent, StagedWork as StagedPush } from "../rooms/event-persister-types.js";
import { StagedStreamFollower } from "../rooms/staged-stream-follower.js";
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

export class PushActionsWorker extends StagedStreamFollower {
  constructor(private readonly deps: PushActionsWorkerDeps) {
    super(deps, "push actions");
  }

  protected storedPosition(): Promise<number> {
    return this.deps.store.selectProcessedPosition();
  }

  /**
   * Evaluates `events` (a batch the event persister is writing in `tx`, in stream order) and
   * writes what they lead to in `tx`. `reader` reads the batch's own events as well as stored
   * ones. Writes nothing when the worker is not attached or stopped (null), or is still
   * following events before these: it then evaluates them after the commit, in order.
   */
  async stage(tx: EntityManager, events: readonly StageEvent[], reader: PushEventReader): Promise<StagedPush | null> {
    const refused = this.admit(events);
    if (refused !== undefined) return refused;
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
      return this.decline(events);
    }
    // Once everything before the batch is evaluated or staged, the position moves with it.
    const position = this.caughtUp() ? last : null;
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

  protected async followBatch(after: number, upTo: number, skip: boolean): Promise<number> {
    const { store } = this.deps;
    const batchSize = this.deps.batchSize ?? 500;
    const rows = await store.selectPushCandidates(after, upTo, batchSize);
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
    return last;
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
}
