import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * account_data: per-user client config, global (`room_id` = '') or per room, one row per
 * (user, room, type) holding the latest content. `stream_id` is the accountData stream position
 * of the last write, so an incremental /sync reads "what changed since" with the index.
 */
export class CreateAccountData1763700200100 implements MigrationInterface {
  name = "CreateAccountData1763700200100";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE account_data (
      user_id TEXT NOT NULL,
      room_id TEXT NOT NULL,
      type TEXT NOT NULL,
      content TEXT NOT NULL,
      stream_id BIGINT NOT NULL,
      PRIMARY KEY (user_id, room_id, type)
    )`);
    await queryRunner.query("CREATE INDEX account_data_user_stream ON account_data (user_id, stream_id)");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE account_data");
  }
}
