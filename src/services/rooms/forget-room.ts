/**
 * `POST /rooms/{roomId}/forget`.
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3roomsroomidforget
 *
 * > After this API is called, however, a user will no longer be able to retrieve history for
 * > this room. […] If the user is currently joined to the room, they must leave the room before
 * > calling this API.
 *
 * "Rooms which have been forgotten will never appear in the response to the /sync API, until the
 * user re-joins, is re-invited, or knocks": the forgetting is recorded against the user's
 * membership event of the moment, so any new membership ends it (see visibility.ts and
 * `isForgotten`). Invited and knocking users must leave too (reject, retract) before forgetting.
 */
import type { DataSource } from "typeorm";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { ForgottenRoomsStore } from "../../storage/stores/forgotten-rooms-store.js";
import { runInTransaction } from "../../storage/transaction.js";
import type { RoomStateReader } from "./room-collaborators.js";

export interface ForgetRoomDeps {
  db: DataSource;
  reader: Pick<RoomStateReader, "getRoomVersion" | "getStateEvent">;
  store: Pick<ForgottenRoomsStore, "upsertForgottenRoom" | "selectForgottenRoom" | "selectForgottenRooms">;
}

export class ForgetRoomService {
  constructor(private readonly deps: ForgetRoomDeps) {}

  /** 400 M_UNKNOWN while the user is in the room (joined, invited, knocking); 404 for an unknown room. */
  async forget(userId: string, roomId: string): Promise<void> {
    if ((await this.deps.reader.getRoomVersion(roomId)) === null) throw new MatrixError(404, ErrCode.NotFound, `Room ${roomId} is not known to this server`);
    const member = await this.deps.reader.getStateEvent(roomId, "m.room.member", userId);
    if (member === null) return; // never in the room: nothing to forget
    const membership = member.content.membership;
    if (membership !== "leave" && membership !== "ban") {
      throw new MatrixError(400, ErrCode.Unknown, `User ${userId} is in room ${roomId}: leave it before forgetting it`);
    }
    await runInTransaction(this.deps.db, (tx) => this.deps.store.upsertForgottenRoom(tx, userId, roomId, member.eventId));
  }

  /**
   * The rooms the user has forgotten, each with the membership event it was forgotten at (for
   * /sync: a room stays hidden while that event is the user's membership).
   */
  getForgottenRooms(userId: string): Promise<ReadonlyMap<string, string>> {
    return this.deps.store.selectForgottenRooms(userId);
  }

  /** Whether the user has forgotten the room since their latest membership change. */
  async isForgotten(userId: string, roomId: string): Promise<boolean> {
    const member = await this.deps.reader.getStateEvent(roomId, "m.room.member", userId);
    return member !== null && (await this.deps.store.selectForgottenRoom(userId, roomId)) === member.eventId;
  }
}
