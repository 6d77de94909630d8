import type { MigrationInterface, QueryRunner } from "typeorm";
import { identityPrimaryKey } from "./identity-column.js";

/**
 * state_groups: one row per distinct room state. A group with a `prev_state_group` stores only
 * its delta from that group in state_group_entries; `delta_depth` counts the hops down to a
 * full snapshot (0 = snapshot) so the chain can be capped.
 */
export class CreateStateGroups1763700013000 implements MigrationInterface {
  name = "CreateStateGroups1763700013000";

  async up(queryRunner: QueryRunner): Promise<void> {
    const id = identityPrimaryKey(queryRunner);
    await queryRunner.query(`CREATE TABLE state_groups (
      id ${id},
      room_id TEXT NOT NULL,
      prev_state_group BIGINT,
      delta_depth INTEGER NOT NULL
    )`);
    await queryRunner.query("CREATE INDEX state_groups_room ON state_groups (room_id)");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE state_groups");
  }
}
