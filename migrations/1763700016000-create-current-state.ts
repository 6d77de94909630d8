import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * current_state: the resolved state of each room now. `membership` copies the content of
 * m.room.member rows so that member lists and a user's rooms need no JSON parsing; the partial
 * index serves "rooms of user X" (state_key = user id).
 */
export class CreateCurrentState1763700016000 implements MigrationInterface {
  name = "CreateCurrentState1763700016000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE current_state (
      room_id TEXT NOT NULL,
      type TEXT NOT NULL,
      state_key TEXT NOT NULL,
      event_id TEXT NOT NULL,
      membership TEXT,
      PRIMARY KEY (room_id, type, state_key)
    )`);
    await queryRunner.query("CREATE INDEX current_state_members ON current_state (state_key, membership) WHERE type = 'm.room.member'");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE current_state");
  }
}
