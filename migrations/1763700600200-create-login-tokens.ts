import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * login_tokens: single-use, short-lived `m.login.token` tokens handed out by
 * `POST /login/get_token`, kept in the database so any process can redeem one.
 * - `token_hash` is the hex SHA-256 of the token (as for access tokens: a leaked database hands
 *   out no logins);
 * - `user_id` is whom the token logs in;
 * - `expires_ts` is when it stops being accepted (ms since the epoch); expired rows are swept.
 */
export class CreateLoginTokens1763700600200 implements MigrationInterface {
  name = "CreateLoginTokens1763700600200";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE login_tokens (
      token_hash TEXT NOT NULL PRIMARY KEY,
      user_id TEXT NOT NULL,
      expires_ts BIGINT NOT NULL
    )`);
    await queryRunner.query("CREATE INDEX login_tokens_expires_ts ON login_tokens (expires_ts)");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE login_tokens");
  }
}
