import type { MigrationInterface, QueryRunner } from "typeorm";

/** room_memberships: every membership event, for history ("rooms user X was in, and when"). */
export class CreateRoomMemberships1763700017000 implements MigrationInterface {
  name = "CreateRoomMemberships1763700017000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE room_memberships (
      event_id TEXT NOT NULL PRIMARY KEY,
      user_id TEXT NOT NULL,
      room_id TEXT NOT NULL,
      sender TEXT NOT NULL,
      membership TEXT NOT NULL,
      stream_ordering BIGINT NOT NULL
    )`);
    await queryRunner.query("CREATE INDEX room_memberships_user_room ON room_memberships (user_id, room_id)");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE room_memberships");
  }
}
