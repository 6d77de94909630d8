import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * stream_positions: named counters handed out inside transactions (the row lock on pg orders
 * concurrent writers), e.g. the negative orderings of backfilled events.
 */
export class CreateStreamPositions1763700019000 implements MigrationInterface {
  name = "CreateStreamPositions1763700019000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE stream_positions (
      stream_name TEXT NOT NULL PRIMARY KEY,
      position BIGINT NOT NULL
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE stream_positions");
  }
}
