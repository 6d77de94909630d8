import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * state_group_entries: the full state of a snapshot group, or the delta of a delta group.
 * In a delta, `event_id` NULL means the key was removed relative to the previous group.
 */
export class CreateStateGroupEntries1763700014000 implements MigrationInterface {
  name = "CreateStateGroupEntries1763700014000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE state_group_entries (
      state_group BIGINT NOT NULL,
      type TEXT NOT NULL,
      state_key TEXT NOT NULL,
      event_id TEXT,
      PRIMARY KEY (state_group, type, state_key)
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE state_group_entries");
  }
}
