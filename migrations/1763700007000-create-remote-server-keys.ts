import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * remote_server_keys: other servers' verify keys from /_matrix/key/v2 (directly or through a
 * notary). `expired_ts` is set for keys seen in `old_verify_keys`.
 */
export class CreateRemoteServerKeys1763700007000 implements MigrationInterface {
  name = "CreateRemoteServerKeys1763700007000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE remote_server_keys (
      server_name TEXT NOT NULL,
      key_id TEXT NOT NULL,
      public_key TEXT NOT NULL,
      valid_until_ts BIGINT NOT NULL,
      expired_ts BIGINT,
      fetched_ts BIGINT NOT NULL,
      PRIMARY KEY (server_name, key_id)
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE remote_server_keys");
  }
}
