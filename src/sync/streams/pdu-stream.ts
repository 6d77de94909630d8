/**
 * The room stream provider: `rooms.join`, `rooms.invite`, `rooms.leave` and `rooms.knock`.
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3sync
 *
 * One sync, in batched steps: plan the rooms from the user's membership history
 * (room-plans.ts), pick the timelines (room-timelines.ts: one read for every room), find the
 * states each room's sections are computed from (one read of state groups, maps from the shared
 * cache), summaries (cached by state group), the state events to send (room-state-sections.ts),
 * then ONE read for every event not in memory, and serialize.
 *
 * `unread_notifications` are filled in after every provider (sync-unread-counts.ts).
 */
import type { JoinedRoomJson, LeftRoomJson, SyncEventJson, TimelineJson } from "../../matrix/endpoints/client/sync.js";
import type { StrippedStateJson } from "../../matrix/pdu-json.js";
import { isJsonObject } from "../../room/is-json-object.js";
import type { Pdu } from "../../room/pdu.js";
import { stateMapKey } from "../../room/state-map.js";
import type { BundledAggregations, EventBundle } from "../../services/rooms/bundled-aggregations.js";
import type { MembershipRow, SyncStore } from "../../storage/stores/sync-store.js";
import { TopologyToken } from "../topology-token.js";
import { EventSerializer } from "../sync-client-events.js";
import type { SyncEvent, SyncEventCache } from "../sync-event-cache.js";
import type { LazyMemberCache } from "../sync-lazy-members.js";
import type { SyncStateReader } from "../sync-state.js";
import { planIncrementalSync, planInitialSync, type PlanOptions, type RoomPlans } from "./room-plans.js";
import { chooseStateEvents, type RoomStatePoints } from "./room-state-sections.js";
import { summaryFor, type RoomSummaries, type RoomSummaryInfo } from "./room-summaries.js";
import type { SelectedTimeline, TimelineSelector } from "./room-timelines.js";
import type { StreamProvider, SyncContext } from "./stream-provider.js";

export interface PduStreamDeps {
  /** The latest pdu position the notifier announced (every event up to it is committed). */
  position(): number;
  store: Pick<SyncStore, "selectLatestEventsInRooms" | "selectTxnIdsOfDevice">;
  events: SyncEventCache;
  state: SyncStateReader;
  timelines: TimelineSelector;
  summaries: RoomSummaries;
  lazyMembers: LazyMemberCache;
  /** Rooms the user forgot: room ID → the membership event forgotten at. Default: none. */
  forgottenRooms?: (userId: string) => Promise<ReadonlyMap<string, string>>;
  /** Bundled aggregations of limited timelines. Default: none. */
  aggregations?: Pick<BundledAggregations, "bundle">;
}

/** Types whose change alters a room's summary. */
const SUMMARY_TYPES = new Set(["m.room.member", "m.room.name", "m.room.canonical_alias"]);
const NO_FORGOTTEN: ReadonlyMap<string, string> = new Map();

interface RoomWork {
  readonly timeline: SelectedTimeline;
  points: RoomStatePoints;
  summaryGroup: number | null;
  summary: RoomSummaryInfo | null;
  stateIds: string[];
  /** For each timeline state event, the state event it replaced. */
  replaces: Map<string, string>;
}

export class PduStreamProvider implements StreamProvider {
  readonly stream = "pdu" as const;

  constructor(private readonly deps: PduStreamDeps) {}

  latestPosition(): number {
    return this.deps.position();
  }

  async completeSync(ctx: SyncContext): Promise<void> {
    const { request } = ctx;
    if (request.filter.lazyLoadMembers) this.deps.lazyMembers.reset(request.userId, request.deviceId);
    const forgotten = request.filter.includeLeave && this.deps.forgottenRooms ? await this.deps.forgottenRooms(request.userId) : NO_FORGOTTEN;
    await this.build(ctx, planInitialSync(ctx.memberships, ctx.to.pdu, this.planOptions(ctx, forgotten)));
  }

  async incrementalSync(ctx: SyncContext, from: number, to: number): Promise<void> {
    await this.build(ctx, planIncrementalSync(ctx.memberships, from, to, this.planOptions(ctx, NO_FORGOTTEN)));
  }

  private planOptions(ctx: SyncContext, forgotten: ReadonlyMap<string, string>): PlanOptions {
    return { filter: ctx.request.filter, ignoredUsers: ctx.ignoredUsers, fullState: ctx.request.fullState, forgotten };
  }

  private async build(ctx: SyncContext, plans: RoomPlans): Promise<void> {
    const { request } = ctx;
    const selected = await this.deps.timelines.select(plans.timelines, {
      userId: request.userId,
      filter: request.filter,
      ignoredUsers: ctx.ignoredUsers,
      memberships: ctx.memberships,
    });
    // A room the client has, where nothing happened since `since`, is not part of the response.
    const rooms: RoomWork[] = selected
      .filter((t) => t.latest !== null || t.plan.stateMode === "full" || t.plan.section === "leave")
      .map((timeline) => ({ timeline, points: { start: null, end: null, since: null }, summaryGroup: null, summary: null, stateIds: [], replaces: new Map() }));
    await this.loadStatePoints(rooms, request.useStateAfter);
    await this.loadSummaries(rooms);
    const stateOptions = { userId: request.userId, deviceId: request.deviceId, filter: request.filter, useStateAfter: request.useStateAfter, lazyMembers: this.deps.lazyMembers };
    const wanted = new Set<string>();
    for (const room of rooms) {
      const heroes = room.summary !== null && request.filter.lazyLoadMembers ? summaryFor(room.summary, request.userId)["m.heroes"] ?? [] : [];
      room.stateIds = chooseStateEvents(room.timeline, room.points, heroes, stateOptions);
      for (const id of room.stateIds) wanted.add(id);
      this.findReplacedState(room);
      for (const id of room.replaces.values()) wanted.add(id);
    }
    for (const row of plans.invites) wanted.add(row.eventId);
    for (const row of plans.knocks) wanted.add(row.eventId);
    const loaded = await this.deps.events.getMany(wanted);
    await this.loadTxnIds(ctx, rooms);
    const redactionIds = new Set<string>();
    const note = (event: SyncEvent | undefined): void => {
      if (event?.redactedBy != null) redactionIds.add(event.redactedBy);
    };
    for (const room of rooms) for (const event of room.timeline.events) note(event);
    for (const event of loaded.values()) note(event);
    const redactions = await this.deps.events.getMany(redactionIds);

    const bundles = await this.bundles(request.userId, ctx.ignoredUsers, rooms);
    const serializer = new EventSerializer({ userId: request.userId, deviceId: request.deviceId, filter: request.filter, now: ctx.now, redactions, bundles });
    for (const room of rooms) this.writeRoom(ctx, room, loaded, serializer);
    this.writeStripped(ctx, plans.invites, loaded, "invite_room_state");
    this.writeStripped(ctx, plans.knocks, loaded, "knock_room_state");

    const joined: string[] = [];
    const newlyJoined = new Set<string>();
    const left: string[] = [];
    for (const plan of plans.timelines) {
      if (plan.section === "leave") {
        left.push(plan.roomId);
        continue;
      }
      joined.push(plan.roomId);
      if (plan.after === null) newlyJoined.add(plan.roomId);
    }
    ctx.rooms = { joined, newlyJoined, left };
  }

  /**
   * Bundled aggregations of the timeline events of limited timelines, in one read: "`GET /sync`
   * when the relevant section has a `limited` value of `true`" (the client saw the rest arrive).
   * https://spec.matrix.org/v1.19/client-server-api/#aggregations-of-child-events
   *
   * A joined user may see every event bundled. In the rooms the user has left, a thread's latest
   * reply or an edit may have come after they left, so those bundles are checked against history
   * visibility (a second read, for the left rooms only: rare, and not on the hot path).
   */
  private async bundles(userId: string, ignored: ReadonlySet<string>, rooms: readonly RoomWork[]): Promise<ReadonlyMap<string, EventBundle>> {
    const aggregations = this.deps.aggregations;
    if (aggregations === undefined) return new Map();
    const pdus = { joined: [] as Pdu[], left: [] as Pdu[] };
    const redacted = new Set<string>();
    for (const room of rooms) {
      if (!room.timeline.limited) continue;
      const into = room.timeline.plan.section === "leave" ? pdus.left : pdus.joined;
      for (const event of room.timeline.events) {
        into.push(event.pdu);
        if (event.redactedBy !== null) redacted.add(event.pdu.eventId);
      }
    }
    const joined = pdus.joined.length === 0 ? new Map<string, EventBundle>() : await aggregations.bundle(userId, pdus.joined, { redacted, ignored });
    if (pdus.left.length === 0) return joined;
    const left = await aggregations.bundle(userId, pdus.left, { redacted, ignored, checkVisibility: true });
    return new Map([...joined, ...left]);
  }

  /** The states each room's sections start from, end at and (for a delta) compare with. */
  private async loadStatePoints(rooms: readonly RoomWork[], useStateAfter: boolean): Promise<void> {
    const ids = new Set<string>();
    const sinceRanges: { roomId: string; after: null; upTo: number }[] = [];
    const latestRanges: { roomId: string; after: null; upTo: number }[] = [];
    for (const { timeline: t } of rooms) {
      const first = t.events[0];
      if (first !== undefined) {
        ids.add(first.pdu.eventId);
        ids.add(t.events[t.events.length - 1]!.pdu.eventId);
      } else if (t.latest !== null) {
        ids.add(t.latest.pdu.eventId);
      } else if (t.plan.stateMode === "full") {
        latestRanges.push({ roomId: t.plan.roomId, after: null, upTo: t.plan.upTo });
      }
      if (needsDelta(t, useStateAfter)) {
        if (t.complete && t.earliest !== null) ids.add(t.earliest.pdu.eventId);
        else sinceRanges.push({ roomId: t.plan.roomId, after: null, upTo: t.plan.since! });
      }
    }
    const [sinceRows, latestRows] = await Promise.all([
      this.deps.store.selectLatestEventsInRooms(sinceRanges, 1),
      this.deps.store.selectLatestEventsInRooms(latestRanges, 1),
    ]);
    for (const rows of [sinceRows, latestRows]) for (const [, [row]] of rows) if (row !== undefined) ids.add(row.eventId);
    const groups = await this.deps.state.groupsOf(ids);
    const stateOf = async (eventId: string | undefined, side: "before" | "after"): Promise<{ group: number; map: ReadonlyMap<string, string> } | null> => {
      const g = eventId === undefined ? undefined : groups.get(eventId);
      if (g === undefined) return null;
      const group = side === "before" ? g.before : g.after;
      return { group, map: await this.deps.state.state(group) };
    };
    for (const room of rooms) {
      const t = room.timeline;
      const first = t.events[0];
      const last = t.events[t.events.length - 1];
      const fallback = t.latest?.pdu.eventId ?? latestRows.get(t.plan.roomId)?.[0]?.eventId;
      const start = first !== undefined ? await stateOf(first.pdu.eventId, "before") : await stateOf(fallback, "after");
      const end = last !== undefined ? await stateOf(last.pdu.eventId, "after") : start;
      let since: ReadonlyMap<string, string> | null = null;
      if (needsDelta(t, useStateAfter)) {
        const at = t.complete && t.earliest !== null
          ? await stateOf(t.earliest.pdu.eventId, "before")
          : await stateOf(sinceRows.get(t.plan.roomId)?.[0]?.eventId, "after");
        since = at?.map ?? new Map();
      }
      room.points = { start: start?.map ?? null, end: end?.map ?? null, since };
      room.summaryGroup = t.plan.section === "join" && needsSummary(t) ? (end?.group ?? null) : null;
    }
  }

  private async loadSummaries(rooms: readonly RoomWork[]): Promise<void> {
    const groups: number[] = [];
    for (const room of rooms) if (room.summaryGroup !== null) groups.push(room.summaryGroup);
    if (groups.length === 0) return;
    const infos = await this.deps.summaries.forGroups(groups);
    for (const room of rooms) if (room.summaryGroup !== null) room.summary = infos.get(room.summaryGroup) ?? null;
  }

  /** The state event each timeline state event replaced, following the timeline from its start state. */
  private findReplacedState(room: RoomWork): void {
    const start = room.points.start;
    const overlay = new Map<string, string>();
    for (const event of room.timeline.events) {
      const pdu = event.pdu;
      if (pdu.stateKey === undefined) continue;
      const key = stateMapKey(pdu.type, pdu.stateKey);
      const previous = overlay.get(key) ?? start?.get(key);
      if (previous !== undefined && previous !== pdu.eventId) room.replaces.set(pdu.eventId, previous);
      overlay.set(key, pdu.eventId);
    }
  }

  /** `transaction_id`s of the user's own events from this device that the window did not resolve. */
  private async loadTxnIds(ctx: SyncContext, rooms: readonly RoomWork[]): Promise<void> {
    const { userId, deviceId } = ctx.request;
    if (deviceId === null) return;
    const unknown: SyncEvent[] = [];
    for (const room of rooms) {
      for (const event of room.timeline.events) if (event.txn === undefined && event.pdu.sender === userId) unknown.push(event);
    }
    if (unknown.length === 0) return;
    const txns = await this.deps.store.selectTxnIdsOfDevice(userId, deviceId, unknown.map((e) => e.pdu.eventId));
    for (const event of unknown) {
      const txnId = txns.get(event.pdu.eventId);
      // Found: this device sent it. Not found: another device may have; leave it unknown.
      if (txnId !== undefined) event.txn = { deviceId, txnId };
    }
  }

  private writeRoom(ctx: SyncContext, room: RoomWork, loaded: ReadonlyMap<string, SyncEvent>, serializer: EventSerializer): void {
    const { request, result } = ctx;
    const t = room.timeline;
    const { filter, userId, deviceId } = request;
    const roomId = t.plan.roomId;
    const membershipAt = (event: SyncEvent): string => t.history.at(event.streamOrdering);
    const timelineJson: SyncEventJson[] = [];
    for (const event of t.events) {
      const replaced = room.replaces.get(event.pdu.eventId);
      timelineJson.push(serializer.serialize(event, { membership: membershipAt(event), replaces: replaced === undefined ? undefined : loaded.get(replaced) }));
    }
    const stateEvents: SyncEvent[] = [];
    for (const id of room.stateIds) {
      const event = loaded.get(id);
      if (event === undefined) continue;
      const pdu = event.pdu;
      if (!filter.state.matches({ type: pdu.type, sender: pdu.sender, room_id: roomId, content: pdu.content })) continue;
      stateEvents.push(event);
    }
    stateEvents.sort((a, b) => a.streamOrdering - b.streamOrdering);
    const stateJson = stateEvents.map((event) => serializer.serialize(event, { membership: membershipAt(event) }));
    if (filter.lazyLoadMembers) {
      for (const event of [...stateEvents, ...t.events]) {
        const pdu = event.pdu;
        if (pdu.type === "m.room.member" && pdu.stateKey !== undefined) this.deps.lazyMembers.markSent(userId, deviceId, roomId, pdu.stateKey, pdu.eventId);
      }
    }
    const timeline: TimelineJson = { events: timelineJson, limited: t.limited };
    const prevBatch = prevBatchOf(t);
    if (prevBatch !== null) timeline.prev_batch = prevBatch;
    const stateKey = request.useStateAfter ? "state_after" : "state";
    if (t.plan.section === "leave") {
      const left: LeftRoomJson = { timeline, [stateKey]: { events: stateJson }, account_data: { events: [] } };
      result.leave.set(roomId, left);
      return;
    }
    const joined: JoinedRoomJson = result.joinedRoom(roomId);
    joined.timeline = timeline;
    joined[stateKey] = { events: stateJson };
    if (room.summary !== null) joined.summary = summaryFor(room.summary, userId);
    if (t.plan.stateMode === "full") result.keepJoinedRoom(roomId);
  }

  /** Invited and knocked rooms: the stripped state the member event carries, plus the event itself. */
  private writeStripped(ctx: SyncContext, rows: readonly MembershipRow[], loaded: ReadonlyMap<string, SyncEvent>, field: "invite_room_state" | "knock_room_state"): void {
    for (const row of rows) {
      const event = loaded.get(row.eventId);
      if (event === undefined) continue;
      const pdu = event.pdu;
      const events: StrippedStateJson[] = [];
      const carried = pdu.json.unsigned?.[field];
      if (Array.isArray(carried)) {
        for (const item of carried) {
          if (isJsonObject(item) && typeof item.type === "string" && typeof item.state_key === "string" && typeof item.sender === "string" && isJsonObject(item.content)) {
            events.push({ type: item.type, state_key: item.state_key, sender: item.sender, content: item.content });
          }
        }
      }
      events.push({ type: pdu.type, state_key: pdu.stateKey ?? "", sender: pdu.sender, content: pdu.content });
      if (field === "invite_room_state") ctx.result.invite.set(row.roomId, { invite_state: { events } });
      else ctx.result.knock.set(row.roomId, { knock_state: { events } });
    }
  }
}

/**
 * A delta is needed when the timeline does not start right after `since` (events were left out
 * by the limit or the filter) or, for `state_after`, when the timeline changes state.
 */
function needsDelta(t: SelectedTimeline, useStateAfter: boolean): boolean {
  if (t.plan.stateMode !== "delta" || t.latest === null) return false;
  if (t.events[0] !== t.earliest || !t.complete) return true;
  return useStateAfter && t.events.some((event) => event.pdu.stateKey !== undefined);
}

/** Summaries go with a room sent in full, or when its members, name or alias changed. */
function needsSummary(t: SelectedTimeline): boolean {
  if (t.plan.stateMode === "full" || t.limited || t.events[0] !== t.earliest) return true;
  return t.events.some((event) => event.pdu.stateKey !== undefined && SUMMARY_TYPES.has(event.pdu.type));
}

/**
 * A /messages token for the events before the timeline: its first event's position (pagination
 * backwards from it returns what precedes it), or just after the newest event when the timeline
 * is empty.
 */
function prevBatchOf(t: SelectedTimeline): string | null {
  const first = t.events[0];
  if (first !== undefined) return new TopologyToken(first.topologicalOrdering, first.streamOrdering).toString();
  if (t.latest !== null) return new TopologyToken(t.latest.topologicalOrdering, t.latest.streamOrdering + 1).toString();
  return null;
}
