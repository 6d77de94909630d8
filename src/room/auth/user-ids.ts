/**
 * The user-ID and server-name checks the authorization rules need. User IDs follow the
 * historical (lenient) grammar, which servers "MUST accept" over federation.
 * https://spec.matrix.org/v1.19/appendices/#historical-user-ids
 * https://spec.matrix.org/v1.19/appendices/#server-name
 */

/** IPv4 or DNS name, an IPv6 literal in brackets, then an optional port. */
const SERVER_NAME = /^(?:[0-9A-Za-z.-]{1,255}|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?$/;
const MAX_ID_BYTES = 255;

/** A server name: hostname, IPv4 or [IPv6], with an optional port. */
export function isValidServerName(value: string): boolean {
  return SERVER_NAME.test(value);
}

/** `@localpart:server` with any localpart but `:` and NUL, a valid server name, ≤ 255 bytes. */
export function isValidUserId(value: unknown): value is string {
  if (typeof value !== "string" || value.charCodeAt(0) !== 0x40 /* @ */) return false;
  const colon = value.indexOf(":");
  if (colon < 0 || value.includes("\u0000")) return false;
  if (Buffer.byteLength(value, "utf8") > MAX_ID_BYTES) return false;
  return SERVER_NAME.test(value.slice(colon + 1));
}

/** The server name of a user, room (pre-v12) or event (v1/v2) ID: everything after the first `:`. */
export function domainOf(id: string): string | null {
  const colon = id.indexOf(":");
  return colon < 0 ? null : id.slice(colon + 1);
}
