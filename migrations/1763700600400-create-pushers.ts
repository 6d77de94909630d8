import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * pushers: the HTTP pushers users set with POST /pushers/set, one per (user, app_id, pushkey).
 * - `device_id`: the device whose access token set it (NULL for a device-less token, an
 *   appservice's). The composite foreign key deletes a device's pushers with the device: on
 *   logout, on device deletion and on deactivation (which deletes every device), as Synapse
 *   removes the pushers of an access token that is logged out.
 * - `pushkey_ts`: when the pushkey was last set, in ms (served in seconds to push gateways).
 * - `data`: the PusherData object as JSON text (`url` included).
 * The (app_id, pushkey) index serves "remove any other pushers with the same App ID and pushkey
 * for different users".
 */
export class CreatePushers1763700600400 implements MigrationInterface {
  name = "CreatePushers1763700600400";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE pushers (
      user_id TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
      app_id TEXT NOT NULL,
      pushkey TEXT NOT NULL,
      device_id TEXT,
      kind TEXT NOT NULL,
      app_display_name TEXT NOT NULL,
      device_display_name TEXT NOT NULL,
      profile_tag TEXT,
      lang TEXT NOT NULL,
      data TEXT NOT NULL,
      pushkey_ts BIGINT NOT NULL,
      PRIMARY KEY (user_id, app_id, pushkey),
      FOREIGN KEY (user_id, device_id) REFERENCES devices (user_id, device_id) ON DELETE CASCADE
    )`);
    await queryRunner.query("CREATE INDEX pushers_app_pushkey ON pushers (app_id, pushkey)");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE pushers");
  }
}
