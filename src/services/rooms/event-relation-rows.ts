/**
 * The event_relations rows of a batch of events being written: its accepted events (not
 * outliers, rejected or soft-failed) that declare a relationship (room/event-relations.ts).
 */
import { relationOf } from "../../room/event-relations.js";
import type { EventRelationRow } from "../../storage/stores/event-relations-store.js";
import type { BatchEvent } from "./event-persister-batch.js";

export function relationRowsOf(events: readonly BatchEvent[]): EventRelationRow[] {
  const rows: EventRelationRow[] = [];
  for (const e of events) {
    if (e.outlier || e.rejectedReason !== null || e.softFailed) continue;
    const relation = relationOf(e.pdu.content);
    if (relation === null) continue;
    const { pdu } = e;
    rows.push({
      eventId: pdu.eventId,
      relatesToId: relation.eventId,
      relType: relation.relType,
      roomId: pdu.roomId,
      sender: pdu.sender,
      type: pdu.type,
      // flush() stores events at their depth as topological ordering.
      topologicalOrdering: pdu.depth,
      streamOrdering: e.streamOrdering,
      originServerTs: pdu.originServerTs,
    });
  }
  return rows;
}
