/**
 * What push rules need to know of a room at the state before an event: how many members are
 * joined (`room_member_count`), which local users are joined (whose rules to evaluate, and
 * their member events for `contains_display_name`), and the create and power levels events
 * (`sender_notification_permission`).
 *
 * Reading a room state from scratch reads every member of the room (memberships from
 * room_memberships, without parsing member events). The worker follows each room's events in
 * order, and the state after a state event is the state before it plus that event, so each
 * room keeps one state, known by its state group, that the worker moves forward in place after
 * each state event (recordAfter): a join costs O(1), whatever the size of the room. A state
 * group that is not the one kept (a fork, a restart, a room evicted from memory) is read from
 * scratch and kept instead.
 */
import type { EntityManager } from "typeorm";
import type { RoomVersionRules } from "../../room/room-versions.js";
import type { Pdu } from "../../room/pdu.js";
import { getUserPowerLevel, parsePowerLevel } from "../../room/auth/power-levels.js";
import { isJsonObject } from "../../room/is-json-object.js";
import { parseStateMapKey, stateMapKey } from "../../room/state-map.js";
import { LruCache } from "../../storage/lru-cache.js";
import type { StateStore } from "../../storage/stores/state-store.js";
import type { SyncStore } from "../../storage/stores/sync-store.js";

const MEMBER = "m.room.member";
const MEMBER_PREFIX = `${MEMBER}\u0000`;
const CREATE_KEY = stateMapKey("m.room.create", "");
const POWER_LEVELS_KEY = stateMapKey("m.room.power_levels", "");
/** "the `notifications` object … `room`: The level required to trigger an @room notification. Defaults to 50." */
const DEFAULT_NOTIFICATION_LEVEL = 50;

/**
 * A room's state, as push rules see it. Valid until the next recordAfter of its room, which
 * moves it forward in place.
 */
export interface RoomPushState {
  readonly rules: RoomVersionRules;
  readonly joinedCount: number;
  /** Local users joined, each with their member event's ID. */
  readonly localMembers: ReadonlyMap<string, string>;
  readonly create: Pdu | undefined;
  readonly powerLevels: Pdu | undefined;
}

interface KeptState {
  rules: RoomVersionRules;
  joinedCount: number;
  localMembers: Map<string, string>;
  create: Pdu | undefined;
  powerLevels: Pdu | undefined;
}

/**
 * Where reads go: by default the committed data; inside a transaction that writes events (the
 * event persister's, see PushActionsWorker.stage), that transaction and its events too.
 */
export interface PushReads {
  readonly em?: EntityManager;
  readonly events?: { getEvents(eventIds: Iterable<string>): Promise<Map<string, Pdu>> };
  /** The room's version when the caller knows it (its events carry it): no read then. */
  readonly rules?: RoomVersionRules;
}

export interface RoomPushStatesDeps {
  serverName: string;
  state: Pick<StateStore, "selectStateGroup">;
  memberships: Pick<SyncStore, "selectMembershipsByEventIds">;
  events: { getEvents(eventIds: Iterable<string>): Promise<Map<string, Pdu>> };
  roomVersion(roomId: string): Promise<RoomVersionRules | null>;
  /** Rooms whose state is kept in memory; default 2,000. */
  capacity?: number;
}

export class RoomPushStates {
  private readonly rooms: LruCache<string, { group: number; state: KeptState }>;
  private readonly localSuffix: string;

  constructor(private readonly deps: RoomPushStatesDeps) {
    this.rooms = new LruCache(deps.capacity ?? 2_000);
    this.localSuffix = `:${deps.serverName}`;
  }

  isLocal(userId: string): boolean {
    return userId.endsWith(this.localSuffix);
  }

  /** The room's state as of state group `group`, or null for a room of unknown version. */
  async at(group: number, roomId: string, reads: PushReads = {}): Promise<RoomPushState | null> {
    const kept = this.rooms.get(roomId);
    if (kept?.group === group) return kept.state;
    const state = await this.build(group, roomId, reads);
    if (state !== null) this.rooms.set(roomId, { group, state });
    return state;
  }

  /**
   * Moves the room's kept state past the state event `pdu`, from group `groups.before` (the
   * state `at` gave for it) to `groups.after`, if the group after is "before plus `pdu`", as it
   * always is for an accepted state event; otherwise the next `at` reads its group from scratch.
   */
  async recordAfter(pdu: Pdu, groups: { readonly before: number; readonly after: number }, reads: PushReads = {}): Promise<void> {
    const kept = this.rooms.get(pdu.roomId);
    if (pdu.stateKey === undefined || groups.after === groups.before || kept?.group !== groups.before) return;
    const key = stateMapKey(pdu.type, pdu.stateKey);
    if ((await this.deps.state.selectStateGroup(groups.after, reads.em)).get(key) !== pdu.eventId) {
      this.rooms.delete(pdu.roomId);
      return;
    }
    const { state } = kept;
    if (pdu.type === "m.room.power_levels" && pdu.stateKey === "") {
      state.powerLevels = pdu;
    } else if (pdu.type === MEMBER) {
      const userId = pdu.stateKey;
      const local = this.isLocal(userId);
      const joins = pdu.content.membership === "join";
      const wasJoined = local ? state.localMembers.has(userId) : await this.wasJoined(groups.before, key, reads);
      state.joinedCount += (joins ? 1 : 0) - (wasJoined ? 1 : 0);
      if (local && joins) state.localMembers.set(userId, pdu.eventId);
      else if (local) state.localMembers.delete(userId);
    }
    kept.group = groups.after;
  }

  /**
   * Drops what is kept of `roomId`: after a transaction that moved it forward rolled back, its
   * groups may not exist (and SQLite may give their IDs to others).
   */
  forget(roomId: string): void {
    this.rooms.delete(roomId);
  }

  /** Whether the member event at `key` in group `group` is a join. */
  private async wasJoined(group: number, key: string, reads: PushReads): Promise<boolean> {
    const previousId = (await this.deps.state.selectStateGroup(group, reads.em)).get(key);
    if (previousId === undefined) return false;
    const known = (await this.deps.memberships.selectMembershipsByEventIds([previousId], reads.em)).get(previousId);
    if (known !== undefined) return known.membership === "join";
    return (await (reads.events ?? this.deps.events).getEvents([previousId])).get(previousId)?.content.membership === "join";
  }

  private async build(group: number, roomId: string, reads: PushReads): Promise<KeptState | null> {
    const rules = reads.rules ?? (await this.deps.roomVersion(roomId));
    if (rules === null) return null;
    const map = await this.deps.state.selectStateGroup(group, reads.em);
    const memberOf = new Map<string, string>();
    for (const [key, eventId] of map) if (key.startsWith(MEMBER_PREFIX)) memberOf.set(eventId, parseStateMapKey(key).stateKey);
    const memberships = await this.deps.memberships.selectMembershipsByEventIds([...memberOf.keys()], reads.em);
    const unknown: string[] = [];
    for (const eventId of memberOf.keys()) if (!memberships.has(eventId)) unknown.push(eventId);
    const createId = map.get(CREATE_KEY);
    const powerLevelsId = map.get(POWER_LEVELS_KEY);
    const wanted = [...unknown];
    if (createId !== undefined) wanted.push(createId);
    if (powerLevelsId !== undefined) wanted.push(powerLevelsId);
    const events = await (reads.events ?? this.deps.events).getEvents(wanted);
    let joinedCount = 0;
    const localMembers = new Map<string, string>();
    for (const [eventId, userId] of memberOf) {
      const membership = memberships.get(eventId)?.membership ?? events.get(eventId)?.content.membership;
      if (membership !== "join") continue;
      joinedCount++;
      if (this.isLocal(userId)) localMembers.set(userId, eventId);
    }
    return {
      rules,
      joinedCount,
      localMembers,
      create: createId === undefined ? undefined : events.get(createId),
      powerLevels: powerLevelsId === undefined ? undefined : events.get(powerLevelsId),
    };
  }
}

/**
 * `sender_notification_permission`: whether the sender's power level reaches the level of
 * `key` in the power levels' `notifications` (50 when unset). Memoized per key: one event.
 */
export function notificationPermission(state: RoomPushState, sender: string): (key: string) => boolean {
  let senderLevel: number | null = null;
  return (key) => {
    senderLevel ??= getUserPowerLevel(sender, (type, stateKey) => lookup(state, type, stateKey), state.rules);
    const notifications = state.powerLevels?.content.notifications;
    const required = isJsonObject(notifications) && Object.hasOwn(notifications, key) ? parsePowerLevel(notifications[key], state.rules) : null;
    return senderLevel >= (required ?? DEFAULT_NOTIFICATION_LEVEL);
  };
}

function lookup(state: RoomPushState, type: string, stateKey: string): Pdu | undefined {
  if (stateKey !== "") return undefined;
  if (type === "m.room.create") return state.create;
  if (type === "m.room.power_levels") return state.powerLevels;
  return undefined;
}
