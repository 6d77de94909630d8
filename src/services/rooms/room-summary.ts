/**
 * A room's summary from its current state, shared by the published room directory
 * (`/publicRooms`), the space hierarchy (`/hierarchy`) and `GET /room_summary/{roomIdOrAlias}`;
 * and who may see it.
 * https://spec.matrix.org/v1.19/client-server-api/#room-summaries
 *
 * Only rooms this server holds are summarised: asking other servers (the `via` servers, the
 * federation `/hierarchy`) needs federation, which Hearth does not have yet, so a room we do not
 * hold reads as unknown (null).
 */
import type { PublicRoomsChunkJson } from "../../matrix/endpoints/client/room-directory.js";
import type { RoomSummaryJson, RoomSummaryResponseJson } from "../../matrix/endpoints/client/room-summary.js";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import { isJsonObject } from "../../room/is-json-object.js";
import type { RoomVersionRules } from "../../room/room-versions.js";
import type { CurrentStateStore } from "../../storage/stores/current-state-store.js";
import type { RoomStateReader } from "./room-collaborators.js";
import { historyVisibilityOf } from "./visibility.js";

export type { RoomSummaryJson, RoomSummaryResponseJson };

export type RoomSummaryStateReader = Pick<RoomStateReader, "getStateEvent" | "getRoomVersion">;

export interface RoomSummaryDeps {
  reader: RoomSummaryStateReader;
  members: Pick<CurrentStateStore, "selectRoomMembers">;
}

/** What a room's current state says about it: everything of its summary but the member count. */
export interface RoomSummaryState {
  summary: Omit<RoomSummaryJson, "num_joined_members">;
  /** The join rule as its room version understands it (`knock` in a v6 room is not knockable). */
  joinRule: "public" | "knock" | "knock_restricted" | "restricted" | "other";
}

/** The room's summary state, or null for a room this server does not hold. */
export async function readRoomSummaryState(reader: RoomSummaryStateReader, roomId: string): Promise<RoomSummaryState | null> {
  const state = (type: string) => reader.getStateEvent(roomId, type, "");
  const [create, name, topic, alias, avatar, joinRules, history, guests, encryption, rules] = await Promise.all([
    state("m.room.create"), state("m.room.name"), state("m.room.topic"), state("m.room.canonical_alias"), state("m.room.avatar"),
    state("m.room.join_rules"), state("m.room.history_visibility"), state("m.room.guest_access"), state("m.room.encryption"),
    reader.getRoomVersion(roomId),
  ]);
  if (create === null) return null;
  const summary: RoomSummaryState["summary"] = {
    room_id: roomId,
    world_readable: historyVisibilityOf(history) === "world_readable",
    guest_can_join: guests?.content.guest_access === "can_join",
  };
  const fields: Array<[keyof RoomSummaryJson, string | undefined]> = [
    ["name", text(name?.content.name)],
    ["topic", text(topic?.content.topic)],
    ["canonical_alias", text(alias?.content.alias)],
    ["avatar_url", text(avatar?.content.url)],
    ["join_rule", text(joinRules?.content.join_rule)],
    ["room_type", text(create.content.type)],
    ["encryption", text(encryption?.content.algorithm)],
    ["room_version", text(create.content.room_version) ?? "1"],
  ];
  for (const [key, value] of fields) if (value !== undefined) (summary as Record<string, unknown>)[key] = value;
  const joinRule = effectiveJoinRule(summary.join_rule, rules);
  if (joinRule === "restricted" || joinRule === "knock_restricted") {
    const allow = joinRules?.content.allow;
    summary.allowed_room_ids = (Array.isArray(allow) ? allow : [])
      .filter(isJsonObject)
      .filter((c) => c.type === "m.room_membership" && typeof c.room_id === "string")
      .map((c) => c.room_id as string);
  }
  return { summary, joinRule };
}

/** The room's full summary, or null for a room this server does not hold. */
export async function readRoomSummary(deps: RoomSummaryDeps, roomId: string): Promise<RoomSummaryJson | null> {
  const state = await readRoomSummaryState(deps.reader, roomId);
  return state === null ? null : withMemberCount(deps, state);
}

/** The summary with `num_joined_members` counted. */
export async function withMemberCount(deps: RoomSummaryDeps, state: RoomSummaryState): Promise<RoomSummaryJson> {
  const count = (await deps.members.selectRoomMembers(state.summary.room_id)).length;
  return { ...state.summary, num_joined_members: count };
}

/** The published-room chunk of a summary (`/publicRooms` predates the v1.15 fields). */
export function publicRoomsChunkOf(summary: RoomSummaryJson): PublicRoomsChunkJson {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the fields left out of the chunk
  const { allowed_room_ids, encryption, room_version, ...chunk } = summary;
  return chunk;
}

/**
 * Whether `userId` (null: an unauthenticated caller) may see the room's summary, and their
 * membership. The rules of `/hierarchy`: "The server should return any rooms where at least one
 * of the following conditions is true:
 * - The requesting user is currently a member (their room membership is `join`).
 * - The requesting user already has permission to join, i.e. one of the following:
 *   - The user's room membership is `invite`.
 *   - The room's join rules are set to `public`.
 *   - The room's join rules are set to `restricted`, provided the user meets one of the specified conditions.
 * - The room is "knockable" (the room's join rules are set to `knock`, or `knock_restricted`, in
 *   a room version that supports those settings).
 * - The room's `m.room.history_visibility` is set to `world_readable`."
 * `/room_summary` lets unauthenticated callers see the rooms that pass on the join rule or the
 * history visibility alone, and gives no more rules for the others, so it uses the same ones.
 */
export async function roomAccessOf(
  reader: Pick<RoomStateReader, "getStateEvent">,
  state: RoomSummaryState,
  userId: string | null,
): Promise<{ visible: boolean; membership: string | null }> {
  const open = state.summary.world_readable || state.joinRule === "public" || state.joinRule === "knock" || state.joinRule === "knock_restricted";
  if (userId === null) return { visible: open, membership: null };
  const membership = await membershipOf(reader, state.summary.room_id, userId);
  if (open || membership === "join" || membership === "invite") return { visible: true, membership };
  if (state.joinRule === "restricted") {
    for (const allowed of state.summary.allowed_room_ids ?? []) {
      if ((await membershipOf(reader, allowed, userId)) === "join") return { visible: true, membership };
    }
  }
  return { visible: false, membership };
}

/** `GET /room_summary/{roomIdOrAlias}`. */
export class RoomSummaryService {
  constructor(private readonly deps: RoomSummaryDeps) {}

  /**
   * The summary of `roomId` (an alias is resolved by the caller) with the caller's membership
   * ("leave" when they have none; absent for an unauthenticated caller), or 404 M_NOT_FOUND for a
   * room this server does not hold or the caller may not see: one answer for both, so that
   * private rooms are not revealed.
   */
  async getRoomSummary(roomId: string, userId: string | null): Promise<RoomSummaryResponseJson> {
    const state = await readRoomSummaryState(this.deps.reader, roomId);
    const access = state === null ? null : await roomAccessOf(this.deps.reader, state, userId);
    if (state === null || access === null || !access.visible) throw new MatrixError(404, ErrCode.NotFound, "Room not found or not accessible");
    const summary: RoomSummaryResponseJson = await withMemberCount(this.deps, state);
    if (access.membership !== null) summary.membership = access.membership;
    return summary;
  }
}

async function membershipOf(reader: Pick<RoomStateReader, "getStateEvent">, roomId: string, userId: string): Promise<string> {
  const membership = (await reader.getStateEvent(roomId, "m.room.member", userId))?.content.membership;
  return typeof membership === "string" ? membership : "leave";
}

/** The join rule, when the room version knows it (`rules.authorization`: STYLE.md habit 8). */
function effectiveJoinRule(joinRule: string | undefined, rules: RoomVersionRules | null): RoomSummaryState["joinRule"] {
  const auth = rules?.authorization;
  if (joinRule === "public") return "public";
  if (joinRule === "knock" && auth?.knockJoinRule) return "knock";
  if (joinRule === "knock_restricted" && auth?.knockRestrictedJoinRule) return "knock_restricted";
  if (joinRule === "restricted" && auth?.restrictedJoinRule) return "restricted";
  return "other";
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
