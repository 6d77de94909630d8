import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Small partial indexes (one row per room) over the current join rules and history visibility,
 * so the user directory finds public and world-readable rooms without scanning every member
 * row of current_state. One index per type: SQLite uses a partial index only when the query
 * repeats its WHERE term.
 */
export class IndexRoomAccessState1763700300300 implements MigrationInterface {
  name = "IndexRoomAccessState1763700300300";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE INDEX current_state_join_rules ON current_state (room_id) WHERE type = 'm.room.join_rules'");
    await queryRunner.query(
      "CREATE INDEX current_state_history_visibility ON current_state (room_id) WHERE type = 'm.room.history_visibility'",
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX current_state_history_visibility");
    await queryRunner.query("DROP INDEX current_state_join_rules");
  }
}
