import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * ui_auth_sessions.flows: the flows the session was offered (a JSON array of arrays of stage
 * types), so a stage can be completed without the request that started the session: the
 * fallback page (`/auth/{type}/fallback/web`) checks the stage is the next one of some flow.
 * Sessions that were already open get `[]` and cannot be continued through the fallback.
 */
export class AddUiAuthSessionFlows1763700600100 implements MigrationInterface {
  name = "AddUiAuthSessionFlows1763700600100";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE ui_auth_sessions ADD COLUMN flows TEXT NOT NULL DEFAULT '[]'");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE ui_auth_sessions DROP COLUMN flows");
  }
}
