/**
 * Hands the event persister the sends of one turn of the event loop together, so that they share
 * a batch (one transaction, one commit) instead of each taking its own.
 *
 * Why: the persister starts a batch a microtask after the first send reaches it. Requests read
 * from different sockets in the same turn each run to that point in their own I/O callback, and
 * on SQLite a batch runs to its commit without yielding to I/O (better-sqlite3 is synchronous),
 * so under load every send got its own transaction — about one commit per send. Deferring the
 * hand-over to the check phase (setImmediate) lets every request of the turn arrive first; then
 * they reach the persister within the same microtask run and share one batch. The wait is the
 * rest of the current turn.
 */
import type { LocalEventRequest, PersistedEvent } from "./event-persister-types.js";
import type { RoomEventSender } from "./room-collaborators.js";

interface PendingSend {
  readonly request: LocalEventRequest;
  readonly resolve: (event: PersistedEvent) => void;
  readonly reject: (err: unknown) => void;
}

export class TurnCoalescingSender implements RoomEventSender {
  private pending: PendingSend[] = [];
  private scheduled = false;

  constructor(private readonly persister: RoomEventSender) {}

  /** The persister's sendLocalEvent, started once the current turn's I/O callbacks have run. */
  sendLocalEvent(request: LocalEventRequest): Promise<PersistedEvent> {
    return new Promise((resolve, reject) => {
      this.pending.push({ request, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.handOver);
      }
    });
  }

  private readonly handOver = (): void => {
    this.scheduled = false;
    const sends = this.pending;
    this.pending = [];
    for (const send of sends) this.persister.sendLocalEvent(send.request).then(send.resolve, send.reject);
  };
}
