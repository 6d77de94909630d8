import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * server_signing_keys: our own retired keys, published as `old_verify_keys`. The current key
 * lives in the signing key file only; its seed never enters the database.
 */
export class CreateServerSigningKeys1763700006000 implements MigrationInterface {
  name = "CreateServerSigningKeys1763700006000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE server_signing_keys (
      key_id TEXT NOT NULL PRIMARY KEY,
      public_key TEXT NOT NULL,
      expired_ts BIGINT NOT NULL
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE server_signing_keys");
  }
}
