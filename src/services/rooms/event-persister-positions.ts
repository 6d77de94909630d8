/**
 * Which stream orderings are safe to announce. Orderings come from the database as events are
 * inserted; on PostgreSQL two transactions may commit out of order (or roll back, leaving a
 * gap), so a notification for ordering N may only go out once every lower ordering handed out
 * has committed or been abandoned (Synapse's "persisted upto" position). Each batch registers
 * its range right after its insert (the persister inserts under a lock, so ranges are
 * registered in ordering order), then settles it after commit or rollback. Notifications wait
 * here, in ordering order, until they are safe.
 */
export interface PendingNotification {
  position: number;
  send: () => void;
}

export class StreamOrderingTracker {
  /** [min, max] of every batch inserted but not yet settled. */
  private readonly inFlight: Array<[number, number]> = [];
  private readonly waiting: PendingNotification[] = [];
  private highest = 0;

  /** Every ordering up to this one is committed or abandoned. */
  get persistedUpTo(): number {
    let upTo = this.highest;
    for (const [min] of this.inFlight) if (min - 1 < upTo) upTo = min - 1;
    return upTo;
  }

  /** A batch inserted events with orderings in [min, max]. */
  register(min: number, max: number): void {
    this.inFlight.push([min, max]);
  }

  /**
   * The batch registered as [min, max] committed (with its notifications) or rolled back
   * (none). Sends every notification that is now safe, lowest position first.
   */
  settle(min: number, max: number, notifications: readonly PendingNotification[]): void {
    const index = this.inFlight.findIndex(([lo, hi]) => lo === min && hi === max);
    if (index >= 0) this.inFlight.splice(index, 1);
    if (max > this.highest) this.highest = max;
    for (const notification of notifications) this.waiting.push(notification);
    this.waiting.sort((a, b) => a.position - b.position);
    const upTo = this.persistedUpTo;
    let sent = 0;
    while (sent < this.waiting.length && this.waiting[sent]!.position <= upTo) sent++;
    const ready = this.waiting.splice(0, sent);
    let failure: { error: unknown } | null = null;
    for (const notification of ready) {
      try {
        notification.send();
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  }
}
