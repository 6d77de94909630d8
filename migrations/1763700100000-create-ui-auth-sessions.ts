import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * ui_auth_sessions: User-Interactive Authentication sessions, kept in the database so that any
 * process can continue a session another one started.
 * - `operation` names the request the session authorises (one session cannot authorise another);
 * - `user_id` is the user it authenticates, once known (NULL during registration);
 * - `completed` is the JSON array of the stages completed so far, in order;
 * - `registration_token` is a registration token one of whose uses the session holds (its
 *   `pending` count), released when the session expires.
 */
export class CreateUiAuthSessions1763700100000 implements MigrationInterface {
  name = "CreateUiAuthSessions1763700100000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE ui_auth_sessions (
      session_id TEXT NOT NULL PRIMARY KEY,
      operation TEXT NOT NULL,
      user_id TEXT,
      completed TEXT NOT NULL,
      registration_token TEXT,
      created_ts BIGINT NOT NULL
    )`);
    await queryRunner.query("CREATE INDEX ui_auth_sessions_created_ts ON ui_auth_sessions (created_ts)");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE ui_auth_sessions");
  }
}
