import type { MigrationInterface, QueryRunner } from "typeorm";
import { identityPrimaryKey } from "./identity-column.js";

/**
 * events: every PDU we hold, with its mutable facts beside the immutable JSON (STYLE.md habit 5).
 * - `stream_ordering`: the global order sync follows. Identity on pg, AUTOINCREMENT on SQLite (so
 *   an ordering is never handed out twice, even after deletes). Backfilled events get negative
 *   orderings (allocated from stream_positions) so they never show up as new in sync.
 * - `topological_ordering`: the per-room order /messages paginates in (the event's depth).
 * - `json`: the PDU exactly as received or built, byte for byte.
 * No foreign keys: outliers and backfill reference events we may not have.
 */
export class CreateEvents1763700009000 implements MigrationInterface {
  name = "CreateEvents1763700009000";

  async up(queryRunner: QueryRunner): Promise<void> {
    const streamOrdering = identityPrimaryKey(queryRunner);
    await queryRunner.query(`CREATE TABLE events (
      stream_ordering ${streamOrdering},
      event_id TEXT NOT NULL UNIQUE,
      room_id TEXT NOT NULL,
      type TEXT NOT NULL,
      state_key TEXT,
      sender TEXT NOT NULL,
      depth BIGINT NOT NULL,
      topological_ordering BIGINT NOT NULL,
      origin_server_ts BIGINT NOT NULL,
      json TEXT NOT NULL,
      outlier BOOLEAN NOT NULL DEFAULT FALSE,
      rejected_reason TEXT,
      soft_failed BOOLEAN NOT NULL DEFAULT FALSE,
      redacted_by TEXT
    )`);
    await queryRunner.query("CREATE INDEX events_room_stream ON events (room_id, stream_ordering)");
    await queryRunner.query("CREATE INDEX events_room_topological ON events (room_id, topological_ordering, stream_ordering)");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE events");
  }
}
