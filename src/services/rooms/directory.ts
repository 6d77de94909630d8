/**
 * The published room directory: `GET/PUT /directory/list/room/{roomId}` and
 * `GET/POST /publicRooms`.
 * https://spec.matrix.org/v1.19/client-server-api/#published-room-directory
 *
 * Publishing needs the power to send `m.room.canonical_alias` (a room moderator), as the spec
 * lets servers add "additional access control checks"; server admins may always. The listing is
 * ordered by joined members, largest first, then room ID (the order the spec recommends keeping),
 * and paginated by offset tokens (`o<offset>`): "The direction of pagination is specified solely
 * by which token is supplied". Other servers' directories need federation: 404 until then.
 */
import type { DataSource } from "typeorm";
import type { PublicRoomsChunkJson as PublicRoomJson, PublicRoomsResponseJson } from "../../matrix/endpoints/client/room-directory.js";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { CurrentStateStore } from "../../storage/stores/current-state-store.js";
import type { RoomsStore } from "../../storage/stores/rooms-store.js";
import { runInTransaction } from "../../storage/transaction.js";
import { canSendStateEvent } from "./room-auth-state.js";
import type { RoomDirectoryPublisher, RoomStateReader } from "./room-collaborators.js";
import { publicRoomsChunkOf, readRoomSummary } from "./room-summary.js";

export type DirectoryVisibility = "public" | "private";
export type { PublicRoomJson, PublicRoomsResponseJson };

export interface PublicRoomsQuery {
  limit?: number;
  since?: string;
  /** The server whose directory is asked for; default ours. */
  server?: string;
  genericSearchTerm?: string;
  /** Room types to include (null: rooms without a type); absent: all. */
  roomTypes?: readonly (string | null)[];
}

export interface RoomDirectoryDeps {
  db: DataSource;
  serverName: string;
  rooms: Pick<RoomsStore, "selectRoom" | "updateRoomIsPublic" | "selectPublicRoomIds">;
  members: Pick<CurrentStateStore, "selectRoomMembers">;
  reader: Pick<RoomStateReader, "getStateEvent" | "getRoomVersion">;
  isServerAdmin: (userId: string) => Promise<boolean>;
}

const PAGE = 500;
const DEFAULT_LIMIT = 100;
const TOKEN = /^o(0|[1-9][0-9]{0,8})$/;

export class RoomDirectoryService implements RoomDirectoryPublisher {
  constructor(private readonly deps: RoomDirectoryDeps) {}

  /** Publishes or hides a room (no permission check: room creation, upgrades). */
  async setRoomVisibility(roomId: string, visibility: DirectoryVisibility): Promise<void> {
    const found = await runInTransaction(this.deps.db, (tx) => this.deps.rooms.updateRoomIsPublic(tx, roomId, visibility === "public"));
    if (!found) throw new MatrixError(404, ErrCode.NotFound, "Room not found");
  }

  /** `GET /directory/list/room/{roomId}`. */
  async getVisibility(roomId: string): Promise<DirectoryVisibility> {
    const room = await this.deps.rooms.selectRoom(roomId);
    if (room === null) throw new MatrixError(404, ErrCode.NotFound, "Room not found");
    return room.isPublic ? "public" : "private";
  }

  /** `PUT /directory/list/room/{roomId}` on behalf of `userId`. */
  async setVisibilityAsUser(userId: string, roomId: string, visibility: DirectoryVisibility): Promise<void> {
    if ((await this.deps.reader.getRoomVersion(roomId)) === null) throw new MatrixError(404, ErrCode.NotFound, "Room not found");
    const moderator = await canSendStateEvent(this.deps.reader, roomId, userId, "m.room.canonical_alias");
    if (!moderator && !(await this.deps.isServerAdmin(userId))) {
      throw new MatrixError(403, ErrCode.Forbidden, "You need to be a moderator of the room to change its directory visibility");
    }
    await this.setRoomVisibility(roomId, visibility);
  }

  /** `GET/POST /publicRooms`. */
  async listPublicRooms(query: PublicRoomsQuery): Promise<PublicRoomsResponseJson> {
    if (query.server !== undefined && query.server !== this.deps.serverName) {
      throw new MatrixError(404, ErrCode.NotFound, `Listing the room directory of ${query.server} is not supported yet (federation)`);
    }
    const offset = parseSince(query.since);
    const limit = query.limit === undefined || query.limit <= 0 ? DEFAULT_LIMIT : query.limit;
    const term = query.genericSearchTerm?.trim().toLowerCase() ?? "";
    const types = query.roomTypes === undefined ? null : new Set(query.roomTypes);

    const rooms: PublicRoomJson[] = [];
    for (let after: string | null = null; ;) {
      const ids = await this.deps.rooms.selectPublicRoomIds(after, PAGE);
      for (const roomId of ids) {
        const room = await this.summarise(roomId);
        if (room === null || !matchesTerm(room, term)) continue;
        if (types !== null && !types.has(room.room_type ?? null)) continue;
        rooms.push(room);
      }
      if (ids.length < PAGE) break;
      after = ids.at(-1)!;
    }
    rooms.sort((a, b) => b.num_joined_members - a.num_joined_members || (a.room_id < b.room_id ? -1 : a.room_id > b.room_id ? 1 : 0));

    const response: PublicRoomsResponseJson = { chunk: rooms.slice(offset, offset + limit), total_room_count_estimate: rooms.length };
    if (offset + limit < rooms.length) response.next_batch = `o${offset + limit}`;
    if (offset > 0) response.prev_batch = `o${Math.max(0, offset - limit)}`;
    return response;
  }

  /** A room's directory entry from its current state; null for a room we do not know. */
  private async summarise(roomId: string): Promise<PublicRoomJson | null> {
    const summary = await readRoomSummary(this.deps, roomId);
    return summary === null ? null : publicRoomsChunkOf(summary);
  }
}

function parseSince(since: string | undefined): number {
  if (since === undefined) return 0;
  const m = TOKEN.exec(since);
  if (m === null) throw new MatrixError(400, ErrCode.InvalidParam, "Invalid pagination token (since)");
  return Number(m[1]);
}

/** "An optional string to search for in the room metadata, e.g. name, topic, canonical alias". */
function matchesTerm(room: PublicRoomJson, term: string): boolean {
  if (term === "") return true;
  for (const value of [room.name, room.topic, room.canonical_alias]) {
    if (value !== undefined && value.toLowerCase().includes(term)) return true;
  }
  return false;
}
