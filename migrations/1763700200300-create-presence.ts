import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * presence: the last presence state of each user (the live state is in memory; this row is what
 * survives a restart and what /sync reads). `stream_id` is the presence stream position of the
 * last change.
 */
export class CreatePresence1763700200300 implements MigrationInterface {
  name = "CreatePresence1763700200300";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE presence (
      user_id TEXT NOT NULL PRIMARY KEY,
      state TEXT NOT NULL,
      status_msg TEXT,
      last_active_ts BIGINT NOT NULL,
      last_user_sync_ts BIGINT NOT NULL,
      stream_id BIGINT NOT NULL
    )`);
    await queryRunner.query("CREATE INDEX presence_stream ON presence (stream_id)");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE presence");
  }
}
