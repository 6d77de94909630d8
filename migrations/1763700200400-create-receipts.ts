import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * receipts: the latest receipt of each (room, receipt type, user, thread); `thread_id` is '' for
 * an unthreaded receipt (a NULL would escape the primary key). `stream_id` is the receipt stream
 * position of the last change.
 */
export class CreateReceipts1763700200400 implements MigrationInterface {
  name = "CreateReceipts1763700200400";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE receipts (
      room_id TEXT NOT NULL,
      receipt_type TEXT NOT NULL,
      user_id TEXT NOT NULL,
      thread_id TEXT NOT NULL,
      event_id TEXT NOT NULL,
      ts BIGINT NOT NULL,
      stream_id BIGINT NOT NULL,
      PRIMARY KEY (room_id, receipt_type, user_id, thread_id)
    )`);
    await queryRunner.query("CREATE INDEX receipts_room_stream ON receipts (room_id, stream_id)");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE receipts");
  }
}
