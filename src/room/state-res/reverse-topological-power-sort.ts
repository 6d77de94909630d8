/**
 * The reverse topological power ordering of state resolution v2.
 * https://spec.matrix.org/v1.19/rooms/v2/#definitions
 *
 * > The *reverse topological power ordering* of a set of events is the lexicographically smallest
 * > topological ordering based on the DAG formed by auth events. The reverse topological power
 * > ordering is ordered from earliest event to latest. […] for events *x* and *y*, *x* < *y* if
 * > 1. *x*'s sender has *greater* power level than *y*'s sender, when looking at their respective
 * >    `auth_event`s; or
 * > 2. the senders have the same power level, but *x*'s `origin_server_ts` is *less* than *y*'s
 * >    `origin_server_ts`; or
 * > 3. the senders have the same power level and the events have the same `origin_server_ts`, but
 * >    *x*'s `event_id` is *less* than *y*'s `event_id`.
 * >
 * > The reverse topological power ordering can be found by sorting the events using Kahn's
 * > algorithm for topological sorting, and at each step selecting, among all the candidate
 * > vertices, the smallest vertex using the above comparison relation.
 */
import { BinaryHeap } from "./binary-heap.js";

/** The tie-break of one vertex: its sender's power level and its `origin_server_ts`. */
export interface PowerSortKey {
  /** The sender's power level from the event's own auth events; Infinity for v12 creators. */
  readonly powerLevel: number;
  readonly originServerTs: number;
}

interface Vertex {
  readonly eventId: string;
  readonly negativePower: number;
  readonly originServerTs: number;
  /** Auth edges to vertices not yet emitted. */
  pending: number;
  /** Vertices that cite this one in their auth events. */
  readonly citedBy: Vertex[];
}

function compareVertices(a: Vertex, b: Vertex): number {
  if (a.negativePower !== b.negativePower) return a.negativePower < b.negativePower ? -1 : 1;
  if (a.originServerTs !== b.originServerTs) return a.originServerTs < b.originServerTs ? -1 : 1;
  return a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
}

/**
 * Sorts the vertices of `graph` (event ID → IDs of its auth events; edges leaving the graph are
 * ignored) from earliest to latest: an event comes after all of its auth events, and among the
 * events whose auth events have all been emitted the smallest by (−power, ts, event ID) goes next.
 * Vertices on an auth-event cycle (impossible for hash-named events) can never be emitted and are
 * left out.
 */
export function reverseTopologicalPowerSort(
  graph: ReadonlyMap<string, readonly string[]>,
  keyOf: (eventId: string) => PowerSortKey,
): string[] {
  const vertices = new Map<string, Vertex>();
  for (const eventId of graph.keys()) {
    const key = keyOf(eventId);
    vertices.set(eventId, {
      eventId,
      negativePower: -key.powerLevel,
      originServerTs: key.originServerTs,
      pending: 0,
      citedBy: [],
    });
  }
  for (const [eventId, authEventIds] of graph) {
    const vertex = vertices.get(eventId) as Vertex;
    for (const authEventId of authEventIds) {
      const authVertex = vertices.get(authEventId);
      if (authVertex === undefined || authVertex === vertex) continue;
      authVertex.citedBy.push(vertex);
      vertex.pending++;
    }
  }

  const candidates = new BinaryHeap<Vertex>(compareVertices);
  for (const vertex of vertices.values()) if (vertex.pending === 0) candidates.push(vertex);

  const sorted: string[] = [];
  for (let vertex = candidates.pop(); vertex !== undefined; vertex = candidates.pop()) {
    sorted.push(vertex.eventId);
    for (const citing of vertex.citedBy) {
      if (--citing.pending === 0) candidates.push(citing);
    }
  }
  return sorted;
}
