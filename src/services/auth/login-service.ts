/**
 * POST /login with `m.login.password`, `m.login.token` when login tokens are handed out
 * (login-token-service.ts), and `m.login.application_service` when application services are
 * registered (`m.login.sso` needs an identity provider: none exists yet).
 * https://spec.matrix.org/v1.19/client-server-api/#legacy-login
 *
 * - the user is named by `identifier` or the deprecated `user` (see user-identifier.ts);
 * - a wrong password, an unknown user or a user without a password: 403 M_FORBIDDEN, the same
 *   answer for all three;
 * - the right password of a deactivated account: 403 M_USER_DEACTIVATED;
 * - `device_id` of an existing device reuses it (its old tokens are revoked), else a new device;
 * - `refresh_token: true`: an expiring access token with a refresh token.
 *
 * Token login: the token names the user ("The `token` must encode the user ID"); an unknown, used
 * or expired token is 403 M_FORBIDDEN, a token of an account deactivated since 403
 * M_USER_DEACTIVATED. It is used up either way.
 *
 * Appservice login (https://spec.matrix.org/v1.19/client-server-api/#appservice-login): the
 * request carries the appservice's `as_token` (401 M_MISSING_TOKEN / M_UNKNOWN_TOKEN otherwise,
 * "the same behavior as invalid auth", as the application service API says since v1.17); a user
 * outside its namespace is 403 M_EXCLUSIVE, one "not previously registered" 403 M_FORBIDDEN.
 */
import { LoginType } from "../../matrix/endpoints/client/account-auth.js";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { AppserviceRegistry } from "../appservices/appservice-registry.js";
import type { UserService } from "../users/user-service.js";
import type { LoginTokenService } from "./login-token-service.js";
import type { IssuedSession, SessionService } from "./session-service.js";
import { resolveUserIdentifier } from "./user-identifier.js";

export interface LoginServiceDeps {
  serverName: string;
  users: Pick<UserService, "checkPassword" | "getUser">;
  sessions: Pick<SessionService, "createSession">;
  /** The registered application services; none when absent. */
  appservices?: Pick<AppserviceRegistry, "findByToken" | "size">;
  /** Login tokens; `m.login.token` is not offered when absent. */
  loginTokens?: Pick<LoginTokenService, "redeemLoginToken">;
}

export interface LoginRequest {
  /** The request body: `type` plus the type's own keys. */
  body: Readonly<Record<string, unknown>> & { type: string };
  deviceId: string | null;
  initialDeviceDisplayName: string | null;
  refreshToken: boolean;
  ip: string | null;
  /** The request's access token: an appservice's `as_token` for `m.login.application_service`. */
  accessToken?: string | null;
}

export class LoginService {
  constructor(private readonly deps: LoginServiceDeps) {}

  /** The login types offered (GET /login). */
  loginTypes(): string[] {
    const types: string[] = [LoginType.Password];
    if (this.deps.loginTokens !== undefined) types.push(LoginType.Token);
    if ((this.deps.appservices?.size ?? 0) > 0) types.push(LoginType.ApplicationService);
    return types;
  }

  async login(request: LoginRequest): Promise<IssuedSession> {
    if (request.body.type === LoginType.ApplicationService) return this.loginAppservice(request);
    if (request.body.type === LoginType.Token && this.deps.loginTokens !== undefined) return this.loginWithToken(request, this.deps.loginTokens);
    if (request.body.type !== LoginType.Password) {
      throw new MatrixError(400, ErrCode.Unknown, `Unsupported login type ${JSON.stringify(request.body.type)}`);
    }
    const userId = resolveUserIdentifier(request.body, this.deps.serverName);
    const password = request.body.password;
    if (password === undefined) throw new MatrixError(400, ErrCode.MissingParam, "A 'password' is required for m.login.password");
    if (typeof password !== "string") throw new MatrixError(400, ErrCode.BadJson, "'password' must be a string");
    const user = await this.deps.users.checkPassword(userId, password);
    if (user === null) throw new MatrixError(403, ErrCode.Forbidden, "Invalid username or password");
    if (user.deactivated) throw new MatrixError(403, ErrCode.UserDeactivated, "This account has been deactivated");
    return this.startSession(userId, request);
  }

  private async loginWithToken(request: LoginRequest, loginTokens: Pick<LoginTokenService, "redeemLoginToken">): Promise<IssuedSession> {
    const token = request.body.token;
    if (token === undefined) throw new MatrixError(400, ErrCode.MissingParam, "A 'token' is required for m.login.token");
    if (typeof token !== "string") throw new MatrixError(400, ErrCode.BadJson, "'token' must be a string");
    const userId = await loginTokens.redeemLoginToken(token);
    const user = await this.deps.users.getUser(userId);
    if (user === null) throw new MatrixError(403, ErrCode.Forbidden, "Invalid or expired login token");
    if (user.deactivated) throw new MatrixError(403, ErrCode.UserDeactivated, "This account has been deactivated");
    return this.startSession(userId, request);
  }

  private async loginAppservice(request: LoginRequest): Promise<IssuedSession> {
    const token = request.accessToken ?? null;
    if (token === null) throw new MatrixError(401, ErrCode.MissingToken, "m.login.application_service needs the application service's as_token");
    const appservice = this.deps.appservices?.findByToken(token) ?? null;
    if (appservice === null) throw new MatrixError(401, ErrCode.UnknownToken, "Unrecognised application service token.", { soft_logout: false });
    const userId = resolveUserIdentifier(request.body, this.deps.serverName);
    if (!appservice.isInterestedInUser(userId)) {
      throw new MatrixError(403, ErrCode.Exclusive, `${userId} is outside the namespace of application service ${appservice.id}`);
    }
    const user = await this.deps.users.getUser(userId);
    if (user === null) throw new MatrixError(403, ErrCode.Forbidden, `${userId} has not been registered`);
    if (user.deactivated) throw new MatrixError(403, ErrCode.UserDeactivated, "This account has been deactivated");
    return this.startSession(userId, request);
  }

  private startSession(userId: string, request: LoginRequest): Promise<IssuedSession> {
    return this.deps.sessions.createSession({
      userId,
      deviceId: request.deviceId,
      initialDeviceDisplayName: request.initialDeviceDisplayName,
      refreshable: request.refreshToken,
      ip: request.ip,
    });
  }
}
