import type { MigrationInterface, QueryRunner } from "typeorm";
import { identityPrimaryKey } from "./identity-column.js";

/**
 * content_reports: what users reported to the server admins with `POST /rooms/{roomId}/report/{eventId}`,
 * `POST /rooms/{roomId}/report` and `POST /users/{userId}/report` (the "Reporting content" module).
 * One table for the three kinds, read by `hearth reports` and `GET /_synapse/admin/v1/event_reports`.
 * - `id`: auto-numbered; the admin API's report ID and its pagination order;
 * - `kind`: `event`, `room` or `user`;
 * - `user_id`: who reported;
 * - `room_id`: the room of an event or room report (NULL for a user report);
 * - `event_id`: the reported event (event reports only);
 * - `target_user_id`: whom the report is against: the reported user, or the event's sender;
 * - `reason`: the reporter's words (NULL when an event report gave none);
 * - `score`: the -100…0 score older clients still send with event reports (removed in v1.18);
 * - `received_ts`: when the report arrived (ms since the epoch).
 */
export class CreateContentReports1763700600800 implements MigrationInterface {
  name = "CreateContentReports1763700600800";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE content_reports (
      id ${identityPrimaryKey(queryRunner)},
      kind TEXT NOT NULL,
      user_id TEXT NOT NULL,
      room_id TEXT,
      event_id TEXT,
      target_user_id TEXT,
      reason TEXT,
      score BIGINT,
      received_ts BIGINT NOT NULL
    )`);
    await queryRunner.query("CREATE INDEX content_reports_kind_room ON content_reports (kind, room_id)");
    await queryRunner.query("CREATE INDEX content_reports_kind_user ON content_reports (kind, user_id)");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE content_reports");
  }
}
