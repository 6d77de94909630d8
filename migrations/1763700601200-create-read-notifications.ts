import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * read_notifications: the notifications a read mark took out of event_push_actions (the user sent
 * an event in the room, or left it), kept so GET /notifications still lists them as read.
 * event_push_actions keeps only what the unread counts read; a read mark moves its rows here in
 * the same transaction. The same columns, plus `read_ts` (ms): when they were moved. Pruned:
 * rows read long ago, and a user's oldest beyond a cap (NotificationsService).
 * Keyed by user and stream ordering (an event's stream ordering is unique): GET /notifications
 * pages one index range, the cap keeps one too.
 */
export class CreateReadNotifications1763700601200 implements MigrationInterface {
  name = "CreateReadNotifications1763700601200";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE read_notifications (
      user_id TEXT NOT NULL,
      stream_ordering BIGINT NOT NULL,
      room_id TEXT NOT NULL,
      thread_id TEXT NOT NULL,
      highlight SMALLINT NOT NULL,
      actions TEXT,
      read_ts BIGINT NOT NULL,
      PRIMARY KEY (user_id, stream_ordering)
    )`);
    await queryRunner.query("CREATE INDEX read_notifications_read_ts ON read_notifications (read_ts)");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE read_notifications");
  }
}
