/**
 * stream_positions: named counters moved inside a transaction. On PostgreSQL the upsert locks the
 * row until commit, so concurrent writers take turns and never get the same numbers.
 */
import type { EntityManager } from "typeorm";
import { toNumber } from "../dialect.js";
import { BaseStore } from "./base-store.js";

/** The counter backfilled events take their (negative, decreasing) stream orderings from. */
export const BACKFILL_STREAM = "events_backfill";

export class StreamPositionsStore extends BaseStore {
  /** Adds `delta` (may be negative) to the counter, which starts at 0; returns the new value. */
  async updateStreamPositionBy(tx: EntityManager, streamName: string, delta: number): Promise<number> {
    const rows = await this.d.query<{ position: unknown }>(
      tx,
      `INSERT INTO stream_positions (stream_name, position) VALUES (?, ?)
       ON CONFLICT (stream_name) DO UPDATE SET position = stream_positions.position + excluded.position
       RETURNING position`,
      [streamName, delta],
    );
    return toNumber(rows[0]?.position);
  }

  /**
   * Moves the counter forward to `position`, never back: the position a follower of the events
   * stream (push actions, search) has processed up to, written with what it processed.
   */
  async advanceStreamPosition(tx: EntityManager, streamName: string, position: number): Promise<void> {
    await this.d.execute(
      tx,
      `INSERT INTO stream_positions (stream_name, position) VALUES (?, ?)
       ON CONFLICT (stream_name) DO UPDATE SET position = excluded.position WHERE stream_positions.position < excluded.position`,
      [streamName, position],
    );
  }

  /** The counter's value; 0 if it never moved. */
  async selectStreamPosition(streamName: string, em: EntityManager = this.reader): Promise<number> {
    const rows = await this.d.query<{ position: unknown }>(em, "SELECT position FROM stream_positions WHERE stream_name = ?", [streamName]);
    return rows[0] ? toNumber(rows[0].position) : 0;
  }
}
