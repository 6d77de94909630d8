import type { MigrationInterface, QueryRunner } from "typeorm";

/** devices: one row per (user, device); removing a user removes its devices. */
export class CreateDevices1763700002000 implements MigrationInterface {
  name = "CreateDevices1763700002000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE devices (
      user_id TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
      device_id TEXT NOT NULL,
      display_name TEXT,
      last_seen_ts BIGINT,
      last_seen_ip TEXT,
      PRIMARY KEY (user_id, device_id)
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE devices");
  }
}
