import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * profile_fields: profile fields besides `displayname` and `avatar_url` (which are columns of
 * users): `m.tz` and custom namespaced keys, each value as JSON text.
 */
export class CreateProfileFields1763700200500 implements MigrationInterface {
  name = "CreateProfileFields1763700200500";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE profile_fields (
      user_id TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
      field_name TEXT NOT NULL,
      value TEXT NOT NULL,
      PRIMARY KEY (user_id, field_name)
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE profile_fields");
  }
}
