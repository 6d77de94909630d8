/**
 * An application service's `as_token` used as an access token: identity assertion.
 * https://spec.matrix.org/v1.19/application-service-api/#identity-assertion
 *
 * - Without `user_id`, the request is the sender's: "the homeserver is to assume the application
 *   service intends to act as the user implied by the `sender_localpart` property".
 * - With `user_id`: "The user specified in the query string must be covered by one of the
 *   application service's `user` namespaces". The spec names no error; as Synapse and Dendrite,
 *   another user is 403 M_FORBIDDEN, and so is a user of the namespace that has not been
 *   registered (appservice users are created through `POST /register` first, never on demand).
 * - With `device_id` (v1.17): "If the given device ID is not known to belong to the user, the
 *   server will return a 400 `M_UNKNOWN_DEVICE` error." Without it the requester has no device.
 *
 * The requester carries `appserviceId`, which the rate limiter and the namespace checks read.
 */
import type { Requester } from "../../matrix/endpoints/types.js";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { AppserviceRegistry } from "./appservice-registry.js";

/** What the request asserts, from its `user_id` and `device_id` query parameters. */
export interface IdentityAssertion {
  userId: string | null;
  deviceId: string | null;
}

export interface AppserviceAuthDeps {
  registry: Pick<AppserviceRegistry, "findByToken">;
  /** Whether `userId` is a registered account (deactivated or not). */
  userExists: (userId: string) => Promise<boolean>;
  /** Whether `deviceId` is one of `userId`'s devices. */
  hasDevice: (userId: string, deviceId: string) => Promise<boolean>;
}

/** Users known to exist; accounts are never deleted, so a hit stays true. Cleared when full. */
const MAX_KNOWN_USERS = 100_000;

export class AppserviceAuth {
  private readonly knownUsers = new Set<string>();

  constructor(private readonly deps: AppserviceAuthDeps) {}

  /** Whether `token` is an appservice's `as_token` (no I/O). */
  isAppserviceToken(token: string): boolean {
    return this.deps.registry.findByToken(token) !== null;
  }

  /** The requester for the `as_token` `token`; 401 M_UNKNOWN_TOKEN when it is no appservice's. */
  async authenticate(token: string, assertion: IdentityAssertion): Promise<Requester> {
    const appservice = this.deps.registry.findByToken(token);
    if (appservice === null) throw new MatrixError(401, ErrCode.UnknownToken, "Unrecognised application service token.", { soft_logout: false });
    let userId = appservice.sender;
    if (assertion.userId !== null && assertion.userId !== appservice.sender) {
      userId = assertion.userId;
      if (!appservice.isInterestedInUser(userId)) {
        throw new MatrixError(403, ErrCode.Forbidden, `Application service ${appservice.id} cannot masquerade as ${userId}`);
      }
      if (!(await this.userExists(userId))) {
        throw new MatrixError(403, ErrCode.Forbidden, `Application service ${appservice.id} has not registered ${userId}`);
      }
    }
    if (assertion.deviceId !== null && !(await this.deps.hasDevice(userId, assertion.deviceId))) {
      throw new MatrixError(400, ErrCode.UnknownDevice, `${userId} has no device ${assertion.deviceId}`);
    }
    return { userId, deviceId: assertion.deviceId, isGuest: false, appserviceId: appservice.id };
  }

  private async userExists(userId: string): Promise<boolean> {
    if (this.knownUsers.has(userId)) return true;
    if (!(await this.deps.userExists(userId))) return false;
    if (this.knownUsers.size >= MAX_KNOWN_USERS) this.knownUsers.clear();
    this.knownUsers.add(userId);
    return true;
  }
}

/** `user_id` and `device_id` of a request target (`/path?user_id=…`); the first of repeated ones. */
export function identityAssertionOf(uri: string): IdentityAssertion {
  const question = uri.indexOf("?");
  if (question < 0) return { userId: null, deviceId: null };
  const query = new URLSearchParams(uri.slice(question + 1));
  return { userId: query.get("user_id"), deviceId: query.get("device_id") };
}
