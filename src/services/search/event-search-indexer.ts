/**
 * Keeps the full-text index of server-side search (event_search) up to date by following the
 * events table in stream order, as the push actions worker follows it (push-actions-worker.ts):
 * it listens to the notifier's `pdu` positions, reads the events after its stored position in
 * batches, and writes their rows and its new position in one transaction, so a restart resumes
 * exactly where the last commit left off. From position 0 (no counter yet) it indexes every
 * event already stored.
 *
 * Indexed: `content.body` of `m.room.message`, `content.name` of `m.room.name`, `content.topic`
 * of `m.room.topic` (the keys of https://spec.matrix.org/v1.19/client-server-api/#server-side-search).
 * A redaction drops the row of the event it redacts; an event redacted before it is indexed is
 * never indexed. Backfilled events (negative stream orderings) are not followed.
 *
 * Searches wait (waitFor) for the indexer to reach the position of the newest event, so that a
 * message just sent is found. A batch that keeps failing is skipped after a few tries (logged).
 */
import type { DataSource } from "typeorm";
import type { EventSearchStore, SearchRow, SearchSourceRow } from "../../storage/stores/event-search-store.js";
import { runInTransaction } from "../../storage/transaction.js";
import type { Notifier, NotifierEvents } from "../../sync/notifier.js";
import type { Logger } from "../../util/logger.js";
import { PositionWaiters } from "../../util/position-waiters.js";

export interface EventSearchIndexerDeps {
  db: DataSource;
  store: Pick<EventSearchStore, "selectEventsToIndex" | "insertSearchRows" | "deleteSearchRowsOfEvents" | "selectIndexedPosition" | "updateIndexedPosition">;
  notifier: Pick<Notifier, "on" | "off" | "currentToken">;
  logger?: Pick<Logger, "error">;
  /** Events per batch; default 500. */
  batchSize?: number;
  /** Pause after a failed batch, in ms; default 1,000. */
  retryDelayMs?: number;
}

/** The content key indexed for each event type. */
const KEY_OF_TYPE: ReadonlyMap<string, string> = new Map([
  ["m.room.message", "content.body"],
  ["m.room.name", "content.name"],
  ["m.room.topic", "content.topic"],
]);

const MAX_TRIES = 3;

export class EventSearchIndexer {
  /** The stream ordering indexed up to, and the searches waiting for it. */
  private readonly indexed = new PositionWaiters();
  private target = 0;
  private running: Promise<void> | null = null;
  private stopped = false;
  private started = false;
  private readonly onNotify = (...[stream, position]: NotifierEvents["notify"]): void => {
    if (stream !== "pdu" || position <= this.target) return;
    this.target = position;
    this.kick();
  };

  constructor(private readonly deps: EventSearchIndexerDeps) {}

  /** Resumes from the stored position and follows the notifier from now on. */
  async start(): Promise<void> {
    this.indexed.reach(await this.deps.store.selectIndexedPosition());
    this.target = Math.max(this.target, this.deps.notifier.currentToken().pdu);
    this.deps.notifier.on("notify", this.onNotify);
    this.started = true;
    this.kick();
  }

  /** Stops following the notifier and waits for the batch in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.deps.notifier.off("notify", this.onNotify);
    await this.running;
    this.indexed.release();
  }

  /** The stream ordering every event up to which is indexed. */
  indexedPosition(): number {
    return this.indexed.current();
  }

  /** Resolves true once events up to `position` are indexed, false if `timeoutMs` passes first. */
  waitFor(position: number, timeoutMs: number): Promise<boolean> {
    if (this.indexed.current() < position && (this.stopped || !this.started)) return Promise.resolve(false);
    return this.indexed.wait(position, timeoutMs);
  }

  /** Runs batches until the target is reached; a batch failing MAX_TRIES times in a row is then skipped. */
  private kick(): void {
    if (!this.started || this.running !== null || this.stopped || this.indexed.current() >= this.target) return;
    const loop = async (): Promise<void> => {
      for (let failures = 0; !this.stopped && this.indexed.current() < this.target;) {
        failures = await this.indexBatch(this.target, failures >= MAX_TRIES).then(
          () => 0,
          async (err: unknown) => {
            this.deps.logger?.error({ err, after: this.indexed.current(), failures: failures + 1 }, "search indexer: a batch failed");
            await new Promise((resolve) => setTimeout(resolve, this.deps.retryDelayMs ?? 1_000));
            return failures + 1;
          },
        );
      }
    };
    this.running = loop().finally(() => {
      this.running = null;
      this.kick();
    });
  }

  /** One batch after `indexed`, up to `upTo` at most; `skip` records the position only. */
  private async indexBatch(upTo: number, skip: boolean): Promise<void> {
    const { store } = this.deps;
    const batchSize = this.deps.batchSize ?? 500;
    const events = await store.selectEventsToIndex(this.indexed.current(), upTo, batchSize);
    const last = events.length < batchSize ? upTo : events[events.length - 1]!.streamOrdering;
    const rows: SearchRow[] = [];
    const redacted: string[] = [];
    if (!skip) {
      for (const event of events) {
        const found = searchRowOf(event);
        if (found === null) continue;
        if ("redacts" in found) redacted.push(found.redacts);
        else rows.push(found);
      }
    }
    await runInTransaction(this.deps.db, async (tx) => {
      await store.insertSearchRows(tx, rows);
      // After the inserts: a redaction in this batch drops an event of this batch too.
      await store.deleteSearchRowsOfEvents(tx, redacted);
      await store.updateIndexedPosition(tx, last);
    });
    this.indexed.reach(last);
  }
}

/** The row an event is indexed as, the event a redaction redacts, or null. */
function searchRowOf(event: SearchSourceRow): SearchRow | { redacts: string } | null {
  let json: { content?: unknown; redacts?: unknown };
  try {
    json = JSON.parse(event.json) as { content?: unknown; redacts?: unknown };
  } catch {
    return null;
  }
  const content = typeof json.content === "object" && json.content !== null ? (json.content as Record<string, unknown>) : {};
  if (event.type === "m.room.redaction") {
    // Room versions 1–10 carry `redacts` at the top level, 11 and later in the content.
    const redacts = typeof content.redacts === "string" ? content.redacts : json.redacts;
    return typeof redacts === "string" ? { redacts } : null;
  }
  const key = KEY_OF_TYPE.get(event.type);
  if (key === undefined || event.redacted) return null;
  const value = content[key.slice("content.".length)];
  if (typeof value !== "string" || value.trim() === "") return null;
  return { streamOrdering: event.streamOrdering, eventId: event.eventId, roomId: event.roomId, sender: event.sender, key, value, originServerTs: event.originServerTs };
}
