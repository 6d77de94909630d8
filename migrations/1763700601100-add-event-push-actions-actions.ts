import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * event_push_actions.actions: the actions of the push rule that matched, as JSON, so pushes carry
 * its tweaks (`sound`, …) and GET /notifications its `actions`. NULL when they are `["notify"]`,
 * with or without a bare highlight tweak, which the `highlight` column restores (most rows).
 * Rows written before have NULL too.
 */
export class AddEventPushActionsActions1763700601100 implements MigrationInterface {
  name = "AddEventPushActionsActions1763700601100";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE event_push_actions ADD COLUMN actions TEXT");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE event_push_actions DROP COLUMN actions");
  }
}
