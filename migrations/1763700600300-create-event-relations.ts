import type { MigrationInterface, QueryRunner } from "typeorm";
import { relationOf } from "../src/room/event-relations.js";

/** Events read per batch while filling the table. */
const BATCH = 500;

/**
 * event_relations: each accepted event (not an outlier, rejected or soft-failed, not redacted)
 * whose content has `m.relates_to` with a `rel_type` and an `event_id`, keyed by its event ID.
 * https://spec.matrix.org/v1.19/client-server-api/#forming-relationships-between-events
 * - `relates_to_id` is the parent, `rel_type` the relationship type;
 * - `room_id`, `sender`, `type` are the child's (filters of `/relations`, thread participation);
 * - `topological_ordering`, `stream_ordering` are the child's positions (pagination, latest
 *   thread event); `origin_server_ts` picks the most recent edit.
 * Rows are written with their events, and deleted when their event is redacted. The table is
 * filled from the events already stored, parsing their JSON in batches.
 */
export class CreateEventRelations1763700600300 implements MigrationInterface {
  name = "CreateEventRelations1763700600300";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE event_relations (
      event_id TEXT NOT NULL PRIMARY KEY,
      relates_to_id TEXT NOT NULL,
      rel_type TEXT NOT NULL,
      room_id TEXT NOT NULL,
      sender TEXT NOT NULL,
      type TEXT NOT NULL,
      topological_ordering BIGINT NOT NULL,
      stream_ordering BIGINT NOT NULL,
      origin_server_ts BIGINT NOT NULL
    )`);
    await queryRunner.query("CREATE INDEX event_relations_parent ON event_relations (relates_to_id, topological_ordering, stream_ordering)");
    await queryRunner.query("CREATE INDEX event_relations_room_type ON event_relations (room_id, rel_type, stream_ordering)");
    await fill(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE event_relations");
  }
}

interface EventRow {
  stream_ordering: unknown;
  event_id: string;
  room_id: string;
  sender: string;
  type: string;
  topological_ordering: unknown;
  origin_server_ts: unknown;
  json: string;
}

async function fill(queryRunner: QueryRunner): Promise<void> {
  const pg = queryRunner.connection.options.type === "postgres";
  const p = (n: number): string => (pg ? `$${n}` : "?");
  let after = -Number.MAX_SAFE_INTEGER;
  for (;;) {
    const rows = (await queryRunner.query(
      `SELECT stream_ordering, event_id, room_id, sender, type, topological_ordering, origin_server_ts, json FROM events
       WHERE stream_ordering > ${p(1)} AND outlier = FALSE AND rejected_reason IS NULL AND soft_failed = FALSE AND redacted_by IS NULL
       ORDER BY stream_ordering LIMIT ${BATCH}`,
      [after],
    )) as EventRow[];
    if (rows.length === 0) return;
    after = Number(rows.at(-1)!.stream_ordering);
    const values: unknown[] = [];
    const tuples: string[] = [];
    for (const row of rows) {
      if (!row.json.includes("m.relates_to")) continue;
      let content: unknown;
      try {
        content = (JSON.parse(row.json) as { content?: unknown }).content;
      } catch {
        continue;
      }
      if (typeof content !== "object" || content === null || Array.isArray(content)) continue;
      const relation = relationOf(content as Record<string, never>);
      if (relation === null) continue;
      const base = values.length;
      values.push(row.event_id, relation.eventId, relation.relType, row.room_id, row.sender, row.type,
        Number(row.topological_ordering), Number(row.stream_ordering), Number(row.origin_server_ts));
      tuples.push(`(${Array.from({ length: 9 }, (_, i) => p(base + i + 1)).join(", ")})`);
    }
    if (tuples.length > 0) {
      await queryRunner.query(
        `INSERT INTO event_relations (event_id, relates_to_id, rel_type, room_id, sender, type, topological_ordering, stream_ordering, origin_server_ts)
         VALUES ${tuples.join(", ")} ON CONFLICT (event_id) DO NOTHING`,
        values,
      );
    }
    if (rows.length < BATCH) return;
  }
}
