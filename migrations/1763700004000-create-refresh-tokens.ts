import type { MigrationInterface, QueryRunner } from "typeorm";
import { identityPrimaryKey } from "./identity-column.js";

/**
 * refresh_tokens: `token` is a SHA-256 hash. `next_token_id` links a used refresh token to the
 * one that replaced it, so a retried refresh can be recognised.
 */
export class CreateRefreshTokens1763700004000 implements MigrationInterface {
  name = "CreateRefreshTokens1763700004000";

  async up(queryRunner: QueryRunner): Promise<void> {
    const id = identityPrimaryKey(queryRunner);
    await queryRunner.query(`CREATE TABLE refresh_tokens (
      id ${id},
      token TEXT NOT NULL UNIQUE,
      user_id TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
      device_id TEXT NOT NULL,
      next_token_id BIGINT,
      created_ts BIGINT NOT NULL,
      FOREIGN KEY (user_id, device_id) REFERENCES devices (user_id, device_id) ON DELETE CASCADE
    )`);
    await queryRunner.query("CREATE INDEX refresh_tokens_user_device ON refresh_tokens (user_id, device_id)");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE refresh_tokens");
  }
}
