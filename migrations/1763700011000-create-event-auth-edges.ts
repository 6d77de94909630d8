import type { MigrationInterface, QueryRunner } from "typeorm";

/** event_auth_edges: auth_events, walked to build auth chains. */
export class CreateEventAuthEdges1763700011000 implements MigrationInterface {
  name = "CreateEventAuthEdges1763700011000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE event_auth_edges (
      event_id TEXT NOT NULL,
      auth_event_id TEXT NOT NULL,
      PRIMARY KEY (event_id, auth_event_id)
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE event_auth_edges");
  }
}
