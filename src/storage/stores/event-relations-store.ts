/**
 * event_relations: which accepted events relate to which (`m.relates_to`), written with the
 * events in the persister's transaction and deleted when the child is redacted ("a redacted event
 * is no longer a relation"). Reads: `/relations` pages, the thread list, and the rows bundled
 * aggregations are built from (one statement for any number of parents).
 * https://spec.matrix.org/v1.19/client-server-api/#forming-relationships-between-events
 */
import type { EntityManager } from "typeorm";
import { toNumber } from "../dialect.js";
import { BaseStore } from "./base-store.js";

export interface EventRelationRow {
  eventId: string;
  relatesToId: string;
  relType: string;
  roomId: string;
  sender: string;
  type: string;
  topologicalOrdering: number;
  streamOrdering: number;
  originServerTs: number;
}

/** A child's place in the topological order of a room. */
export interface RelationKey {
  topologicalOrdering: number;
  streamOrdering: number;
}

export interface RelationsPageQuery {
  roomId: string;
  parentId: string;
  relType?: string;
  eventType?: string;
  /** Children strictly before (`b`, newest first) or strictly after (`f`, oldest first) `key`. */
  key: RelationKey;
  dir: "b" | "f";
  limit: number;
  /** 1: direct children only; n: children of children too, n levels down. */
  depth: number;
}

export interface ThreadRootsQuery {
  roomId: string;
  /** Threads whose latest event has a stream ordering below this. */
  before: number;
  limit: number;
  /** Only threads this user started or replied to. */
  participant?: string;
}

export interface ThreadRootRow {
  rootId: string;
  /** The stream ordering of the thread's latest event. */
  latest: number;
}

/**
 * A row bundled aggregations are built from: per thread root one `m.thread` row (count, whether
 * the user took part, the topologically latest event); per parent every `m.reference` child and
 * every `m.replace` child with the parent's sender and type (the parent not a state event).
 */
export interface AggregationRow {
  parentId: string;
  relType: string;
  eventId: string;
  count: number;
  participated: boolean;
  originServerTs: number;
}

const COLUMNS = [
  "event_id", "relates_to_id", "rel_type", "room_id", "sender", "type", "topological_ordering", "stream_ordering", "origin_server_ts",
];
const THREAD = "m.thread";

export class EventRelationsStore extends BaseStore {
  /** Records relations of events being written (in their transaction). */
  async insertEventRelations(tx: EntityManager, rows: readonly EventRelationRow[]): Promise<void> {
    await this.d.insertMany(
      tx,
      "event_relations",
      COLUMNS,
      rows.map((r) => [r.eventId, r.relatesToId, r.relType, r.roomId, r.sender, r.type, r.topologicalOrdering, r.streamOrdering, r.originServerTs]),
      "ON CONFLICT (event_id) DO NOTHING",
    );
  }

  /** Removes the relations of these (redacted) events. */
  async deleteEventRelations(tx: EntityManager, eventIds: readonly string[]): Promise<void> {
    if (eventIds.length === 0) return;
    await this.d.execute(tx, `DELETE FROM event_relations WHERE event_id ${this.d.inArray}`, [this.d.arrayParam(eventIds)]);
  }

  /** One page of the children of `parentId` in its room, in topological order (see RelationsPageQuery). */
  async selectRelationsPage(q: RelationsPageQuery, em: EntityManager = this.reader): Promise<Array<RelationKey & { eventId: string }>> {
    const [cmp, order] = q.dir === "b" ? ["<", "DESC"] : [">", "ASC"];
    const params: unknown[] = [];
    let source: string;
    if (q.depth <= 1) {
      source = "FROM event_relations r WHERE r.relates_to_id = ?";
      params.push(q.parentId);
    } else {
      source = `FROM event_relations r WHERE r.event_id IN (
        WITH RECURSIVE related (event_id, depth) AS (
          SELECT event_id, 1 FROM event_relations WHERE relates_to_id = ?
          UNION SELECT c.event_id, related.depth + 1 FROM event_relations c JOIN related ON c.relates_to_id = related.event_id WHERE related.depth < ?
        ) SELECT event_id FROM related)`;
      params.push(q.parentId, q.depth);
    }
    let filters = " AND r.room_id = ?";
    params.push(q.roomId);
    if (q.relType !== undefined) {
      filters += " AND r.rel_type = ?";
      params.push(q.relType);
    }
    if (q.eventType !== undefined) {
      filters += " AND r.type = ?";
      params.push(q.eventType);
    }
    const { topologicalOrdering: t, streamOrdering: s } = q.key;
    params.push(t, t, s, q.limit);
    const rows = await this.d.query<{ event_id: string; topological_ordering: unknown; stream_ordering: unknown }>(
      em,
      `SELECT r.event_id, r.topological_ordering, r.stream_ordering ${source}${filters}
       AND (r.topological_ordering ${cmp} ? OR (r.topological_ordering = ? AND r.stream_ordering ${cmp} ?))
       ORDER BY r.topological_ordering ${order}, r.stream_ordering ${order} LIMIT ?`,
      params,
    );
    return rows.map((row) => ({ eventId: row.event_id, topologicalOrdering: toNumber(row.topological_ordering), streamOrdering: toNumber(row.stream_ordering) }));
  }

  /**
   * Thread roots of a room by latest activity, most recent first (see ThreadRootsQuery). Walks the
   * room's `m.thread` children newest first (event_relations_room_type) and keeps each that is the
   * latest of its thread, so a page reads about as many rows as it returns, however many threads
   * the room has.
   */
  async selectThreadRoots(q: ThreadRootsQuery, em: EntityManager = this.reader): Promise<ThreadRootRow[]> {
    const params: unknown[] = [q.roomId, THREAD, q.before];
    let participated = "";
    if (q.participant !== undefined) {
      participated = ` AND (EXISTS (SELECT 1 FROM event_relations m WHERE m.relates_to_id = r.relates_to_id AND m.rel_type = r.rel_type AND m.sender = ?)
        OR EXISTS (SELECT 1 FROM events e WHERE e.event_id = r.relates_to_id AND e.sender = ?))`;
      params.push(q.participant, q.participant);
    }
    params.push(q.limit);
    const rows = await this.d.query<{ relates_to_id: string; stream_ordering: unknown }>(
      em,
      `SELECT r.relates_to_id, r.stream_ordering FROM event_relations r
       WHERE r.room_id = ? AND r.rel_type = ? AND r.stream_ordering < ?
         AND NOT EXISTS (SELECT 1 FROM event_relations n WHERE n.relates_to_id = r.relates_to_id AND n.rel_type = r.rel_type
           AND n.room_id = r.room_id AND n.stream_ordering > r.stream_ordering)${participated}
       ORDER BY r.stream_ordering DESC LIMIT ?`,
      params,
    );
    return rows.map((row) => ({ rootId: row.relates_to_id, latest: toNumber(row.stream_ordering) }));
  }

  /**
   * The rows bundled aggregations of `parentIds` are built from (see AggregationRow), in one
   * statement. Children sent by `ignored` users are left out (the count, the latest event, the
   * references and edits).
   */
  async selectAggregations(parentIds: readonly string[], userId: string, ignored: readonly string[] = [], em: EntityManager = this.reader): Promise<AggregationRow[]> {
    if (parentIds.length === 0) return [];
    const parents = this.d.arrayParam(parentIds);
    // Without ignored users the statement is the plain one (the /sync path's).
    const notIgnored = (alias: string) => (ignored.length === 0 ? "" : ` AND NOT (${alias}.sender ${this.d.inArray})`);
    const ignoredParams = ignored.length === 0 ? [] : [this.d.arrayParam(ignored)];
    const rows = await this.d.query<{ parent_id: string; rel_type: string; event_id: string; count: unknown; participated: unknown; origin_server_ts: unknown }>(
      em,
      `SELECT r.relates_to_id AS parent_id, r.rel_type, COUNT(*) AS count, MAX(CASE WHEN r.sender = ? THEN 1 ELSE 0 END) AS participated,
         (SELECT l.event_id FROM event_relations l WHERE l.relates_to_id = r.relates_to_id AND l.rel_type = r.rel_type AND l.room_id = r.room_id${notIgnored("l")}
          ORDER BY l.topological_ordering DESC, l.stream_ordering DESC LIMIT 1) AS event_id, 0 AS origin_server_ts
       FROM event_relations r JOIN events p ON p.event_id = r.relates_to_id
       WHERE r.relates_to_id ${this.d.inArray} AND r.rel_type = ? AND r.room_id = p.room_id${notIgnored("r")}
       GROUP BY r.relates_to_id, r.rel_type, r.room_id
       UNION ALL
       SELECT r.relates_to_id, r.rel_type, 1, 0, r.event_id, r.origin_server_ts
       FROM event_relations r JOIN events p ON p.event_id = r.relates_to_id
       WHERE r.relates_to_id ${this.d.inArray} AND r.room_id = p.room_id${notIgnored("r")}
         AND (r.rel_type = ? OR (r.rel_type = ? AND r.sender = p.sender AND r.type = p.type AND p.state_key IS NULL))`,
      [userId, ...ignoredParams, parents, THREAD, ...ignoredParams, parents, ...ignoredParams, "m.reference", "m.replace"],
    );
    return rows.map((row) => ({
      parentId: row.parent_id,
      relType: row.rel_type,
      eventId: row.event_id,
      count: toNumber(row.count),
      participated: toNumber(row.participated) === 1,
      originServerTs: toNumber(row.origin_server_ts),
    }));
  }
}
