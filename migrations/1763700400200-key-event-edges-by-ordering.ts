import type { MigrationInterface, QueryRunner } from "typeorm";
import { rebuildTable } from "./rebuild-table.js";

const PREV_INDEX = "CREATE INDEX event_edges_prev ON event_edges (prev_event_id)";

/**
 * event_edges keyed by the event's stream ordering instead of its event ID, so that new rows
 * append to the primary key (see 1763700400100). The index on prev_event_id stays: it answers
 * "which of these events has a child", and is keyed by event ID by nature.
 */
export class KeyEventEdgesByOrdering1763700400200 implements MigrationInterface {
  name = "KeyEventEdgesByOrdering1763700400200";

  async up(queryRunner: QueryRunner): Promise<void> {
    await rebuildTable(queryRunner, {
      table: "event_edges",
      building: "event_edges_by_ordering",
      definition: "stream_ordering BIGINT NOT NULL, prev_event_id TEXT NOT NULL, PRIMARY KEY (stream_ordering, prev_event_id)",
      columns: "stream_ordering, prev_event_id",
      select: "SELECT e.stream_ordering, x.prev_event_id FROM event_edges x JOIN events e ON e.event_id = x.event_id",
      indexes: [PREV_INDEX],
    });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await rebuildTable(queryRunner, {
      table: "event_edges",
      building: "event_edges_by_event_id",
      definition: "event_id TEXT NOT NULL, prev_event_id TEXT NOT NULL, PRIMARY KEY (event_id, prev_event_id)",
      columns: "event_id, prev_event_id",
      select: "SELECT e.event_id, x.prev_event_id FROM event_edges x JOIN events e ON e.stream_ordering = x.stream_ordering",
      indexes: [PREV_INDEX],
    });
  }
}
