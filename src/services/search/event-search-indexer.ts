/**
 * Keeps the full-text index of server-side search (event_search) up to date, the way the push
 * actions worker keeps the push actions (push-actions-worker.ts), with two ways in:
 * - **Staged** (the usual one): the event persister calls stage() inside the transaction that
 *   writes a batch of events, so their index rows and the indexer's stored position commit with
 *   them. A send then costs no second transaction.
 * - **Followed**: otherwise the indexer follows the notifier's `pdu` positions and reads the
 *   events table in stream order, in batches, writing their rows and its new position in one
 *   transaction: events written before it started (a restart resumes after the position stored;
 *   from position 0, no counter yet, it indexes every event already stored), by another process,
 *   or by a batch that stage() declined. It declines while followed events remain, so that
 *   events are indexed in stream order and none twice (a redaction must find the row it drops).
 *
 * Indexed: `content.body` of `m.room.message`, `content.name` of `m.room.name`, `content.topic`
 * of `m.room.topic` (the keys of https://spec.matrix.org/v1.19/client-server-api/#server-side-search).
 * A redaction drops the row of the event it redacts; an event redacted before it is indexed is
 * never indexed. Backfilled events (negative stream orderings) are not followed.
 *
 * Searches wait (waitFor) for the indexer to reach the position of the newest event, so that a
 * message just sent is found; staged events count once their batch has committed and been
 * announced. A followed batch that keeps failing is skipped after a few tries (logged).
 */
import type { DataSource, EntityManager } from "typeorm";
import type { EventSearchStore, SearchRow, SearchSourceRow } from "../../storage/stores/event-search-store.js";
import { runInTransaction } from "../../storage/transaction.js";
import type { Notifier } from "../../sync/notifier.js";
import type { Logger } from "../../util/logger.js";
import { rangeOf } from "../rooms/batch-stage-ledger.js";
import type { StageEvent, StagedWork } from "../rooms/event-persister-types.js";
import { StagedStreamFollower } from "../rooms/staged-stream-follower.js";

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

/** What a run of events writes to the index: rows, and the events whose redaction drops theirs. */
interface Indexed {
  readonly rows: SearchRow[];
  readonly redacted: string[];
}

/** The content key indexed for each event type. */
const KEY_OF_TYPE: ReadonlyMap<string, string> = new Map([
  ["m.room.message", "content.body"],
  ["m.room.name", "content.name"],
  ["m.room.topic", "content.topic"],
]);

export class EventSearchIndexer extends StagedStreamFollower {
  constructor(private readonly deps: EventSearchIndexerDeps) {
    super(deps, "search indexer");
  }

  protected storedPosition(): Promise<number> {
    return this.deps.store.selectIndexedPosition();
  }

  /** As StagedStreamFollower's, but false at once before start(): a search then does not wait. */
  override waitFor(position: number, timeoutMs: number): Promise<boolean> {
    if (this.position() < position && !this.isStarted) return Promise.resolve(false);
    return super.waitFor(position, timeoutMs);
  }

  /**
   * Indexes `events` (a batch the event persister is writing in `tx`, in stream order) in `tx`:
   * one insert of their rows, the drops of what their redactions redact, and the position. A
   * batch with nothing to index writes nothing (a restart reads it again and finds nothing).
   * Writes nothing when not attached or stopped (null), or still following events before these:
   * it then indexes them after the commit, in order.
   */
  async stage(tx: EntityManager, events: readonly StageEvent[]): Promise<StagedWork | null> {
    const refused = this.admit(events);
    if (refused !== undefined) return refused;
    const [first, last] = rangeOf(events);
    const indexed: Indexed = { rows: [], redacted: [] };
    for (const { pdu, streamOrdering, visible } of events) {
      // Backfilled events (negative orderings) are not indexed, as they are not followed.
      if (!visible || streamOrdering <= 0) continue;
      const source = { streamOrdering, eventId: pdu.eventId, roomId: pdu.roomId, type: pdu.type, sender: pdu.sender, originServerTs: pdu.originServerTs, redacted: false };
      add(indexed, searchRowOf(source, pdu.json));
    }
    if (indexed.rows.length > 0 || indexed.redacted.length > 0) await this.write(tx, indexed, last);
    return {
      committed: () => this.ledger.committed([first, last]),
      rolledBack: () => {},
    };
  }

  protected async followBatch(after: number, upTo: number, skip: boolean): Promise<number> {
    const batchSize = this.deps.batchSize ?? 500;
    const events = await this.deps.store.selectEventsToIndex(after, upTo, batchSize);
    const last = events.length < batchSize ? upTo : events[events.length - 1]!.streamOrdering;
    const indexed: Indexed = { rows: [], redacted: [] };
    if (!skip) {
      for (const event of events) {
        if (this.ledger.isStaged(event.streamOrdering)) continue;
        let json: { content?: unknown; redacts?: unknown };
        try {
          json = JSON.parse(event.json) as { content?: unknown; redacts?: unknown };
        } catch {
          continue;
        }
        add(indexed, searchRowOf(event, json));
      }
    }
    await runInTransaction(this.deps.db, (tx) => this.write(tx, indexed, last));
    return last;
  }

  /** Writes `indexed` in `tx`, and `position` as the one indexed up to. */
  private async write(tx: EntityManager, indexed: Indexed, position: number): Promise<void> {
    const { store } = this.deps;
    await store.insertSearchRows(tx, indexed.rows);
    // After the inserts: a redaction in this batch drops an event of this batch too.
    await store.deleteSearchRowsOfEvents(tx, indexed.redacted);
    await store.updateIndexedPosition(tx, position);
  }
}

function add(indexed: Indexed, found: SearchRow | { redacts: string } | null): void {
  if (found === null) return;
  if ("redacts" in found) indexed.redacted.push(found.redacts);
  else indexed.rows.push(found);
}

/** The row an event (`json`, its parsed JSON) is indexed as, the event a redaction redacts, or null. */
function searchRowOf(event: Omit<SearchSourceRow, "json">, json: { content?: unknown; redacts?: unknown }): SearchRow | { redacts: string } | null {
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
