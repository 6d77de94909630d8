import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * push_rules: each user's own push rules, and their changes to the server-default rules.
 * - A user-defined rule has its `actions` (JSON), `conditions` (JSON, override/underride) or
 *   `pattern` (content), `enabled`, and a `priority`: higher is checked first within its kind.
 * - A server-default rule (rule_id starting with ".") has a row only once the user changed it:
 *   `enabled` and `actions` are NULL where the default still applies.
 */
export class CreatePushRules1763700500100 implements MigrationInterface {
  name = "CreatePushRules1763700500100";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE push_rules (
      user_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      rule_id TEXT NOT NULL,
      priority BIGINT NOT NULL,
      conditions TEXT,
      pattern TEXT,
      actions TEXT,
      enabled BOOLEAN,
      PRIMARY KEY (user_id, kind, rule_id)
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE push_rules");
  }
}
