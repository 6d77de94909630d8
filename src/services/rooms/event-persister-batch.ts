/**
 * One transaction's worth of room events (group commit): the persister processes queued items
 * into this batch in order, each seeing the events before it through `overlay`, then flush()
 * writes everything with a few multi-row statements: events (JSON byte for byte), prev and auth
 * edges, event_state_groups, forward extremities, current_state, room_memberships and client
 * transaction IDs. State groups are written while processing (their IDs are needed at once).
 */
import type { EntityManager } from "typeorm";
import type { Pdu } from "../../room/pdu.js";
import { parseStateMapKey } from "../../room/state-map.js";
import type { RoomRow } from "../../storage/stores/rooms-store.js";
import type { NewEventStateGroups } from "../../storage/stores/state-store.js";
import type { EventPersisterStores } from "./event-persister-types.js";
import { relationRowsOf } from "./event-relation-rows.js";
import type { EventEntry } from "./state-accessor.js";
import type { RoomHead } from "./state-room-head.js";

export interface BatchEvent {
  pdu: Pdu;
  /** The exact JSON text stored. */
  json: string;
  outlier: boolean;
  rejectedReason: string | null;
  softFailed: boolean;
  /** null for outliers. */
  groups: { before: number; after: number } | null;
  txn?: { userId: string; deviceId: string; txnId: string };
  /** Set by flush(). */
  streamOrdering: number;
}

/** A room's changes in this batch. */
export interface BatchRoom {
  /** The head before the batch (null for a room created in it). */
  readonly start: RoomHead | null;
  /** The head after the events processed so far. */
  head: RoomHead;
  /** Whether extremities changed. */
  extremitiesChanged: boolean;
  /** Keys of the current state that may have changed; "all" after a resolution. */
  touched: Set<string> | "all";
}

export class EventBatch {
  readonly events: BatchEvent[] = [];
  readonly overlay = new Map<string, EventEntry>();
  readonly rooms = new Map<string, BatchRoom>();
  readonly newRooms: RoomRow[] = [];
  /** Events redacted by accepted redactions of the batch. */
  readonly redactions: Array<{ eventId: string; redactedBy: string }> = [];
  /** Set by flush(): each room's current-state change. */
  currentChanges = new Map<string, Map<string, Pdu | null>>();

  add(event: BatchEvent): void {
    this.events.push(event);
    this.overlay.set(event.pdu.eventId, {
      pdu: event.pdu,
      rejected: event.rejectedReason !== null,
      outlier: event.outlier,
      softFailed: event.softFailed,
      streamOrdering: 0,
    });
  }

  has(eventId: string): boolean {
    return this.overlay.has(eventId);
  }

  /**
   * Writes the batch. `currentChanges` is each room's current-state change (key → the new
   * event, or null when removed), computed by the caller from `rooms`.
   */
  async flush(
    tx: EntityManager,
    stores: EventPersisterStores,
    currentChanges: Map<string, Map<string, Pdu | null>>,
    serializeInsert: (insert: () => Promise<number[]>) => Promise<number[]>,
  ): Promise<void> {
    this.currentChanges = currentChanges;
    for (const room of this.newRooms) await stores.rooms.insertRoom(tx, room);
    const orderings = await serializeInsert(() => stores.events.insertEvents(
      tx,
      this.events.map((e) => ({
        eventId: e.pdu.eventId,
        roomId: e.pdu.roomId,
        type: e.pdu.type,
        stateKey: e.pdu.stateKey ?? null,
        sender: e.pdu.sender,
        depth: e.pdu.depth,
        originServerTs: e.pdu.originServerTs,
        json: e.json,
        outlier: e.outlier,
        rejectedReason: e.rejectedReason,
        softFailed: e.softFailed,
      })),
    ));
    for (let i = 0; i < this.events.length; i++) {
      const event = this.events[i]!;
      event.streamOrdering = orderings[i]!;
      this.overlay.get(event.pdu.eventId)!.streamOrdering = event.streamOrdering;
    }
    const withPrevs = this.events.filter((e) => !e.outlier && e.pdu.prevEventIds.length > 0);
    await stores.graph.insertEventEdges(tx, withPrevs.map((e) => ({ streamOrdering: e.streamOrdering, targetIds: e.pdu.prevEventIds })));
    const withAuth = this.events.filter((e) => e.pdu.authEventIds.length > 0);
    await stores.graph.insertEventAuthEdges(tx, withAuth.map((e) => ({ streamOrdering: e.streamOrdering, targetIds: e.pdu.authEventIds })));
    const grouped: NewEventStateGroups[] = [];
    for (const e of this.events) {
      if (e.groups) grouped.push({ streamOrdering: e.streamOrdering, stateGroupBefore: e.groups.before, stateGroupAfter: e.groups.after });
    }
    await stores.state.insertEventStateGroups(tx, grouped);

    const extremities = new Map<string, string[]>();
    for (const [roomId, room] of this.rooms) {
      if (room.extremitiesChanged) extremities.set(roomId, room.head.extremities.map((e) => e.eventId));
    }
    await stores.graph.replaceForwardExtremitiesOfRooms(tx, extremities);
    for (const [roomId, changes] of currentChanges) {
      const upserts: { type: string; stateKey: string; eventId: string; membership: string | null }[] = [];
      const removals: { type: string; stateKey: string }[] = [];
      for (const [key, pdu] of changes) {
        const { type, stateKey } = parseStateMapKey(key);
        if (pdu === null) removals.push({ type, stateKey });
        else upserts.push({ type, stateKey, eventId: pdu.eventId, membership: membershipOf(pdu) });
      }
      await stores.currentState.upsertCurrentState(tx, roomId, upserts);
      if (removals.length > 0) await stores.currentState.deleteCurrentState(tx, roomId, removals);
    }

    const memberships = this.events
      .filter((e) => e.pdu.type === "m.room.member" && e.pdu.stateKey !== undefined && !e.outlier && e.rejectedReason === null && !e.softFailed)
      .map((e) => ({
        eventId: e.pdu.eventId,
        userId: e.pdu.stateKey!,
        roomId: e.pdu.roomId,
        sender: e.pdu.sender,
        membership: membershipOf(e.pdu) ?? "",
        streamOrdering: e.streamOrdering,
      }));
    await stores.currentState.insertRoomMemberships(tx, memberships);
    // Relations are readable as soon as the send returns; a redacted event is no longer a relation.
    await stores.relations.insertEventRelations(tx, relationRowsOf(this.events));
    for (const { eventId, redactedBy } of this.redactions) await stores.events.updateEventRedactedBy(tx, eventId, redactedBy);
    await stores.relations.deleteEventRelations(tx, this.redactions.map((r) => r.eventId));
    const txns = [];
    for (const e of this.events) if (e.txn) txns.push({ ...e.txn, eventId: e.pdu.eventId, createdTs: e.pdu.originServerTs });
    await stores.txnIds.insertEventTxnIds(tx, txns);
  }
}

/** content.membership of an m.room.member event; null for other events. */
export function membershipOf(pdu: Pdu): string | null {
  if (pdu.type !== "m.room.member") return null;
  const membership = pdu.content.membership;
  return typeof membership === "string" ? membership : null;
}
