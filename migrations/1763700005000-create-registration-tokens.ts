import type { MigrationInterface, QueryRunner } from "typeorm";

/** registration_tokens: MSC3231 / spec `m.login.registration_token`, as Synapse's admin API. */
export class CreateRegistrationTokens1763700005000 implements MigrationInterface {
  name = "CreateRegistrationTokens1763700005000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE registration_tokens (
      token TEXT NOT NULL PRIMARY KEY,
      uses_allowed INTEGER,
      pending INTEGER NOT NULL DEFAULT 0,
      completed INTEGER NOT NULL DEFAULT 0,
      expiry_time BIGINT
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE registration_tokens");
  }
}
