import type { MigrationInterface, QueryRunner } from "typeorm";
import { rebuildTable } from "./rebuild-table.js";

/**
 * event_auth_edges keyed by the event's stream ordering instead of its event ID: new rows then
 * land at the end of the primary key (orderings only grow; backfill's only shrink) instead of at
 * random places in it. On SQLite, whose WAL writes every page a transaction touches, random keys
 * made each batch of events write about one page per edge once the table outgrew the batch.
 */
export class KeyEventAuthEdgesByOrdering1763700400100 implements MigrationInterface {
  name = "KeyEventAuthEdgesByOrdering1763700400100";

  async up(queryRunner: QueryRunner): Promise<void> {
    await rebuildTable(queryRunner, {
      table: "event_auth_edges",
      building: "event_auth_edges_by_ordering",
      definition: "stream_ordering BIGINT NOT NULL, auth_event_id TEXT NOT NULL, PRIMARY KEY (stream_ordering, auth_event_id)",
      columns: "stream_ordering, auth_event_id",
      select: "SELECT e.stream_ordering, a.auth_event_id FROM event_auth_edges a JOIN events e ON e.event_id = a.event_id",
    });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await rebuildTable(queryRunner, {
      table: "event_auth_edges",
      building: "event_auth_edges_by_event_id",
      definition: "event_id TEXT NOT NULL, auth_event_id TEXT NOT NULL, PRIMARY KEY (event_id, auth_event_id)",
      columns: "event_id, auth_event_id",
      select: "SELECT e.event_id, a.auth_event_id FROM event_auth_edges a JOIN events e ON e.stream_ordering = a.stream_ordering",
    });
  }
}
