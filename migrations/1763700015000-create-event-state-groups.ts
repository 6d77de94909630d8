import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * event_state_groups: the room state before and after each non-outlier event. Both are kept
 * because "before" cannot be rebuilt from "after" when a state event replaced a key (federation
 * /state_ids and auth checks want before; building the next event wants after). For a message,
 * or a rejected event, the two are the same group.
 */
export class CreateEventStateGroups1763700015000 implements MigrationInterface {
  name = "CreateEventStateGroups1763700015000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE event_state_groups (
      event_id TEXT NOT NULL PRIMARY KEY,
      state_group_before BIGINT NOT NULL,
      state_group_after BIGINT NOT NULL
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE event_state_groups");
  }
}
