/**
 * Which local user a login (or an `m.login.password` auth stage) names.
 * https://spec.matrix.org/v1.19/client-server-api/#identifier-types
 *
 * - `identifier: {type: "m.id.user", user}` with a localpart or a full user ID;
 * - the deprecated top-level `user` (same forms);
 * - `m.id.thirdparty` / `m.id.phone` and the deprecated top-level `medium`/`address`: this server
 *   keeps no third-party identifiers, so it never knows the one given, and "In the case that the
 *   homeserver does not know about the supplied 3PID, the homeserver must respond with 403".
 *
 * Local user IDs are all lower case (new localparts may not hold capitals), so the name is
 * lower-cased before the lookup: "Alice" logs in as @alice.
 */
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import { isJsonObject } from "../../room/is-json-object.js";

/** The user ID named by the login or auth dict `body`; throws the spec's error otherwise. */
export function resolveUserIdentifier(body: Readonly<Record<string, unknown>>, serverName: string): string {
  const identifier = body.identifier;
  let name: unknown;
  if (identifier !== undefined) {
    if (!isJsonObject(identifier) || typeof identifier.type !== "string") {
      throw new MatrixError(400, ErrCode.BadJson, "'identifier' must be an object with a string 'type'");
    }
    switch (identifier.type) {
      case "m.id.user":
        name = identifier.user;
        if (typeof name !== "string") throw new MatrixError(400, ErrCode.MissingParam, "'identifier.user' is required for m.id.user");
        break;
      case "m.id.thirdparty":
      case "m.id.phone":
        throw unknownThirdParty();
      default:
        throw new MatrixError(400, ErrCode.Unknown, `Unknown identifier type ${JSON.stringify(identifier.type)}`);
    }
  } else if (body.user !== undefined) {
    name = body.user;
    if (typeof name !== "string") throw new MatrixError(400, ErrCode.BadJson, "'user' must be a string");
  } else if (body.medium !== undefined || body.address !== undefined) {
    throw unknownThirdParty();
  } else {
    throw new MatrixError(400, ErrCode.MissingParam, "An 'identifier' naming the user is required");
  }
  return localUserId(name as string, serverName);
}

/** "@Alice:example.org" or "Alice" → "@alice:example.org"; another server's user → 403. */
function localUserId(name: string, serverName: string): string {
  if (!name.startsWith("@")) return `@${name.toLowerCase()}:${serverName}`;
  const colon = name.indexOf(":");
  if (colon < 0 || name.slice(colon + 1) !== serverName) {
    throw new MatrixError(403, ErrCode.Forbidden, "Invalid username or password");
  }
  return `@${name.slice(1, colon).toLowerCase()}:${serverName}`;
}

function unknownThirdParty(): MatrixError {
  return new MatrixError(403, ErrCode.Forbidden, "This server has no third-party identifiers to log in with");
}
