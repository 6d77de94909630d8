/**
 * The `from` / `next_batch` token of `/hierarchy`: the walk's parameters and its position (how
 * many rooms the walk has taken off its stack so far), opaque to clients as unpadded URL-safe
 * Base64 of a JSON array. "If specified, `max_depth` and `suggested_only` cannot be changed from
 * the first request": a token read back with other parameters (or for another root) is
 * 400 M_INVALID_PARAM, as is one this server did not write.
 * https://spec.matrix.org/v1.19/client-server-api/#get_matrixclientv1roomsroomidhierarchy
 */
import { ErrCode, MatrixError } from "../../matrix/errors.js";

/** What a page of the walk depends on; the `limit` may change between pages. */
export interface HierarchyWalkParams {
  roomId: string;
  suggestedOnly: boolean;
  maxDepth: number;
}

/** The largest position a token may carry (far beyond any walk a server finishes). */
const MAX_POSITION = 1_000_000;

export function writeHierarchyToken(params: HierarchyWalkParams, position: number): string {
  const fields = [1, params.roomId, params.suggestedOnly ? 1 : 0, params.maxDepth, position];
  return Buffer.from(JSON.stringify(fields), "utf8").toString("base64url");
}

/** The position `token` holds, for a walk with `params`. */
export function readHierarchyToken(token: string, params: HierarchyWalkParams): number {
  let fields: unknown;
  try {
    fields = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    fields = null;
  }
  if (!Array.isArray(fields) || fields.length !== 5 || fields[0] !== 1) throw unknownToken();
  const [, roomId, suggested, maxDepth, position] = fields as unknown[];
  if (typeof position !== "number" || !Number.isInteger(position) || position < 1 || position > MAX_POSITION) throw unknownToken();
  if (roomId !== params.roomId) throw new MatrixError(400, ErrCode.InvalidParam, "The pagination token belongs to another room's hierarchy");
  if (suggested !== (params.suggestedOnly ? 1 : 0) || maxDepth !== params.maxDepth) {
    throw new MatrixError(400, ErrCode.InvalidParam, "suggested_only and max_depth cannot change on paginated requests");
  }
  return position;
}

function unknownToken(): MatrixError {
  return new MatrixError(400, ErrCode.InvalidParam, "Unknown pagination token (from)");
}
