/**
 * The space hierarchy: `GET /_matrix/client/v1/rooms/{roomId}/hierarchy`.
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1roomsroomidhierarchy
 *
 * "Paginates over the space tree in a depth-first manner to locate child rooms of a given
 * space. […] Only `m.space.child` state events of the room are considered." The walk is a
 * pre-order depth-first walk: a room, then each of its children (in the spec's order of children)
 * with that child's own subtree before the next child. Each room is taken once: "Though
 * prohibited, it is still possible for loops to occur. Servers should gracefully break loops",
 * and a room listed under several spaces appears under the first one reached.
 *
 * A room is listed, and its children walked, when the user may see it (room-summary.ts
 * `roomAccessOf`: joined, invited, a public or knockable join rule, a restricted one whose
 * conditions the user meets, or a world-readable history); the requested room itself must be
 * visible, else 403 M_FORBIDDEN ("The user cannot view or peek on the room").
 *
 * Rooms this server does not hold are left out: "Where a child room is unknown to the local
 * server, federation is used to fill in the details" — Hearth has no federation client yet, so
 * such children appear only in their parent's `children_state`.
 *
 * Only space-rooms (`room_type` `m.space`) have children: for other rooms `children_state` "should
 * be empty".
 *
 * Pagination: the `from` token holds the walk's parameters and how many rooms it had taken off
 * its stack (space-hierarchy-token.ts); `next_batch` is given only when a room is left to list. A page walks again from the root, skipping that many
 * rooms without summarising them (their state is read from the persister's in-memory current
 * state); so a change to the tree between pages may move the page boundary by the rooms added or
 * removed before it, as offsets do in `/publicRooms`.
 */
import type { SpaceHierarchyQuery, SpaceHierarchyResponseJson, SpaceHierarchyRoomJson, StrippedChildStateJson } from "../../matrix/endpoints/client/space-hierarchy.js";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { Pdu } from "../../room/pdu.js";
import { parseStateMapKey } from "../../room/state-map.js";
import type { EventPersister } from "./event-persister.js";
import { readRoomSummaryState, roomAccessOf, withMemberCount, type RoomSummaryDeps } from "./room-summary.js";
import { readHierarchyToken, writeHierarchyToken, type HierarchyWalkParams } from "./space-hierarchy-token.js";

export type { SpaceHierarchyResponseJson };

export interface SpaceHierarchyDeps extends RoomSummaryDeps {
  reader: Pick<EventPersister, "getStateEvent" | "getRoomVersion" | "getCurrentState" | "getEvents">;
}

/** "Servers should apply a default value, and impose a maximum value to avoid resource exhaustion." */
export const HIERARCHY_DEFAULT_LIMIT = 50;
export const HIERARCHY_MAX_LIMIT = 100;
export const HIERARCHY_MAX_DEPTH = 50;

/** `order` "Must consist of ASCII characters within the range `\x20` (space) and `\x7E` (`~`), inclusive. Must not exceed 50 characters." */
const VALID_ORDER = /^[\x20-\x7E]{1,50}$/;

interface StackEntry {
  roomId: string;
  depth: number;
}

export class SpaceHierarchyService {
  constructor(private readonly deps: SpaceHierarchyDeps) {}

  /** One page of the hierarchy under `roomId`, as `userId` may see it. */
  async getHierarchy(userId: string, roomId: string, query: SpaceHierarchyQuery): Promise<SpaceHierarchyResponseJson> {
    if (query.limit !== undefined && query.limit <= 0) throw new MatrixError(400, ErrCode.InvalidParam, "limit must be an integer greater than zero");
    if (query.max_depth !== undefined && query.max_depth < 0) throw new MatrixError(400, ErrCode.InvalidParam, "max_depth must be a non-negative integer");
    const limit = Math.min(query.limit ?? HIERARCHY_DEFAULT_LIMIT, HIERARCHY_MAX_LIMIT);
    const params: HierarchyWalkParams = {
      roomId,
      suggestedOnly: query.suggested_only ?? false,
      maxDepth: Math.min(query.max_depth ?? HIERARCHY_MAX_DEPTH, HIERARCHY_MAX_DEPTH),
    };
    const skip = query.from === undefined ? 0 : readHierarchyToken(query.from, params);

    const rooms: SpaceHierarchyRoomJson[] = [];
    const stack: StackEntry[] = [{ roomId, depth: 0 }];
    const taken = new Set<string>();
    let position = 0;
    while (stack.length > 0 && rooms.length < limit) {
      const entry = stack.pop()!;
      if (taken.has(entry.roomId)) continue;
      taken.add(entry.roomId);
      position++;
      const state = await readRoomSummaryState(this.deps.reader, entry.roomId);
      if (state === null || !(await roomAccessOf(this.deps.reader, state, userId)).visible) {
        if (entry.depth === 0) throw new MatrixError(403, ErrCode.Forbidden, "You are not allowed to view this room.");
        continue;
      }
      // "If the room is not a space-room, this should be empty."
      const children = state.summary.room_type === "m.space" ? await this.childrenOf(entry.roomId, params.suggestedOnly) : [];
      if (position > skip) rooms.push({ ...(await withMemberCount(this.deps, state)), children_state: children });
      if (entry.depth < params.maxDepth) {
        for (let i = children.length - 1; i >= 0; i--) stack.push({ roomId: children[i]!.state_key, depth: entry.depth + 1 });
      }
    }
    const response: SpaceHierarchyResponseJson = { rooms };
    if (await this.anyVisible(userId, stack, taken)) response.next_batch = writeHierarchyToken(params, position);
    return response;
  }

  /**
   * Whether the rest of the walk lists another room (so that a last page is not an empty one
   * behind a `next_batch`). Takes entries off `stack` until it finds a visible room; the rooms it
   * passes are invisible, so none of their children would be walked either.
   */
  private async anyVisible(userId: string, stack: StackEntry[], taken: Set<string>): Promise<boolean> {
    while (stack.length > 0) {
      const { roomId } = stack.pop()!;
      if (taken.has(roomId)) continue;
      taken.add(roomId);
      const state = await readRoomSummaryState(this.deps.reader, roomId);
      if (state !== null && (await roomAccessOf(this.deps.reader, state, userId)).visible) return true;
    }
    return false;
  }

  /**
   * The room's `m.space.child` events with a non-empty `via` ("When not present or invalid, the
   * child room is not considered to be part of the space"), only the suggested ones when asked,
   * as stripped state with `origin_server_ts`, in the spec's order of children.
   */
  private async childrenOf(roomId: string, suggestedOnly: boolean): Promise<StrippedChildStateJson[]> {
    const ids: string[] = [];
    for (const [key, eventId] of await this.deps.reader.getCurrentState(roomId)) {
      if (parseStateMapKey(key).type === "m.space.child") ids.push(eventId);
    }
    if (ids.length === 0) return [];
    const children: Pdu[] = [];
    for (const pdu of (await this.deps.reader.getEvents(ids)).values()) {
      const via = pdu.content.via;
      if (!Array.isArray(via) || via.length === 0 || !pdu.stateKey) continue;
      if (suggestedOnly && pdu.content.suggested !== true) continue;
      children.push(pdu);
    }
    children.sort(compareChildren);
    return children.map((pdu) => ({
      type: pdu.type,
      state_key: pdu.stateKey!,
      content: pdu.content,
      sender: pdu.sender,
      origin_server_ts: pdu.originServerTs,
    }));
  }
}

/**
 * "Ordering of children within a space": "first order the children with a valid `order` key
 * lexicographically by Unicode code-points […]. Then, take the remaining children and order them
 * by the `origin_server_ts` of their `m.space.child` event in ascending numeric order […]. In
 * cases where the `order` values are the same, the children are ordered by their timestamps. If
 * the timestamps are the same, the children are ordered lexicographically by their room IDs
 * (state keys) in ascending order." (Valid orders are ASCII, where code units are code points.)
 */
export function compareChildren(a: Pdu, b: Pdu): number {
  const orderA = validOrder(a);
  const orderB = validOrder(b);
  if (orderA !== orderB) {
    if (orderA === null) return 1;
    if (orderB === null) return -1;
    return orderA < orderB ? -1 : 1;
  }
  if (a.originServerTs !== b.originServerTs) return a.originServerTs - b.originServerTs;
  return compareCodePoints(a.stateKey ?? "", b.stateKey ?? "");
}

function validOrder(pdu: Pdu): string | null {
  const order = pdu.content.order;
  return typeof order === "string" && VALID_ORDER.test(order) ? order : null;
}

/** Strings compared by Unicode code points (`<` compares UTF-16 code units). */
function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}
