import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * event_search: the full-text index of server-side search (POST /search), one row per indexed
 * event, keyed by the event's stream ordering. Indexed are `content.body` of `m.room.message`,
 * `content.name` of `m.room.name` and `content.topic` of `m.room.topic` (`key` says which).
 * - SQLite: an FTS5 virtual table; the rowid is the stream ordering, `value` the indexed text,
 *   the other columns are stored but not indexed.
 * - PostgreSQL: a table with a `tsvector` ('simple' configuration: no stemming, as on SQLite)
 *   under a GIN index.
 * Rows are written by the search indexer, which follows the events table in stream order; the
 * stream_positions counter `event_search` records how far it got. Nothing is indexed here: with
 * no counter the indexer starts at position 0 and indexes the events already stored.
 */
export class CreateEventSearch1763700600500 implements MigrationInterface {
  name = "CreateEventSearch1763700600500";

  async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type === "postgres") {
      await queryRunner.query(`CREATE TABLE event_search (
        stream_ordering BIGINT PRIMARY KEY,
        event_id TEXT NOT NULL,
        room_id TEXT NOT NULL,
        sender TEXT NOT NULL,
        key TEXT NOT NULL,
        origin_server_ts BIGINT NOT NULL,
        vector tsvector NOT NULL
      )`);
      await queryRunner.query("CREATE INDEX event_search_vector ON event_search USING GIN (vector)");
      await queryRunner.query("CREATE INDEX event_search_room ON event_search (room_id, stream_ordering)");
    } else {
      await queryRunner.query(`CREATE VIRTUAL TABLE event_search USING fts5(
        value, event_id UNINDEXED, room_id UNINDEXED, sender UNINDEXED, key UNINDEXED, origin_server_ts UNINDEXED,
        tokenize = 'unicode61 remove_diacritics 2'
      )`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE event_search");
    await queryRunner.query("DELETE FROM stream_positions WHERE stream_name = 'event_search'");
  }
}
