/**
 * Matrix identifiers: the strict grammar for IDs this server mints, lenient checks for IDs it
 * receives. https://spec.matrix.org/v1.19/appendices/#identifier-grammar
 */

/** Historical user IDs may hold more; new local accounts must match this (spec: "user-id-char"). */
const STRICT_LOCALPART = /^[a-z0-9._=\-/+]+$/;
export const MAX_ID_BYTES = 255;

export type LocalpartProblem = "empty" | "invalid_chars" | "too_long";

/** Why a localpart may not be used for a new account, or null when it may. */
export function checkNewLocalpart(localpart: string, serverName: string): LocalpartProblem | null {
  if (localpart.length === 0) return "empty";
  if (!STRICT_LOCALPART.test(localpart)) return "invalid_chars";
  if (Buffer.byteLength(`@${localpart}:${serverName}`, "utf8") > MAX_ID_BYTES) return "too_long";
  return null;
}

export function userIdOf(localpart: string, serverName: string): string {
  return `@${localpart}:${serverName}`;
}

/**
 * The localpart of a user ID on `serverName`, or null when the ID is another server's or is not a
 * user ID. Accepts a bare localpart too (as the CLI does).
 */
export function localpartOf(userIdOrLocalpart: string, serverName: string): string | null {
  if (!userIdOrLocalpart.startsWith("@")) return userIdOrLocalpart;
  const colon = userIdOrLocalpart.indexOf(":");
  if (colon < 0 || userIdOrLocalpart.slice(colon + 1) !== serverName) return null;
  return userIdOrLocalpart.slice(1, colon);
}
