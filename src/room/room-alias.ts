/**
 * Room aliases: `#localpart:server`.
 * https://spec.matrix.org/v1.19/appendices/#room-aliases
 *
 * > The localpart of a room alias may contain any valid non-surrogate Unicode codepoints except
 * > `:` and `NUL`. The length of a room alias, including the `#` sigil and the domain, MUST NOT
 * > exceed 255 bytes.
 */
import { isValidServerName } from "./auth/user-ids.js";

export interface RoomAliasParts {
  localpart: string;
  serverName: string;
}

const MAX_ALIAS_BYTES = 255;

/** The parts of a valid room alias, or null. */
export function parseRoomAlias(value: unknown): RoomAliasParts | null {
  if (typeof value !== "string" || !value.startsWith("#")) return null;
  const colon = value.indexOf(":");
  if (colon < 0 || value.includes("\u0000") || Buffer.byteLength(value, "utf8") > MAX_ALIAS_BYTES) return null;
  const serverName = value.slice(colon + 1);
  if (!isValidServerName(serverName)) return null;
  return { localpart: value.slice(1, colon), serverName };
}
