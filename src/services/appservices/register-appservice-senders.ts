/**
 * Makes sure every appservice's sender (`@sender_localpart:server`) has an account, so that the
 * appservice can act as it at once (identity assertion without `user_id` names the sender, who
 * must exist to join rooms or own a profile). Senders are passwordless, like the users
 * appservices register. Run at startup, once the database is migrated.
 */
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { Logger } from "../../util/logger.js";
import type { UserService } from "../users/user-service.js";
import type { Appservice } from "./appservice.js";

export async function registerAppserviceSenders(
  appservices: readonly Appservice[],
  users: Pick<UserService, "getUser" | "createUser">,
  logger?: Pick<Logger, "info">,
): Promise<void> {
  for (const appservice of appservices) {
    if ((await users.getUser(appservice.sender)) !== null) continue;
    try {
      await users.createUser({ localpart: appservice.senderLocalpart, password: null, displayname: appservice.senderLocalpart });
      logger?.info({ appservice: appservice.id, userId: appservice.sender }, "registered the application service's sender");
    } catch (err) {
      // Another process got there first.
      if (!(err instanceof MatrixError && err.errcode === ErrCode.UserInUse)) throw err;
    }
  }
}
