import type { MigrationInterface, QueryRunner } from "typeorm";

/** event_edges: prev_events. Indexed both ways: parents of an event, and children of one. */
export class CreateEventEdges1763700010000 implements MigrationInterface {
  name = "CreateEventEdges1763700010000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE event_edges (
      event_id TEXT NOT NULL,
      prev_event_id TEXT NOT NULL,
      PRIMARY KEY (event_id, prev_event_id)
    )`);
    await queryRunner.query("CREATE INDEX event_edges_prev ON event_edges (prev_event_id)");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE event_edges");
  }
}
