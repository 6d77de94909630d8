import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * openid_tokens: the tokens of `POST /user/{userId}/openid/request_token`, which a third party
 * (a widget, an integration manager) checks with `GET /_matrix/federation/v1/openid/userinfo`.
 * In the database so any process answers for a token any other issued.
 * - `token_hash` is the hex SHA-256 of the token (a leaked database proves nobody's identity);
 * - `user_id` is whom the token vouches for;
 * - `expires_ts` is when it stops being accepted (ms since the epoch); expired rows are swept.
 */
export class CreateOpenIdTokens1763700600700 implements MigrationInterface {
  name = "CreateOpenIdTokens1763700600700";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE openid_tokens (
      token_hash TEXT NOT NULL PRIMARY KEY,
      user_id TEXT NOT NULL,
      expires_ts BIGINT NOT NULL
    )`);
    await queryRunner.query("CREATE INDEX openid_tokens_expires_ts ON openid_tokens (expires_ts)");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE openid_tokens");
  }
}
