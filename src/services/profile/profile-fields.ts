/**
 * The rules of profile fields. https://spec.matrix.org/v1.19/client-server-api/#profiles and
 * PUT /profile/{userId}/{keyName}:
 * - `keyName` is `avatar_url`, `displayname`, `m.tz`, or a custom key in the Common Namespaced
 *   Identifier Grammar (`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$`);
 * - a key over 255 bytes is M_KEY_TOO_LARGE;
 * - "the total profile MUST be under 64 KiB" (M_PROFILE_TOO_LARGE);
 * - `avatar_url` is an MXC URI, `displayname` and `m.tz` strings; custom keys take any JSON.
 */
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { JsonValue } from "../../matrix/pdu-json.js";

export const DISPLAYNAME = "displayname";
export const AVATAR_URL = "avatar_url";
export const TIME_ZONE = "m.tz";

/** Spec error codes of the profile API (not yet in matrix/errors.ts's ErrCode). */
export const ERR_PROFILE_TOO_LARGE = "M_PROFILE_TOO_LARGE";
export const ERR_KEY_TOO_LARGE = "M_KEY_TOO_LARGE";

export const MAX_PROFILE_BYTES = 64 * 1024;
export const MAX_KEY_BYTES = 255;
/** As Synapse: display names up to 256 characters, avatar URLs up to 1,000. */
export const MAX_DISPLAYNAME_LENGTH = 256;
export const MAX_AVATAR_URL_LENGTH = 1000;

const KEY_NAME = /^(avatar_url|displayname|m\.tz|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+)$/;
const MXC_URI = /^mxc:\/\/[^/\s]+\/[^/\s]+$/;

/** A user's whole profile, as GET /profile/{userId} returns it. */
export type ProfileJson = Record<string, JsonValue>;

/** 400 M_KEY_TOO_LARGE / M_INVALID_PARAM unless `keyName` may name a profile field. */
export function checkProfileKey(keyName: string): void {
  if (Buffer.byteLength(keyName, "utf8") > MAX_KEY_BYTES) throw new MatrixError(400, ERR_KEY_TOO_LARGE, `Profile keys may not exceed ${MAX_KEY_BYTES} bytes`);
  if (!KEY_NAME.test(keyName)) throw new MatrixError(400, ErrCode.InvalidParam, "Invalid profile key.");
}

/**
 * The value to store for `keyName` from a PUT body: 400 M_MISSING_PARAM when the body lacks the
 * key, M_BAD_JSON when it holds anything else or the value has the wrong form. For displayname
 * and avatar_url, `""` and `null` mean "no value" (null is returned).
 */
export function profileValueFromBody(keyName: string, body: Record<string, unknown>): JsonValue {
  if (!Object.hasOwn(body, keyName)) throw new MatrixError(400, ErrCode.MissingParam, `Missing key '${keyName}'`);
  for (const key of Object.keys(body)) {
    if (key !== keyName) throw new MatrixError(400, ErrCode.BadJson, `Unexpected field '${key}': the body holds only '${keyName}'`);
  }
  const value = body[keyName] as JsonValue;
  switch (keyName) {
    case DISPLAYNAME:
      if (value === null || value === "") return null;
      if (typeof value !== "string") throw new MatrixError(400, ErrCode.BadJson, "displayname must be a string");
      if (value.length > MAX_DISPLAYNAME_LENGTH) throw new MatrixError(400, ErrCode.BadJson, `displayname may not exceed ${MAX_DISPLAYNAME_LENGTH} characters`);
      return value;
    case AVATAR_URL:
      if (value === null || value === "") return null;
      if (typeof value !== "string" || !MXC_URI.test(value)) throw new MatrixError(400, ErrCode.BadJson, "avatar_url must be an mxc:// URI");
      if (value.length > MAX_AVATAR_URL_LENGTH) throw new MatrixError(400, ErrCode.BadJson, `avatar_url may not exceed ${MAX_AVATAR_URL_LENGTH} characters`);
      return value;
    case TIME_ZONE:
      if (typeof value !== "string") throw new MatrixError(400, ErrCode.BadJson, "m.tz must be a string");
      return value;
    default:
      return value;
  }
}

/** 400 M_PROFILE_TOO_LARGE when the profile's JSON is 64 KiB or more. */
export function checkProfileSize(profile: ProfileJson): void {
  if (Buffer.byteLength(JSON.stringify(profile), "utf8") >= MAX_PROFILE_BYTES) {
    throw new MatrixError(400, ERR_PROFILE_TOO_LARGE, "The profile would exceed its maximum size of 64 KiB");
  }
}
