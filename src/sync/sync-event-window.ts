/**
 * The latest room events in stream order, in memory: what every incremental sync reads instead
 * of querying storage per user. Covers the stream positions (low, high]; a sync asking for
 * (from, to] with `to` beyond `high` extends the window with ONE read for everyone (concurrent
 * callers share it), and a sync whose `from` is below `low` (an old token, a cold start) gets
 * null and reads storage itself.
 *
 * The window also keeps the shared SyncEventCache right: a redaction arriving in the window
 * marks its (cached) target, and the client transaction IDs and state groups of new events are
 * read in the same step (one read each for every sync that will serve them). If the window falls too far behind to read the gap at once, it restarts at the new
 * position and clears the cache, whose redaction marks can no longer be trusted.
 */
import type { SyncStore } from "../storage/stores/sync-store.js";
import type { SyncEvent, SyncEventCache } from "./sync-event-cache.js";
import type { SyncStateReader } from "./sync-state.js";

export interface EventWindowDeps {
  store: Pick<SyncStore, "selectEventsInRange" | "selectRedactedBy" | "selectTxnIdsByEvents">;
  cache: SyncEventCache;
  /** Reads the new events' state groups in the same step, so incremental syncs find them cached. */
  state?: Pick<SyncStateReader, "groupsOf">;
  /** Events kept; default 5,000 (seconds of traffic: clients that fall further behind read storage). */
  capacity?: number;
  /** The largest gap read in one extension; a longer one restarts the window. Default 5,000. */
  maxCatchUp?: number;
}

export class EventWindow {
  private events: SyncEvent[] = [];
  private low: number;
  private high: number;
  private loading: Promise<void> | null = null;
  private readonly capacity: number;
  private readonly maxCatchUp: number;

  /** `position`: the stream position everything up to which is already persisted and announced. */
  constructor(
    private readonly deps: EventWindowDeps,
    position: number,
  ) {
    this.low = position;
    this.high = position;
    this.capacity = deps.capacity ?? 5_000;
    this.maxCatchUp = deps.maxCatchUp ?? 5_000;
  }

  /** The range covered: (low, high]. */
  get bounds(): { low: number; high: number } {
    return { low: this.low, high: this.high };
  }

  get size(): number {
    return this.events.length;
  }

  /**
   * The events with `from < stream ordering <= to`, oldest first, or null when the window does
   * not reach back to `from`. `to` must be a position the notifier has announced.
   */
  async range(from: number, to: number): Promise<readonly SyncEvent[] | null> {
    while (to > this.high) await this.extend(to);
    if (from < this.low) return null;
    if (from >= to) return [];
    return this.events.slice(this.indexAfter(from), this.indexAfter(to));
  }

  /** Index of the first event with stream ordering > position. */
  private indexAfter(position: number): number {
    let lo = 0;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.events[mid]!.streamOrdering <= position) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private extend(to: number): Promise<void> {
    if (this.loading !== null) return this.loading;
    const load = this.load(to).finally(() => {
      this.loading = null;
    });
    this.loading = load;
    return load;
  }

  private async load(to: number): Promise<void> {
    const from = this.high;
    const rows = await this.deps.store.selectEventsInRange(from, to, this.maxCatchUp + 1);
    if (rows.length > this.maxCatchUp) {
      // Too far behind: restart here. Redactions in the gap were not seen.
      this.deps.cache.clear();
      this.events = [];
      this.low = to;
      this.high = to;
      return;
    }
    const added = await this.deps.cache.fromRows(rows);
    await Promise.all([
      this.noteRedactions(added),
      this.readTxnIds(added),
      this.deps.state?.groupsOf(added.map((event) => event.pdu.eventId)),
    ]);
    for (const event of added) this.events.push(event);
    this.high = to;
    if (this.events.length > this.capacity) {
      const drop = this.events.length - this.capacity;
      this.low = this.events[drop - 1]!.streamOrdering;
      this.events = this.events.slice(drop);
    }
  }

  /** Marks the cached targets of new redactions that the persister applied. */
  private async noteRedactions(added: readonly SyncEvent[]): Promise<void> {
    const targets: string[] = [];
    for (const event of added) {
      const redacts = event.pdu.type === "m.room.redaction" ? event.pdu.redacts : undefined;
      if (redacts !== undefined && this.deps.cache.peek(redacts) !== undefined) targets.push(redacts);
    }
    if (targets.length === 0) return;
    for (const [eventId, redactedBy] of await this.deps.store.selectRedactedBy(targets)) this.deps.cache.noteRedaction(eventId, redactedBy);
  }

  private async readTxnIds(added: readonly SyncEvent[]): Promise<void> {
    const ids: string[] = [];
    let minTs = Infinity;
    let maxTs = -Infinity;
    for (const event of added) {
      if (event.txn !== undefined) continue;
      ids.push(event.pdu.eventId);
      const ts = event.pdu.originServerTs;
      if (ts < minTs) minTs = ts;
      if (ts > maxTs) maxTs = ts;
    }
    if (ids.length === 0) return;
    const txns = await this.deps.store.selectTxnIdsByEvents(ids, minTs, maxTs);
    for (const event of added) {
      if (event.txn !== undefined) continue;
      const txn = txns.get(event.pdu.eventId);
      event.txn = txn !== undefined && txn.userId === event.pdu.sender ? { deviceId: txn.deviceId, txnId: txn.txnId } : null;
    }
  }
}
