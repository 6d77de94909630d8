import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * forgotten_rooms: rooms a user has forgotten (`POST /rooms/{roomId}/forget`), with the
 * membership event that was current then. The room stays forgotten while that event is the
 * user's membership; a new join, invite or knock replaces it and ends the forgetting.
 */
export class CreateForgottenRooms1763700300200 implements MigrationInterface {
  name = "CreateForgottenRooms1763700300200";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE forgotten_rooms (
      user_id TEXT NOT NULL,
      room_id TEXT NOT NULL,
      membership_event_id TEXT NOT NULL,
      PRIMARY KEY (user_id, room_id)
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE forgotten_rooms");
  }
}
