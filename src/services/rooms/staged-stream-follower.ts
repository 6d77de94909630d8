/**
 * A stream follower that is also a BatchStage (PushActionsWorker, EventSearchIndexer): what both
 * share, so that each keeps only its own work.
 * - It stages this process's batches inside their transactions (the subclass's stage(), gated by
 *   readyToStage(): declined batches are followed later, see BatchStageLedger).
 * - It follows the notifier's `pdu` positions for the rest, reading the events table in batches
 *   (the subclass's followBatch()) until it reaches the newest announced position. A followed
 *   batch that fails is retried after a pause, and skipped (its position recorded, its events
 *   not handled) after MAX_TRIES failures in a row, so that waiters are never held up for good.
 * - Callers wait (waitFor) for the position to pass the one they need.
 */
import type { EntityManager } from "typeorm";
import type { Pdu } from "../../room/pdu.js";
import type { Notifier, NotifierEvents } from "../../sync/notifier.js";
import { coalesceInMicrotask } from "../../util/coalesce-microtask.js";
import type { Logger } from "../../util/logger.js";
import { PositionWaiters } from "../../util/position-waiters.js";
import { BatchStageLedger } from "./batch-stage-ledger.js";
import type { BatchStage, BatchStages, StageEvent, StagedWork } from "./event-persister-types.js";

export interface StagedStreamFollowerDeps {
  notifier: Pick<Notifier, "on" | "off" | "currentToken">;
  logger?: Pick<Logger, "error">;
  /** Pause after a failed batch, in ms; default 1,000. */
  retryDelayMs?: number;
}

/** Failures in a row after which a followed batch is skipped. */
const MAX_TRIES = 3;

export abstract class StagedStreamFollower implements BatchStage {
  /** What was staged, declined or not staged above the position. */
  protected readonly ledger = new BatchStageLedger();
  /** The position every event up to which is handled, and the callers waiting for it. */
  private readonly handled = new PositionWaiters();
  private target = 0;
  private running: Promise<void> | null = null;
  private stopped = false;
  private started = false;
  private readonly kickSoon = coalesceInMicrotask(() => this.kick());
  private readonly onNotify = (...[stream, position, , origin]: NotifierEvents["notify"]): void => {
    if (stream !== "pdu" || position <= this.target) return;
    this.target = position;
    this.ledger.announced(position, origin);
    // Started in a microtask: the positions a writer announces in pieces within one turn are
    // handled in one pass, not the first alone and then the rest.
    this.kickSoon();
  };

  /** `name` starts the follower's log messages. */
  constructor(
    private readonly follow: StagedStreamFollowerDeps,
    private readonly name: string,
  ) {}

  /** Handles `events`, a batch the persister is writing in `tx` (see BatchStage). */
  abstract stage(tx: EntityManager, events: readonly StageEvent[], reader: { getEvents(eventIds: Iterable<string>): Promise<Map<string, Pdu>> }): Promise<StagedWork | null>;

  /** The position stored by the last run. */
  protected abstract storedPosition(): Promise<number>;

  /**
   * Handles the events after `after` up to `upTo` at most (one batch of them), skipping the
   * staged ones (ledger.isStaged), in one transaction with the new position; `skip` records the
   * position only. Returns the position handled up to.
   */
  protected abstract followBatch(after: number, upTo: number, skip: boolean): Promise<number>;

  /** Resumes from the stored position and follows the notifier from now on. */
  async start(): Promise<void> {
    this.handled.reach(await this.storedPosition());
    this.target = Math.max(this.target, this.follow.notifier.currentToken().pdu);
    this.ledger.unstaged(this.target);
    this.follow.notifier.on("notify", this.onNotify);
    this.started = true;
    this.kick();
  }

  /**
   * Stages in `persister`'s transactions from now on. Only the persister of this process may be
   * attached: the positions the notifier announces from this process are then taken as staged,
   * unless declined.
   */
  attachTo(persister: BatchStages): void {
    this.ledger.attach(persister, this);
  }

  /** Stops following the notifier, waits for the batch in progress and lets every waiter go. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.ledger.detach(this);
    this.follow.notifier.off("notify", this.onNotify);
    await this.running;
    this.handled.release();
  }

  /** The stream ordering every event up to which is handled. */
  position(): number {
    return this.handled.current();
  }

  /** Resolves true once events up to `position` are handled, false if `timeoutMs` passes first. */
  waitFor(position: number, timeoutMs: number): Promise<boolean> {
    if (this.handled.current() < position && this.stopped) return Promise.resolve(false);
    return this.handled.wait(position, timeoutMs);
  }

  protected get isStarted(): boolean {
    return this.started;
  }

  /**
   * Null when `events` are not to be handled here at all (empty, stopped, not attached); a
   * declined StagedWork while they must wait to be followed in order; undefined when stage() may
   * handle them.
   */
  protected admit(events: readonly StageEvent[]): StagedWork | null | undefined {
    if (events.length === 0 || this.stopped || !this.ledger.attached) return null;
    if (!this.started || this.running !== null || !this.ledger.caughtUp(this.handled.current())) return this.ledger.decline(events, this.stopped);
    return undefined;
  }

  /** Declines `events` after all (stage() found it could not handle them); null when stopped. */
  protected decline(events: readonly StageEvent[]): StagedWork | null {
    return this.ledger.decline(events, this.stopped);
  }

  /** Whether every event up to the position reached so far was handled or staged. */
  protected caughtUp(): boolean {
    return this.ledger.caughtUp(this.handled.current());
  }

  private kick(): void {
    if (!this.started || this.running !== null || this.stopped || this.handled.current() >= this.target) return;
    if (this.ledger.caughtUp(this.handled.current())) {
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
    while (!this.stopped && this.handled.current() < this.target) {
      try {
        this.advanceTo(await this.followBatch(this.handled.current(), this.target, failures >= MAX_TRIES));
        failures = 0;
      } catch (err) {
        failures++;
        this.follow.logger?.error({ err, after: this.handled.current(), failures }, `${this.name}: a batch failed`);
        await new Promise((resolve) => setTimeout(resolve, this.follow.retryDelayMs ?? 1_000));
      }
    }
  }

  private advanceTo(position: number): void {
    if (position <= this.handled.current()) return;
    this.ledger.advanced(position);
    this.handled.reach(position);
  }
}
