import type { MigrationInterface, QueryRunner } from "typeorm";

/** forward_extremities: the events of a room that no other event points to yet. */
export class CreateForwardExtremities1763700012000 implements MigrationInterface {
  name = "CreateForwardExtremities1763700012000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE forward_extremities (
      room_id TEXT NOT NULL,
      event_id TEXT NOT NULL,
      PRIMARY KEY (room_id, event_id)
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE forward_extremities");
  }
}
