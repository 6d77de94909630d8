/**
 * The bookkeeping of a stream follower that is also a BatchStage (PushActionsWorker,
 * EventSearchIndexer): it handles the events of this process's batches inside their
 * transactions (staged), and follows the notifier, reading the events table, for the rest:
 * events from before it started, another process's (announced as "remote"), and the batches it
 * declined. To keep stream order it stages a batch only when every event before it is handled:
 * none declined in flight, none announced but not staged above the follower's position.
 */
import type { NotifyOrigin } from "../../sync/notifier.js";
import type { BatchStage, BatchStages, StageEvent, StagedWork } from "./event-persister-types.js";

export class BatchStageLedger {
  /** Committed staged batches' position ranges above the follower's position, which its reads skip. */
  private staged: Array<readonly [number, number]> = [];
  /** Events at or below this position may be neither staged nor handled yet. */
  private unstagedUpTo = 0;
  /** Batches being written that were declined. */
  private declinedInFlight = 0;
  /** The event persister staged in (attach), if any. */
  private persister: BatchStages | null = null;

  /** Stages `stage` in `persister`'s transactions. Only the persister of this process may be attached. */
  attach(persister: BatchStages, stage: BatchStage): void {
    this.persister = persister;
    persister.addBatchStage(stage);
  }

  detach(stage: BatchStage): void {
    this.persister?.removeBatchStage(stage);
  }

  get attached(): boolean {
    return this.persister !== null;
  }

  /** Events up to `position` were written before the follower started: none of them staged. */
  unstaged(position: number): void {
    this.unstagedUpTo = Math.max(this.unstagedUpTo, position);
  }

  /** The notifier announced `position`: another process's events, or any when not attached, were not staged here. */
  announced(position: number, origin: NotifyOrigin): void {
    if (origin === "remote" || this.persister === null) this.unstaged(position);
  }

  /** Whether every event after `handled` announced or written so far was staged (nothing to read). */
  caughtUp(handled: number): boolean {
    return this.declinedInFlight === 0 && this.unstagedUpTo <= handled;
  }

  /** The work of a batch declined (to be read after its commit), or null when stopped. */
  decline(events: readonly StageEvent[], stopped: boolean): StagedWork | null {
    if (stopped) return null;
    this.declinedInFlight++;
    const [, last] = rangeOf(events);
    return {
      committed: () => {
        this.declinedInFlight--;
        this.unstaged(last);
      },
      rolledBack: () => {
        this.declinedInFlight--;
      },
    };
  }

  /** Records a staged batch's positions as committed: reads of the events table skip them. */
  committed(range: readonly [number, number]): void {
    this.staged.push(range);
    this.staged.sort((a, b) => a[0] - b[0]);
  }

  isStaged(position: number): boolean {
    for (const [first, last] of this.staged) {
      if (position < first) return false;
      if (position <= last) return true;
    }
    return false;
  }

  /** The follower has handled every event up to `position`: forgets the ranges it passed. */
  advanced(position: number): void {
    this.staged = this.staged.filter(([, last]) => last > position);
  }
}

/** The lowest and highest stream orderings of `events` (not empty). */
export function rangeOf(events: readonly StageEvent[]): [number, number] {
  let first = Infinity;
  let last = -Infinity;
  for (const event of events) {
    if (event.streamOrdering < first) first = event.streamOrdering;
    if (event.streamOrdering > last) last = event.streamOrdering;
  }
  return [first, last];
}
