/**
 * Turning queued items into a batch, inside the batch's transaction and under each room's
 * single writer: local events are built on the room's head (prev_events = forward extremities,
 * auth events selected from the current state), signed and authorized against the state before
 * them; received events arrive already checked against their auth events and the state before
 * them (inbound-pdu-handler.ts) and are checked here against the current state (soft failure).
 * Each event's state groups are written here; the room's head moves on in memory and is
 * installed by the persister once the transaction commits.
 */
import type { EntityManager } from "typeorm";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import { AuthError } from "../../room/auth/auth-error.js";
import { selectAuthEventKeys } from "../../room/auth/auth-events-selection.js";
import type { AuthState } from "../../room/auth/auth-state.js";
import { authorizeEvent } from "../../room/auth/authorize.js";
import { getNamedPowerLevel, getUserPowerLevel } from "../../room/auth/power-levels.js";
import { domainOf } from "../../room/auth/user-ids.js";
import { checkPduFormat } from "../../room/auth/check-pdu-format.js";
import { buildEvent, PREV_EVENTS_LIMIT } from "../../room/event-builder.js";
import type { Pdu } from "../../room/pdu.js";
import { PduFormatError } from "../../room/pdu-format-error.js";
import { stateMapKey } from "../../room/state-map.js";
import { StateGroupMap } from "../../storage/state-group-map.js";
import type { BatchEvent, BatchRoom, EventBatch } from "./event-persister-batch.js";
import type { EventPersisterDeps, LocalEventRequest } from "./event-persister-types.js";
import type { StateAccessor } from "./state-accessor.js";
import { stateDelta, type GroupedState, type StateResolver } from "./state-resolver.js";
import { sortExtremities, type Extremity, type RoomHead, type RoomHeadCache } from "./state-room-head.js";

/** A received event ready for the room's writer (see inbound-pdu-handler.ts). */
export interface InboundEvent {
  pdu: Pdu;
  outlier: boolean;
  rejectedReason: string | null;
  /** The state before the event (null for outliers), with a group to derive a new one from. */
  stateBefore: (GroupedState & { baseGroup: number | null }) | null;
}

const CREATE_KEY = stateMapKey("m.room.create", "");

export class BatchProcessor {
  constructor(
    private readonly deps: EventPersisterDeps,
    private readonly accessor: StateAccessor,
    private readonly resolver: StateResolver,
    private readonly heads: RoomHeadCache,
    readonly batch: EventBatch,
    private readonly tx: EntityManager,
  ) {}

  /** The room's entry in the batch, from its cached head; null for an unknown room. */
  async room(roomId: string): Promise<BatchRoom | null> {
    const existing = this.batch.rooms.get(roomId);
    if (existing) return existing;
    const head = await this.heads.get(roomId);
    if (head === null) return null;
    const room: BatchRoom = { start: head, head, extremitiesChanged: false, touched: new Set() };
    this.batch.rooms.set(roomId, room);
    return room;
  }

  /** A prebuilt `m.room.create` event: a new room, its row and its first state group. */
  async addCreate(pdu: Pdu, txn?: BatchEvent["txn"], inbound?: InboundEvent): Promise<BatchEvent> {
    authorizeEvent(pdu, () => undefined);
    const states = this.deps.stores.state;
    const delta = new Map([[CREATE_KEY, pdu.eventId]]);
    const currentState = StateGroupMap.empty().withDelta(delta);
    const before = await states.insertStateGroup(this.tx, pdu.roomId, null, new Map(), StateGroupMap.empty());
    const after = await states.insertStateGroup(this.tx, pdu.roomId, before, delta, currentState);
    this.batch.newRooms.push({ roomId: pdu.roomId, roomVersion: pdu.rules.id, creator: pdu.sender, isPublic: false, createdTs: pdu.originServerTs });
    const head: RoomHead = {
      roomId: pdu.roomId,
      rules: pdu.rules,
      extremities: [{ eventId: pdu.eventId, depth: pdu.depth, stateGroup: after }],
      currentState,
      currentGroup: after,
    };
    this.batch.rooms.set(pdu.roomId, { start: null, head, extremitiesChanged: true, touched: new Set([CREATE_KEY]) });
    return this.append(pdu, { before, after }, txn, inbound);
  }

  /**
   * Builds, signs and authorizes a local event on the room's head and adds it to the batch.
   * Throws MatrixError (403 with the auth reason, 400/413 for a malformed event) without
   * changing anything.
   */
  async addLocal(req: LocalEventRequest, roomId: string, txn?: BatchEvent["txn"]): Promise<BatchEvent> {
    const room = await this.room(roomId);
    if (room === null) throw new MatrixError(404, ErrCode.NotFound, `unknown room ${roomId}`);
    const head = room.head;
    if (head.extremities.length === 0) throw new MatrixError(403, ErrCode.Forbidden, `no events in room ${roomId} to build on`);
    const prevs = head.extremities.slice(0, PREV_EVENTS_LIMIT);
    const before = prevs.length === head.extremities.length
      ? { group: head.currentGroup, state: head.currentState }
      : await this.resolveExtremities(head, prevs);
    const rules = head.rules;
    const authKeys = selectAuthEventKeys(req.type, req.stateKey, req.sender, req.content, rules);
    const lookupKeys = rules.authorization.createEventInAuthEvents ? authKeys : [...authKeys, CREATE_KEY];
    const [authState, prevPdus] = await Promise.all([
      this.authState(before.state, lookupKeys),
      this.pdus(prevs.map((p) => p.eventId)),
    ]);
    const authEvents: Pdu[] = [];
    for (const key of authKeys) {
      const eventId = before.state.get(key);
      const pdu = eventId === undefined ? undefined : authState.events.get(eventId);
      if (pdu) authEvents.push(pdu);
    }
    const pdu = buildEvent({
      rules,
      roomId,
      sender: req.sender,
      type: req.type,
      stateKey: req.stateKey,
      content: req.content,
      redacts: req.redacts,
      prevEvents: prevPdus,
      authEvents,
      originServerTs: req.originServerTs ?? this.deps.clock.now(),
      signingKey: this.deps.signingKey,
      serverName: this.deps.serverName,
      unsigned: req.unsigned,
    });
    const text = JSON.stringify(pdu.json);
    // Everything but `unsigned` was just hashed and signed, so it is canonical JSON.
    checkLocalFormat(pdu, req.unsigned === undefined ? text : undefined);
    authorizeEvent(pdu, authState.lookup);
    await this.noteRedaction(pdu, authState.lookup);

    const beforeGroup = before.group ?? (await this.groupFor(head, before.state));
    const after = await this.stateAfter(pdu, { group: beforeGroup, state: before.state });
    const remaining = head.extremities.slice(prevs.length);
    const extremities = [{ eventId: pdu.eventId, depth: pdu.depth, stateGroup: after.group! }, ...remaining];
    if (remaining.length === 0) {
      if (pdu.isState()) markTouched(room, pdu.stateMapKey());
      room.head = { ...head, extremities, currentState: after.state, currentGroup: after.group };
    } else {
      await this.moveHead(room, extremities);
    }
    room.extremitiesChanged = true;
    return this.append(pdu, { before: beforeGroup, after: after.group! }, txn, undefined, text);
  }

  /** A received event, checked against the current state (step 6) and added to the batch. */
  async addInbound(event: InboundEvent): Promise<{ entry: BatchEvent; softFailReason: string | null }> {
    const { pdu } = event;
    const stateBefore = event.stateBefore;
    const room = event.outlier || stateBefore === null ? null : await this.room(pdu.roomId);
    if (room === null || stateBefore === null) {
      if (pdu.type === "m.room.create" && !event.outlier && event.rejectedReason === null && event.stateBefore !== null) {
        return { entry: await this.addCreate(pdu, undefined, event), softFailReason: null };
      }
      await this.ensureRoomRow(pdu);
      return { entry: this.append(pdu, null, undefined, { ...event, outlier: true }), softFailReason: null };
    }
    const head = room.head;
    const beforeGroup = stateBefore.group ?? (await this.groupFrom(pdu.roomId, stateBefore.baseGroup, stateBefore.state));
    if (event.rejectedReason !== null) {
      return { entry: this.append(pdu, { before: beforeGroup, after: beforeGroup }, undefined, event), softFailReason: null };
    }
    const after = await this.stateAfter(pdu, { group: beforeGroup, state: stateBefore.state });

    // Step 6: "Passes authorisation rules based on the current state of the room, otherwise it
    // is 'soft failed'."
    let softFailReason: string | null = null;
    let current: { lookup: AuthState } | null = null;
    if (pdu.type !== "m.room.create") {
      const keys = selectAuthEventKeys(pdu.type, pdu.stateKey, pdu.sender, pdu.content, head.rules);
      current = await this.authState(head.currentState, [...keys, CREATE_KEY]);
      try {
        authorizeEvent(pdu, current.lookup);
      } catch (err) {
        if (!(err instanceof AuthError)) throw err;
        softFailReason = err.reason;
      }
    }
    const entry = this.append(pdu, { before: beforeGroup, after: after.group! }, undefined, { ...event, softFailed: softFailReason !== null });
    if (softFailReason !== null) return { entry, softFailReason };
    if (current !== null) await this.noteRedaction(pdu, current.lookup);

    // Not soft-failed: it replaces the prev events it names among the forward extremities.
    const prevIds = new Set(pdu.prevEventIds);
    const remaining = head.extremities.filter((e) => !prevIds.has(e.eventId));
    const extremities = [{ eventId: pdu.eventId, depth: pdu.depth, stateGroup: after.group! }, ...remaining];
    sortExtremities(extremities);
    if (remaining.length === 0) {
      // The event is the only extremity: the current state is the state after it.
      if (beforeGroup === head.currentGroup || stateBefore.state === head.currentState) {
        if (pdu.isState()) markTouched(room, pdu.stateMapKey());
      } else {
        room.touched = "all";
      }
      room.head = { ...head, extremities, currentState: asGroupMap(after.state), currentGroup: after.group };
    } else {
      await this.moveHead(room, extremities);
    }
    room.extremitiesChanged = true;
    return { entry, softFailReason: null };
  }

  /** Each room's current-state change over the batch: key → new event, null when removed. */
  async currentStateChanges(): Promise<Map<string, Map<string, Pdu | null>>> {
    const out = new Map<string, Map<string, Pdu | null>>();
    for (const [roomId, room] of this.batch.rooms) {
      const start = room.start?.currentState ?? StateGroupMap.empty();
      const end = room.head.currentState;
      let delta: Map<string, string | null>;
      if (room.touched === "all") {
        delta = stateDelta(start, end);
      } else {
        delta = new Map();
        for (const key of room.touched) {
          const now = end.get(key) ?? null;
          if ((start.get(key) ?? null) !== now) delta.set(key, now);
        }
      }
      if (delta.size === 0) continue;
      const ids = [...delta.values()].filter((id): id is string => id !== null);
      const pdus = await this.pdus(ids);
      const byId = new Map(pdus.map((p) => [p.eventId, p]));
      const changes = new Map<string, Pdu | null>();
      for (const [key, eventId] of delta) changes.set(key, eventId === null ? null : byId.get(eventId) ?? null);
      out.set(roomId, changes);
    }
    return out;
  }

  /**
   * Marks the target of an accepted redaction as redacted, when the redaction applies: "servers
   * should only apply the redaction if the redaction event's sender's domain matches the
   * original event's sender domain, or the sender has the power level to redact" (v3+; in
   * v1–v2 the authorization rules already required this).
   * https://spec.matrix.org/v1.19/rooms/v11/#handling-redactions
   */
  private async noteRedaction(pdu: Pdu, state: AuthState): Promise<void> {
    if (pdu.type !== "m.room.redaction" || pdu.redacts === undefined) return;
    const target = await this.accessor.getEntry(pdu.redacts, this.batch.overlay);
    if (!target || target.pdu.roomId !== pdu.roomId) return;
    const sameServer = domainOf(target.pdu.sender) === domainOf(pdu.sender);
    if (sameServer || getUserPowerLevel(pdu.sender, state, pdu.rules) >= getNamedPowerLevel("redact", state, pdu.rules)) {
      this.batch.redactions.push({ eventId: target.pdu.eventId, redactedBy: pdu.eventId });
    }
  }

  /** Outliers of a room we have no row for yet (its version is known from the request). */
  private async ensureRoomRow(pdu: Pdu): Promise<void> {
    if (this.batch.newRooms.some((room) => room.roomId === pdu.roomId)) return;
    if ((await this.accessor.getRoomVersion(pdu.roomId)) !== null) return;
    const creator = pdu.type === "m.room.create" ? pdu.sender : "";
    this.batch.newRooms.push({ roomId: pdu.roomId, roomVersion: pdu.rules.id, creator, isPublic: false, createdTs: pdu.originServerTs });
  }

  private append(
    pdu: Pdu,
    groups: BatchEvent["groups"],
    txn?: BatchEvent["txn"],
    inbound?: { outlier: boolean; rejectedReason: string | null; softFailed?: boolean },
    json = JSON.stringify(pdu.json),
  ): BatchEvent {
    const entry: BatchEvent = {
      pdu,
      json,
      outlier: inbound?.outlier ?? false,
      rejectedReason: inbound?.rejectedReason ?? null,
      softFailed: inbound?.softFailed ?? false,
      groups,
      txn,
      streamOrdering: 0,
    };
    this.batch.add(entry);
    return entry;
  }

  /** The state after `pdu` given the state before: a one-entry delta group for state events. */
  private async stateAfter(pdu: Pdu, before: { group: number; state: ReadonlyMap<string, string> }): Promise<GroupedState> {
    if (!pdu.isState()) return before;
    const delta = new Map([[pdu.stateMapKey(), pdu.eventId]]);
    const state = asGroupMap(before.state).withDelta(delta);
    const group = await this.deps.stores.state.insertStateGroup(this.tx, pdu.roomId, before.group, delta, state);
    return { group, state };
  }

  /** New extremities that do not simply continue the old ones: resolve the current state. */
  private async moveHead(room: BatchRoom, extremities: Extremity[]): Promise<void> {
    const head = room.head;
    const states = await Promise.all(extremities.map(async (e) => ({ group: e.stateGroup, state: await this.groupState(e.stateGroup) })));
    const resolved = await this.resolver.resolveGroups(head.rules, states, this.batch.overlay);
    room.head = { ...head, extremities, currentState: asGroupMap(resolved.state), currentGroup: resolved.group };
    room.touched = "all";
  }

  private async resolveExtremities(head: RoomHead, prevs: readonly Extremity[]): Promise<GroupedState> {
    const states = await Promise.all(prevs.map(async (e) => ({ group: e.stateGroup, state: await this.groupState(e.stateGroup) })));
    return this.resolver.resolveGroups(head.rules, states, this.batch.overlay);
  }

  /** A group for a resolved current state, as a delta from the deepest extremity's state. */
  private async groupFor(head: RoomHead, state: ReadonlyMap<string, string>): Promise<number> {
    const group = await this.groupFrom(head.roomId, head.extremities[0]?.stateGroup ?? null, state);
    const room = this.batch.rooms.get(head.roomId);
    if (room && room.head.currentState === state) room.head = { ...room.head, currentGroup: group };
    return group;
  }

  private async groupFrom(roomId: string, baseGroup: number | null, state: ReadonlyMap<string, string>): Promise<number> {
    const full = asGroupMap(state);
    if (baseGroup === null) return this.deps.stores.state.insertStateGroup(this.tx, roomId, null, full, full);
    const base = await this.groupState(baseGroup);
    return this.deps.stores.state.insertStateGroup(this.tx, roomId, baseGroup, StateGroupMap.diff(base, full), full);
  }

  private groupState(group: number): Promise<StateGroupMap> {
    return this.deps.stores.state.selectStateGroup(group, this.tx);
  }

  /** The events of `keys` in `state`, as the authorization rules read them. */
  private async authState(state: ReadonlyMap<string, string>, keys: readonly string[]): Promise<{ lookup: AuthState; events: Map<string, Pdu> }> {
    const ids: string[] = [];
    for (const key of keys) {
      const eventId = state.get(key);
      if (eventId !== undefined) ids.push(eventId);
    }
    const entries = await this.accessor.getEntries(ids, this.batch.overlay);
    const events = new Map<string, Pdu>();
    for (const [eventId, entry] of entries) if (!entry.rejected) events.set(eventId, entry.pdu);
    const lookup: AuthState = (type, stateKey) => {
      const eventId = state.get(stateMapKey(type, stateKey));
      return eventId === undefined ? undefined : events.get(eventId);
    };
    return { lookup, events };
  }

  private async pdus(eventIds: readonly string[]): Promise<Pdu[]> {
    const entries = await this.accessor.getEntries(eventIds, this.batch.overlay);
    const out: Pdu[] = [];
    for (const eventId of eventIds) {
      const entry = entries.get(eventId);
      if (!entry) throw new Error(`event ${eventId} is not stored`);
      out.push(entry.pdu);
    }
    return out;
  }
}

function markTouched(room: BatchRoom, key: string): void {
  if (room.touched !== "all") room.touched.add(key);
}

function asGroupMap(state: ReadonlyMap<string, string>): StateGroupMap {
  return StateGroupMap.fromMap(state);
}

/** A local event must pass the same format checks as a received one (`encoded`: see checkPduFormat). */
function checkLocalFormat(pdu: Pdu, encoded: string | undefined): void {
  try {
    checkPduFormat(pdu.json, pdu.rules, encoded);
  } catch (err) {
    if (!(err instanceof PduFormatError)) throw err;
    if (/larger than/.test(err.message)) throw new MatrixError(413, ErrCode.TooLarge, err.message);
    throw new MatrixError(400, ErrCode.BadJson, err.message);
  }
}
