import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * room_aliases: the aliases on this server (`#localpart:our.server`) and the room each points
 * to, with the user who made it (the spec lets "the creator" delete it). Looked up by alias
 * (the primary key) and by room (`/rooms/{roomId}/aliases`, moving aliases on room upgrade).
 */
export class CreateRoomAliases1763700300100 implements MigrationInterface {
  name = "CreateRoomAliases1763700300100";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE room_aliases (
      room_alias TEXT NOT NULL PRIMARY KEY,
      room_id TEXT NOT NULL,
      creator TEXT NOT NULL,
      created_ts BIGINT NOT NULL
    )`);
    await queryRunner.query("CREATE INDEX room_aliases_room ON room_aliases (room_id)");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE room_aliases");
  }
}
