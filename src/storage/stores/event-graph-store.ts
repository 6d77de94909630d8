/**
 * The room DAG around the events table: prev_events edges (event_edges), auth_events edges
 * (event_auth_edges) and each room's forward extremities.
 *
 * Edges are keyed by the stream ordering of the event they start from, so that new rows append
 * to the primary key instead of landing at random places in it (event IDs are hashes); reads by
 * event ID go through the unique index of events.
 */
import type { EntityManager } from "typeorm";
import { BaseStore } from "./base-store.js";

export interface EventEdges {
  /** The stored event's stream ordering (events.stream_ordering). */
  streamOrdering: number;
  /** prev_events or auth_events of the event, depending on the method. */
  targetIds: readonly string[];
}

export class EventGraphStore extends BaseStore {
  /** Records prev_events; an edge already stored is left alone. */
  async insertEventEdges(tx: EntityManager, edges: readonly EventEdges[]): Promise<void> {
    await this.d.insertMany(tx, "event_edges", ["stream_ordering", "prev_event_id"], flatten(edges), "ON CONFLICT DO NOTHING");
  }

  /** Records auth_events; an edge already stored is left alone. */
  async insertEventAuthEdges(tx: EntityManager, edges: readonly EventEdges[]): Promise<void> {
    await this.d.insertMany(tx, "event_auth_edges", ["stream_ordering", "auth_event_id"], flatten(edges), "ON CONFLICT DO NOTHING");
  }

  /** prev_events of each event, in no particular order (events with none recorded are absent). */
  async selectPrevEventIds(eventIds: readonly string[], em: EntityManager = this.reader): Promise<Map<string, string[]>> {
    return this.selectEdges(em, "SELECT e.event_id, x.prev_event_id AS target FROM events e JOIN event_edges x ON x.stream_ordering = e.stream_ordering", eventIds);
  }

  /** auth_events of each event, in no particular order (events with none recorded are absent). */
  async selectAuthEventIds(eventIds: readonly string[], em: EntityManager = this.reader): Promise<Map<string, string[]>> {
    return this.selectEdges(em, "SELECT e.event_id, x.auth_event_id AS target FROM events e JOIN event_auth_edges x ON x.stream_ordering = e.stream_ordering", eventIds);
  }

  /**
   * The auth chain of the events: their auth events, those events' auth events, and so on
   * (not including the starting events themselves unless one is in another's chain).
   */
  async selectAuthChainIds(eventIds: readonly string[], em: EntityManager = this.reader): Promise<Set<string>> {
    if (eventIds.length === 0) return new Set();
    const rows = await this.d.query<{ event_id: string }>(
      em,
      `WITH RECURSIVE chain (event_id) AS (
         SELECT a.auth_event_id FROM events e JOIN event_auth_edges a ON a.stream_ordering = e.stream_ordering
         WHERE e.event_id ${this.d.inArray}
         UNION
         SELECT a.auth_event_id FROM chain c JOIN events e ON e.event_id = c.event_id
         JOIN event_auth_edges a ON a.stream_ordering = e.stream_ordering
       )
       SELECT event_id FROM chain`,
      [this.d.arrayParam(eventIds)],
    );
    return new Set(rows.map((row) => row.event_id));
  }

  /** Which of `eventIds` some stored event names in its prev_events. */
  async selectEventIdsWithChildren(eventIds: readonly string[], em: EntityManager = this.reader): Promise<Set<string>> {
    if (eventIds.length === 0) return new Set();
    const rows = await this.d.query<{ prev_event_id: string }>(
      em,
      `SELECT DISTINCT prev_event_id FROM event_edges WHERE prev_event_id ${this.d.inArray}`,
      [this.d.arrayParam(eventIds)],
    );
    return new Set(rows.map((row) => row.prev_event_id));
  }

  /** The room's forward extremities, sorted by event ID. */
  async selectForwardExtremities(roomId: string, em: EntityManager = this.reader): Promise<string[]> {
    const rows = await this.d.query<{ event_id: string }>(em, "SELECT event_id FROM forward_extremities WHERE room_id = ? ORDER BY event_id", [roomId]);
    return rows.map((row) => row.event_id);
  }

  /** Sets the room's forward extremities to exactly `eventIds`. */
  async replaceForwardExtremities(tx: EntityManager, roomId: string, eventIds: readonly string[]): Promise<void> {
    await this.replaceForwardExtremitiesOfRooms(tx, new Map([[roomId, eventIds]]));
  }

  /** Sets the forward extremities of each room of `rooms` to exactly its event IDs (two statements in all). */
  async replaceForwardExtremitiesOfRooms(tx: EntityManager, rooms: ReadonlyMap<string, readonly string[]>): Promise<void> {
    if (rooms.size === 0) return;
    await this.d.execute(tx, `DELETE FROM forward_extremities WHERE room_id ${this.d.inArray}`, [this.d.arrayParam([...rooms.keys()])]);
    const rows: string[][] = [];
    for (const [roomId, eventIds] of rooms) for (const eventId of new Set(eventIds)) rows.push([roomId, eventId]);
    await this.d.insertMany(tx, "forward_extremities", ["room_id", "event_id"], rows);
  }

  private async selectEdges(em: EntityManager, select: string, eventIds: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (eventIds.length === 0) return out;
    const rows = await this.d.query<{ event_id: string; target: string }>(
      em,
      `${select} WHERE e.event_id ${this.d.inArray}`,
      [this.d.arrayParam(eventIds)],
    );
    for (const row of rows) {
      const targets = out.get(row.event_id);
      if (targets) targets.push(row.target);
      else out.set(row.event_id, [row.target]);
    }
    return out;
  }
}

function flatten(edges: readonly EventEdges[]): Array<[number, string]> {
  const rows: Array<[number, string]> = [];
  for (const edge of edges) for (const target of edge.targetIds) rows.push([edge.streamOrdering, target]);
  return rows;
}
