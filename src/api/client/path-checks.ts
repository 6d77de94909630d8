/** Checks of path parameters shared by the per-user client endpoints. */
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { Requester } from "../../matrix/endpoints/types.js";

/** 403 M_FORBIDDEN unless the path's user is the requester ("only for yourself"). */
export function requireSelf(requester: Requester, userId: string, action: string): void {
  if (requester.userId !== userId) throw new MatrixError(403, ErrCode.Forbidden, `Cannot ${action} for other users.`);
}

/** 400 M_INVALID_PARAM unless `roomId` has a room ID's form (`!` and at least one more character). */
export function requireRoomId(roomId: string): void {
  if (roomId.length < 2 || !roomId.startsWith("!")) throw new MatrixError(400, ErrCode.InvalidParam, `${roomId} is not a valid room ID.`);
}
