import type { MigrationInterface, QueryRunner } from "typeorm";

/** event_txn_ids: client transaction IDs, so a retried PUT /send returns the same event. */
export class CreateEventTxnIds1763700018000 implements MigrationInterface {
  name = "CreateEventTxnIds1763700018000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE event_txn_ids (
      user_id TEXT NOT NULL,
      device_id TEXT NOT NULL,
      txn_id TEXT NOT NULL,
      event_id TEXT NOT NULL,
      created_ts BIGINT NOT NULL,
      PRIMARY KEY (user_id, device_id, txn_id)
    )`);
    await queryRunner.query("CREATE INDEX event_txn_ids_created ON event_txn_ids (created_ts)");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE event_txn_ids");
  }
}
