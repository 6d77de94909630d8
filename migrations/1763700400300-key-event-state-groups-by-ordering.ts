import type { MigrationInterface, QueryRunner } from "typeorm";
import { rebuildTable } from "./rebuild-table.js";

const GROUPS = "state_group_before BIGINT NOT NULL, state_group_after BIGINT NOT NULL";

/**
 * event_state_groups keyed by the event's stream ordering instead of its event ID, so that new
 * rows append to the primary key (see 1763700400100). Reads by event ID go through the unique
 * index of events.
 */
export class KeyEventStateGroupsByOrdering1763700400300 implements MigrationInterface {
  name = "KeyEventStateGroupsByOrdering1763700400300";

  async up(queryRunner: QueryRunner): Promise<void> {
    await rebuildTable(queryRunner, {
      table: "event_state_groups",
      building: "event_state_groups_by_ordering",
      definition: `stream_ordering BIGINT NOT NULL PRIMARY KEY, ${GROUPS}`,
      columns: "stream_ordering, state_group_before, state_group_after",
      select: `SELECT e.stream_ordering, g.state_group_before, g.state_group_after
        FROM event_state_groups g JOIN events e ON e.event_id = g.event_id`,
    });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await rebuildTable(queryRunner, {
      table: "event_state_groups",
      building: "event_state_groups_by_event_id",
      definition: `event_id TEXT NOT NULL PRIMARY KEY, ${GROUPS}`,
      columns: "event_id, state_group_before, state_group_after",
      select: `SELECT e.event_id, g.state_group_before, g.state_group_after
        FROM event_state_groups g JOIN events e ON e.stream_ordering = g.stream_ordering`,
    });
  }
}
