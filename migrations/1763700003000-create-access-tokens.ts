import type { MigrationInterface, QueryRunner } from "typeorm";
import { identityPrimaryKey } from "./identity-column.js";

/**
 * access_tokens: `token` holds the SHA-256 of the token, never the token. Deleting a device
 * deletes its tokens (logout); `device_id` is NULL for device-less tokens (appservices), which
 * the composite foreign key then does not check.
 */
export class CreateAccessTokens1763700003000 implements MigrationInterface {
  name = "CreateAccessTokens1763700003000";

  async up(queryRunner: QueryRunner): Promise<void> {
    const id = identityPrimaryKey(queryRunner);
    await queryRunner.query(`CREATE TABLE access_tokens (
      id ${id},
      token TEXT NOT NULL UNIQUE,
      user_id TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
      device_id TEXT,
      valid_until_ms BIGINT,
      refresh_token_id BIGINT,
      created_ts BIGINT NOT NULL,
      last_used_ts BIGINT,
      FOREIGN KEY (user_id, device_id) REFERENCES devices (user_id, device_id) ON DELETE CASCADE
    )`);
    await queryRunner.query("CREATE INDEX access_tokens_user_device ON access_tokens (user_id, device_id)");
    await queryRunner.query("CREATE INDEX access_tokens_refresh_token ON access_tokens (refresh_token_id)");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE access_tokens");
  }
}
