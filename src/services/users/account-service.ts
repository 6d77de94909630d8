/**
 * The account operations behind User-Interactive Authentication with `m.login.password`: changing
 * the password, deactivating the account, deleting devices. Each first completes UIA (which
 * proves the user: the requester, or for anonymous password changes and deactivations the user
 * the password stage named), then acts, then ends the UIA session.
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3accountpassword
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3accountdeactivate
 * https://spec.matrix.org/v1.19/client-server-api/#delete_matrixclientv3devicesdeviceid
 *
 * Guests have no password, and the guest access module lets them use none of these: 403
 * M_GUEST_ACCESS_FORBIDDEN.
 */
import { LoginType } from "../../matrix/endpoints/client/account-auth.js";
import type { Requester } from "../../matrix/endpoints/types.js";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { UiaCompletion, UiaService } from "../auth/uiaa.js";
import type { DeviceService } from "./device-service.js";
import type { UserService } from "./user-service.js";

export interface AccountServiceDeps {
  uia: Pick<UiaService, "authenticate" | "finishAlone">;
  users: Pick<UserService, "setPassword" | "deactivateUser">;
  devices: Pick<DeviceService, "deleteDevices">;
}

export interface ChangePasswordRequest {
  requester: Requester | null;
  /** The request's access token, which stays valid (spec: "SHOULD NOT revoke the access token provided"). */
  accessToken: string | null;
  auth: unknown;
  newPassword: string;
  logoutDevices: boolean;
}

const PASSWORD_FLOWS: readonly (readonly string[])[] = [[LoginType.Password]];

export class AccountService {
  constructor(private readonly deps: AccountServiceDeps) {}

  async changePassword(request: ChangePasswordRequest): Promise<void> {
    const { requester } = request;
    const completion = await this.authenticate(request.requester, request.auth, "POST /account/password");
    const keep = requester !== null && request.accessToken !== null ? { deviceId: requester.deviceId, accessToken: request.accessToken } : null;
    await this.deps.users.setPassword(completion.userId!, request.newPassword, { logoutDevices: request.logoutDevices, keep });
    await this.deps.uia.finishAlone(completion);
  }

  /** Deactivates the account the UIA proved; returns the user ID. */
  async deactivate(requester: Requester | null, auth: unknown, erase: boolean): Promise<string> {
    const completion = await this.authenticate(requester, auth, "POST /account/deactivate");
    const userId = completion.userId!;
    await this.deps.users.deactivateUser(userId, { erase });
    await this.deps.uia.finishAlone(completion);
    return userId;
  }

  /** DELETE /devices/{deviceId} (one) or POST /delete_devices (several). */
  async deleteDevices(requester: Requester, auth: unknown, deviceIds: readonly string[], operation: string): Promise<void> {
    const completion = await this.authenticate(requester, auth, operation);
    await this.deps.devices.deleteDevices(requester.userId, deviceIds);
    await this.deps.uia.finishAlone(completion);
  }

  private async authenticate(requester: Requester | null, auth: unknown, operation: string): Promise<UiaCompletion> {
    if (requester?.isGuest) throw new MatrixError(403, ErrCode.GuestAccessForbidden, "Guest accounts cannot do this");
    const completion = await this.deps.uia.authenticate({ auth, operation, flows: PASSWORD_FLOWS, userId: requester?.userId ?? null });
    // The password stage always names the user, and every flow has it.
    if (completion.userId === null) throw new Error("UIA completed without identifying a user");
    return completion;
  }
}
