import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * pushers.last_stream_ordering: the stream ordering of the last notification the pusher is done
 * with (its gateway accepted it, rejected the pushkey, or delivery gave up on it), so that after a
 * restart delivery resumes from there, reading event_push_actions (PusherDelivery). A pusher
 * starts at the newest event's when it is set: what came before is not pushed. Pushers set before
 * this column start at the newest event now.
 */
export class AddPushersLastStreamOrdering1763700601300 implements MigrationInterface {
  name = "AddPushersLastStreamOrdering1763700601300";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE pushers ADD COLUMN last_stream_ordering BIGINT NOT NULL DEFAULT 0");
    await queryRunner.query("UPDATE pushers SET last_stream_ordering = COALESCE((SELECT MAX(stream_ordering) FROM events), 0)");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE pushers DROP COLUMN last_stream_ordering");
  }
}
