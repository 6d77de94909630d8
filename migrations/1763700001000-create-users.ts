import type { MigrationInterface, QueryRunner } from "typeorm";

/** users: local accounts. `localpart` is unique on its own so registration can rely on it. */
export class CreateUsers1763700001000 implements MigrationInterface {
  name = "CreateUsers1763700001000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE users (
      user_id TEXT NOT NULL PRIMARY KEY,
      localpart TEXT NOT NULL UNIQUE,
      password_hash TEXT,
      is_admin BOOLEAN NOT NULL DEFAULT FALSE,
      is_guest BOOLEAN NOT NULL DEFAULT FALSE,
      deactivated BOOLEAN NOT NULL DEFAULT FALSE,
      created_ts BIGINT NOT NULL,
      displayname TEXT,
      avatar_url TEXT
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE users");
  }
}
