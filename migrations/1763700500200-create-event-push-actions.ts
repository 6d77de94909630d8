import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * event_push_actions: for each local user, the events that notify them by their push rules
 * (unread notification counts count these rows past the user's read receipts).
 * - `thread_id`: 'main' for the main timeline, else the thread root's event ID.
 * - `highlight`: 1 when the actions highlight, else 0 (summed by the counts).
 * Keyed by user, room and the event's stream ordering, so a user's counts in a room are one
 * index range. The rows are written after the events commit, by the push actions worker; the
 * stream_positions counter `event_push_actions` records how far it got (until its first batch
 * there is no counter, and the worker starts after the newest event: events stored before this
 * table existed notify nobody).
 */
export class CreateEventPushActions1763700500200 implements MigrationInterface {
  name = "CreateEventPushActions1763700500200";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE event_push_actions (
      user_id TEXT NOT NULL,
      room_id TEXT NOT NULL,
      stream_ordering BIGINT NOT NULL,
      thread_id TEXT NOT NULL,
      highlight SMALLINT NOT NULL,
      PRIMARY KEY (user_id, room_id, stream_ordering)
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE event_push_actions");
    await queryRunner.query("DELETE FROM stream_positions WHERE stream_name = 'event_push_actions'");
  }
}
