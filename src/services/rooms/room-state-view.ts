/**
 * Reading a room's state as a user: `/rooms/{roomId}/state`, `/state/{type}/{stateKey}`,
 * `/members` and `/joined_members`.
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv3roomsroomidstate
 *
 * "If the user is a member of the room this will be the current state of the room as a list of
 * events. If the user has left the room then this will be the state of the room when they left";
 * anyone may read a world-readable room's current state. Others get 403 M_FORBIDDEN.
 */
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { ClientEventJson, JsonObject } from "../../matrix/pdu-json.js";
import type { Pdu } from "../../room/pdu.js";
import { parseStateMapKey, stateMapKey } from "../../room/state-map.js";
import type { EventPersister } from "./event-persister.js";
import type { RoomEventSerializer } from "./room-event-serializer.js";
import { earlier, type RoomPositions } from "./room-positions.js";
import { isDeparted, type RoomAccess, type RoomVisibility } from "./visibility.js";
import type { EventsStore } from "../../storage/stores/events-store.js";

export type MembershipValue = "join" | "invite" | "knock" | "leave" | "ban";

export interface MembersQuery {
  /** A pagination token: the members at that point of the timeline. */
  at?: string;
  membership?: MembershipValue;
  notMembership?: MembershipValue;
}

export interface JoinedMemberJson {
  display_name?: string;
  avatar_url?: string;
}

export interface RoomStateViewDeps {
  reader: Pick<EventPersister, "getCurrentState" | "getStateAfter" | "getEvents">;
  events: Pick<EventsStore, "selectRedactedBy">;
  positions: RoomPositions;
  visibility: RoomVisibility;
  serializer: RoomEventSerializer;
}

export class RoomStateView {
  constructor(private readonly deps: RoomStateViewDeps) {}

  /** `GET /rooms/{roomId}/state`. */
  async getState(userId: string, roomId: string): Promise<ClientEventJson[]> {
    const state = await this.visibleState(userId, roomId);
    return this.serializeIds([...state.values()]);
  }

  /**
   * `GET /rooms/{roomId}/state/{eventType}/{stateKey}`: the content (redacted if the event was),
   * or with `format: "event"` the whole client event. 404 M_NOT_FOUND when there is no such state.
   */
  async getStateEvent(userId: string, roomId: string, type: string, stateKey: string, format: "content" | "event" = "content"): Promise<JsonObject | ClientEventJson> {
    const state = await this.visibleState(userId, roomId);
    const eventId = state.get(stateMapKey(type, stateKey));
    const [event] = eventId === undefined ? [] : await this.serializeIds([eventId]);
    if (!event) throw new MatrixError(404, ErrCode.NotFound, `The room has no ${type} state with key ${JSON.stringify(stateKey)}`);
    return format === "event" ? event : event.content;
  }

  /**
   * `GET /rooms/{roomId}/members`. "When specified alongside `not_membership`, the two parameters
   * create an 'or' condition: either the membership *is* the same as `membership` **or** *is not*
   * the same as `not_membership`."
   */
  async getMembers(userId: string, roomId: string, query: MembersQuery = {}): Promise<ClientEventJson[]> {
    const access = await this.deps.visibility.requireReadable(userId, roomId);
    let state = await this.stateFor(access, roomId);
    if (query.at !== undefined) {
      let position = await this.deps.positions.resolve(roomId, query.at);
      const departure = await this.deps.positions.readLimit(access);
      if (departure !== null) position = earlier(position, departure);
      const event = await this.deps.positions.eventBefore(roomId, position);
      state = event === null ? new Map() : ((await this.deps.reader.getStateAfter(event.eventId)) ?? new Map());
    }
    const memberIds: string[] = [];
    for (const [key, eventId] of state) if (parseStateMapKey(key).type === "m.room.member") memberIds.push(eventId);
    const events = await this.deps.reader.getEvents(memberIds);
    const { membership, notMembership } = query;
    const wanted = memberIds.map((id) => events.get(id)).filter((pdu): pdu is Pdu => {
      if (pdu === undefined) return false;
      if (membership === undefined && notMembership === undefined) return true;
      const value = typeof pdu.content.membership === "string" ? pdu.content.membership : "leave";
      return (membership !== undefined && value === membership) || (notMembership !== undefined && value !== notMembership);
    });
    return this.deps.serializer.serialize(wanted);
  }

  /** `GET /rooms/{roomId}/joined_members`: "The current user must be in the room for it to work". */
  async getJoinedMembers(userId: string, roomId: string): Promise<Record<string, JoinedMemberJson>> {
    const access = await this.deps.visibility.getRoomAccess(userId, roomId);
    if (access.membership !== "join") throw new MatrixError(403, ErrCode.Forbidden, "You aren't a member of the room");
    const memberIds: string[] = [];
    for (const [key, eventId] of await this.deps.reader.getCurrentState(roomId)) {
      if (parseStateMapKey(key).type === "m.room.member") memberIds.push(eventId);
    }
    const events = await this.deps.reader.getEvents(memberIds);
    const redacted = await this.deps.events.selectRedactedBy(memberIds);
    const joined: Record<string, JoinedMemberJson> = {};
    for (const id of memberIds) {
      const pdu = events.get(id);
      if (pdu?.stateKey === undefined || pdu.content.membership !== "join") continue;
      const member: JoinedMemberJson = {};
      if (!redacted.has(id)) {
        if (typeof pdu.content.displayname === "string") member.display_name = pdu.content.displayname;
        if (typeof pdu.content.avatar_url === "string") member.avatar_url = pdu.content.avatar_url;
      }
      joined[pdu.stateKey] = member;
    }
    return joined;
  }

  /** The state the user may read: current, or as it was when they left. */
  private async visibleState(userId: string, roomId: string): Promise<ReadonlyMap<string, string>> {
    return this.stateFor(await this.deps.visibility.requireReadable(userId, roomId), roomId);
  }

  private async stateFor(access: RoomAccess, roomId: string): Promise<ReadonlyMap<string, string>> {
    if (access.membership === "join" || access.worldReadable || !isDeparted(access)) return this.deps.reader.getCurrentState(roomId);
    return (await this.deps.reader.getStateAfter(access.memberEvent!.eventId)) ?? new Map();
  }

  private async serializeIds(ids: readonly string[]): Promise<ClientEventJson[]> {
    const events = await this.deps.reader.getEvents(ids);
    return this.deps.serializer.serialize(ids.map((id) => events.get(id)).filter((pdu): pdu is Pdu => pdu !== undefined));
  }
}
