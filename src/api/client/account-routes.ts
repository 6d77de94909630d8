/**
 * The routes of accounts and sessions: login and login tokens, logout, token refresh,
 * registration, account management (password, deactivation, third-party identifiers), devices,
 * capabilities, and the shared-secret registration admin API; the User-Interactive
 * Authentication fallback pages and the login fallback page; and the application services' ping.
 */
import { add3PID, bind3PID, delete3pidFromAccount, getAccount3PIDs, post3PIDs, requestTokenTo3PIDEmail, requestTokenTo3PIDMSISDN, unbind3pidFromAccount } from "../../matrix/endpoints/client/account-3pid.js";
import { changePassword, deactivateAccount, requestTokenToResetPasswordEmail, requestTokenToResetPasswordMSISDN } from "../../matrix/endpoints/client/account.js";
import { adminRegister, getAdminRegisterNonce } from "../../matrix/endpoints/client/admin-register.js";
import { pingAppservice } from "../../matrix/endpoints/client/appservice.js";
import { getAuthFallback, submitAuthFallback } from "../../matrix/endpoints/client/auth-fallback.js";
import { getCapabilities } from "../../matrix/endpoints/client/capabilities.js";
import { deleteDevice, deleteDevices, getDevice, getDevices, updateDevice } from "../../matrix/endpoints/client/devices.js";
import { getLoginFlows, login } from "../../matrix/endpoints/client/login.js";
import { getLoginFallback } from "../../matrix/endpoints/client/login-fallback.js";
import { generateLoginToken } from "../../matrix/endpoints/client/login-token.js";
import { logout, logoutAll } from "../../matrix/endpoints/client/logout.js";
import { refresh } from "../../matrix/endpoints/client/refresh.js";
import { requestTokenToRegisterEmail, requestTokenToRegisterMSISDN } from "../../matrix/endpoints/client/register-request-token.js";
import { checkUsernameAvailability, register, registrationTokenValidity } from "../../matrix/endpoints/client/register.js";
import { getWhoIs } from "../../matrix/endpoints/client/admin-whois.js";
import { requestOpenIdToken } from "../../matrix/endpoints/client/openid.js";
import { getTokenOwner } from "../../matrix/endpoints/client/whoami.js";
import { route, type Route } from "../../http/route.js";
import {
  handleAdd3PID,
  handleBind3PID,
  handleDelete3pidFromAccount,
  handleGetAccount3PIDs,
  handlePost3PIDs,
  handleRequestTokenTo3PIDEmail,
  handleRequestTokenTo3PIDMSISDN,
  handleUnbind3pidFromAccount,
} from "./account-3pid.js";
import {
  handleChangePassword,
  handleDeactivateAccount,
  handleRequestTokenToResetPasswordEmail,
  handleRequestTokenToResetPasswordMSISDN,
  type AccountDeps,
} from "./account.js";
import { handleAdminRegister, handleGetAdminRegisterNonce, type AdminRegisterDeps } from "./admin-register.js";
import { handlePingAppservice, type AppserviceDeps } from "./appservice.js";
import { handleGetAuthFallback, handleSubmitAuthFallback, type AuthFallbackDeps } from "./auth-fallback.js";
import { handleGetCapabilities, type CapabilitiesDeps } from "./capabilities.js";
import { handleDeleteDevice, handleDeleteDevices, handleGetDevice, handleGetDevices, handleUpdateDevice, type DevicesDeps } from "./devices.js";
import { handleGetLoginFlows, handleLogin, type LoginDeps } from "./login.js";
import { handleGetLoginFallback } from "./login-fallback.js";
import { handleGenerateLoginToken, type LoginTokenDeps } from "./login-token.js";
import { handleLogout, handleLogoutAll, type LogoutDeps } from "./logout.js";
import { handleRefresh, type RefreshDeps } from "./refresh.js";
import { handleRequestTokenToRegisterEmail, handleRequestTokenToRegisterMSISDN } from "./register-request-token.js";
import { handleCheckUsernameAvailability, handleRegister, handleRegistrationTokenValidity, type RegisterDeps } from "./register.js";
import { handleGetWhoIs, type WhoisDeps } from "./admin-whois.js";
import { handleRequestOpenIdToken, type OpenIdDeps } from "./openid.js";
import { handleGetTokenOwner } from "./whoami.js";

export interface AccountRoutesDeps {
  readonly login: LoginDeps;
  readonly loginToken: LoginTokenDeps;
  readonly sessions: LogoutDeps["sessions"] & RefreshDeps["sessions"];
  readonly register: RegisterDeps;
  readonly accounts: AccountDeps["accounts"] & DevicesDeps["accounts"];
  readonly devices: DevicesDeps["devices"];
  readonly capabilities: CapabilitiesDeps;
  readonly adminRegister: AdminRegisterDeps;
  readonly authFallback: AuthFallbackDeps;
  readonly openId: OpenIdDeps;
  readonly whois: WhoisDeps;
  /** Registered application services (their ping); the route is absent without. */
  readonly appservice?: AppserviceDeps;
}

export function accountRoutes(deps: AccountRoutesDeps): Route[] {
  const devices: DevicesDeps = { devices: deps.devices, accounts: deps.accounts };
  return [
    route(getLoginFlows, handleGetLoginFlows(deps.login)),
    route(login, handleLogin(deps.login)),
    route(generateLoginToken, handleGenerateLoginToken(deps.loginToken)),
    route(logout, handleLogout(deps)),
    route(logoutAll, handleLogoutAll(deps)),
    route(refresh, handleRefresh(deps)),
    route(getTokenOwner, handleGetTokenOwner()),
    route(requestOpenIdToken, handleRequestOpenIdToken(deps.openId)),
    route(getWhoIs, handleGetWhoIs(deps.whois)),
    route(register, handleRegister(deps.register)),
    route(checkUsernameAvailability, handleCheckUsernameAvailability(deps.register)),
    route(registrationTokenValidity, handleRegistrationTokenValidity(deps.register)),
    route(requestTokenToRegisterEmail, handleRequestTokenToRegisterEmail()),
    route(requestTokenToRegisterMSISDN, handleRequestTokenToRegisterMSISDN()),
    route(changePassword, handleChangePassword(deps)),
    route(deactivateAccount, handleDeactivateAccount(deps)),
    route(requestTokenToResetPasswordEmail, handleRequestTokenToResetPasswordEmail()),
    route(requestTokenToResetPasswordMSISDN, handleRequestTokenToResetPasswordMSISDN()),
    route(getAccount3PIDs, handleGetAccount3PIDs()),
    route(post3PIDs, handlePost3PIDs()),
    route(add3PID, handleAdd3PID()),
    route(bind3PID, handleBind3PID()),
    route(delete3pidFromAccount, handleDelete3pidFromAccount()),
    route(unbind3pidFromAccount, handleUnbind3pidFromAccount()),
    route(requestTokenTo3PIDEmail, handleRequestTokenTo3PIDEmail()),
    route(requestTokenTo3PIDMSISDN, handleRequestTokenTo3PIDMSISDN()),
    route(getDevices, handleGetDevices(devices)),
    route(getDevice, handleGetDevice(devices)),
    route(updateDevice, handleUpdateDevice(devices)),
    route(deleteDevice, handleDeleteDevice(devices)),
    route(deleteDevices, handleDeleteDevices(devices)),
    route(getCapabilities, handleGetCapabilities(deps.capabilities)),
    route(getAdminRegisterNonce, handleGetAdminRegisterNonce(deps.adminRegister)),
    route(adminRegister, handleAdminRegister(deps.adminRegister)),
    route(getAuthFallback, handleGetAuthFallback(deps.authFallback)),
    route(submitAuthFallback, handleSubmitAuthFallback(deps.authFallback)),
    route(getLoginFallback, handleGetLoginFallback(deps.login)),
    ...(deps.appservice ? [route(pingAppservice, handlePingAppservice(deps.appservice))] : []),
  ];
}
