import type { MigrationInterface, QueryRunner } from "typeorm";
import { identityPrimaryKey } from "./identity-column.js";

/**
 * user_filters: filters uploaded with POST /user/{userId}/filter. `filter_hash` (SHA-256 of the
 * canonical JSON) lets a client that uploads the same filter on every start get the same ID back.
 */
export class CreateUserFilters1763700200200 implements MigrationInterface {
  name = "CreateUserFilters1763700200200";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE user_filters (
      id ${identityPrimaryKey(queryRunner)},
      user_id TEXT NOT NULL,
      filter_hash TEXT NOT NULL,
      filter_json TEXT NOT NULL,
      UNIQUE (user_id, filter_hash)
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE user_filters");
  }
}
