import type { MigrationInterface, QueryRunner } from "typeorm";

/** rooms: every room this server knows, local or remote, with the version its events follow. */
export class CreateRooms1763700008000 implements MigrationInterface {
  name = "CreateRooms1763700008000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE rooms (
      room_id TEXT NOT NULL PRIMARY KEY,
      room_version TEXT NOT NULL,
      creator TEXT NOT NULL,
      is_public BOOLEAN NOT NULL DEFAULT FALSE,
      created_ts BIGINT NOT NULL
    )`);
    await queryRunner.query("CREATE INDEX rooms_public ON rooms (room_id) WHERE is_public = TRUE");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE rooms");
  }
}
