/**
 * Account registration through the client API.
 * https://spec.matrix.org/v1.19/client-server-api/#post_matrixclientv3register
 *
 * 1. Registration disabled (config `registration.enabled: false`): 403 M_FORBIDDEN.
 * 2. Before User-Interactive Authentication, "Homeservers MUST perform the relevant checks and
 *    return these codes": the username (mapped to lower case) must be a valid localpart
 *    (M_INVALID_USERNAME) that is not taken (M_USER_IN_USE). A guest upgrading names its own
 *    account through `guest_access_token` (the guest access module).
 * 3. UIA: `m.login.dummy`, or `m.login.registration_token` when tokens are required.
 * 4. The account is created (or the guest upgraded) and, unless `inhibit_login`, logged in, in one
 *    transaction that also ends the UIA session and counts the registration token's use.
 *    Without a username a localpart is generated.
 *
 * Guests (`kind=guest`, config `registration.allow_guests`) skip UIA: "all parameters in the
 * request body with the exception of initial_device_display_name MUST BE ignored".
 *
 * Application services (`type: m.login.application_service` with their `as_token`) skip UIA and
 * the `registration.enabled` switch, and get a passwordless account, but only inside their user
 * namespace; everyone else is kept out of exclusive namespaces (400 M_EXCLUSIVE, checked with
 * the username, before UIA).
 * https://spec.matrix.org/v1.19/application-service-api/#server-admin-style-permissions
 */
import type { Requester } from "../../matrix/endpoints/types.js";
import { LoginType } from "../../matrix/endpoints/client/account-auth.js";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import { userIdOf } from "../../matrix/ids.js";
import type { AppserviceRegistry } from "../appservices/appservice-registry.js";
import type { IssuedSession, SessionService } from "../auth/session-service.js";
import type { UiaService } from "../auth/uiaa.js";
import type { RegistrationTokenService } from "./registration-token-service.js";
import { randomString } from "../../crypto/random-string.js";
import type { AccountTransactionStep, UserService } from "./user-service.js";

export interface RegistrationSettings {
  enabled: boolean;
  requireToken: boolean;
  allowGuests: boolean;
}

export interface RegistrationServiceDeps {
  serverName: string;
  settings: RegistrationSettings;
  users: Pick<UserService, "checkLocalpart" | "getUser" | "createUserWith" | "upgradeGuest">;
  sessions: Pick<SessionService, "issueSession">;
  uia: Pick<UiaService, "authenticate" | "finish">;
  tokens: Pick<RegistrationTokenService, "isTokenValid">;
  /** Access-token authentication, for `guest_access_token`. */
  authenticate: (accessToken: string) => Promise<Requester>;
  /** The registered application services; none when absent. */
  appservices?: Pick<AppserviceRegistry, "findByToken" | "checkUserNamespace">;
}

export interface RegisterRequest {
  auth: unknown;
  username?: string;
  password?: string;
  deviceId?: string;
  initialDeviceDisplayName?: string;
  inhibitLogin?: boolean;
  refreshToken?: boolean;
  guestAccessToken?: string;
  ip: string | null;
}

/** `POST /register` with `type: m.login.application_service`. */
export interface AppserviceRegisterRequest {
  /** The access token of the request: the appservice's `as_token`. */
  accessToken: string | null;
  username?: string;
  deviceId?: string;
  initialDeviceDisplayName?: string;
  inhibitLogin?: boolean;
  refreshToken?: boolean;
  ip: string | null;
}

export interface Registered {
  userId: string;
  /** Null with `inhibit_login`. */
  session: IssuedSession | null;
}

/** The UIA operation name of registration. */
const OPERATION = "POST /register";
const GENERATED_LOCALPART_LENGTH = 12;
const GENERATION_ATTEMPTS = 5;

export class RegistrationService {
  private readonly flows: readonly (readonly string[])[];

  constructor(private readonly deps: RegistrationServiceDeps) {
    this.flows = deps.settings.requireToken ? [[LoginType.RegistrationToken]] : [[LoginType.Dummy]];
  }

  /** GET /register/available: nothing when `username` could be registered now, else the error. */
  async checkAvailable(username: string): Promise<void> {
    this.requireEnabled();
    await this.checkNewUsername(username);
  }

  /** GET /register/m.login.registration_token/validity. */
  async isTokenValid(token: string): Promise<boolean> {
    this.requireEnabled();
    return this.deps.tokens.isTokenValid(token);
  }

  async registerGuest(initialDeviceDisplayName: string | null, ip: string | null): Promise<Registered> {
    if (!this.deps.settings.allowGuests) throw new MatrixError(403, ErrCode.GuestAccessForbidden, "Guest access is disabled on this server");
    return this.createWithGeneratedLocalpart({ password: null, guest: true }, (tx, userId) =>
      this.deps.sessions.issueSession(tx, { userId, deviceId: null, initialDeviceDisplayName, refreshable: false, ip }),
    );
  }

  async register(request: RegisterRequest): Promise<Registered> {
    this.requireEnabled();
    const guest = request.guestAccessToken === undefined ? null : await this.guestToUpgrade(request.guestAccessToken, request.username);
    const localpart = guest === null && request.username !== undefined ? await this.checkNewUsername(request.username) : null;

    const completion = await this.deps.uia.authenticate({ auth: request.auth, operation: OPERATION, flows: this.flows, userId: null });
    const password = request.password;
    if (password === undefined) throw new MatrixError(400, ErrCode.MissingParam, "A 'password' is required");

    const login: AccountTransactionStep<IssuedSession | null> = async (tx, userId) => {
      await this.deps.uia.finish(tx, completion);
      return this.firstLogin(tx, userId, request);
    };
    if (guest !== null) return { userId: guest, session: await this.deps.users.upgradeGuest(guest, password, login) };
    if (localpart === null) return this.createWithGeneratedLocalpart({ password }, login);
    const { userId, result } = await this.deps.users.createUserWith({ localpart, password, displayname: localpart }, login);
    return { userId, session: result };
  }

  /**
   * Registers `username` for the appservice whose `as_token` the request carries: 401
   * M_MISSING_TOKEN / M_UNKNOWN_TOKEN without a valid one ("the same behavior as invalid auth"),
   * 400 M_EXCLUSIVE outside its namespace, M_USER_IN_USE when taken.
   */
  async registerAppservice(request: AppserviceRegisterRequest): Promise<Registered> {
    if (request.accessToken === null) {
      throw new MatrixError(401, ErrCode.MissingToken, "m.login.application_service needs the application service's as_token");
    }
    const appservice = this.deps.appservices?.findByToken(request.accessToken) ?? null;
    if (appservice === null) throw new MatrixError(401, ErrCode.UnknownToken, "Unrecognised application service token.", { soft_logout: false });
    if (request.username === undefined) throw new MatrixError(400, ErrCode.MissingParam, "A 'username' is required for m.login.application_service");
    const localpart = request.username.toLowerCase();
    this.deps.users.checkLocalpart(localpart);
    this.deps.appservices?.checkUserNamespace(userIdOf(localpart, this.deps.serverName), appservice);
    const { userId, result } = await this.deps.users.createUserWith({ localpart, password: null, displayname: localpart }, (tx, id) =>
      this.firstLogin(tx, id, request),
    );
    return { userId, session: result };
  }

  private firstLogin(
    tx: Parameters<AccountTransactionStep<unknown>>[0],
    userId: string,
    request: Pick<RegisterRequest, "inhibitLogin" | "deviceId" | "initialDeviceDisplayName" | "refreshToken" | "ip">,
  ): Promise<IssuedSession | null> {
    if (request.inhibitLogin) return Promise.resolve(null);
    return this.deps.sessions.issueSession(tx, {
      userId,
      deviceId: request.deviceId ?? null,
      initialDeviceDisplayName: request.initialDeviceDisplayName ?? null,
      refreshable: request.refreshToken === true,
      ip: request.ip,
    });
  }

  private requireEnabled(): void {
    if (!this.deps.settings.enabled) throw new MatrixError(403, ErrCode.Forbidden, "Registration is disabled on this server");
  }

  /**
   * The localpart for `username` (lower-cased), valid, outside appservices' exclusive namespaces
   * and free; else M_INVALID_USERNAME, M_EXCLUSIVE or M_USER_IN_USE.
   */
  private async checkNewUsername(username: string): Promise<string> {
    const localpart = username.toLowerCase();
    this.deps.users.checkLocalpart(localpart);
    this.deps.appservices?.checkUserNamespace(userIdOf(localpart, this.deps.serverName), null);
    if ((await this.deps.users.getUser(localpart)) !== null) throw new MatrixError(400, ErrCode.UserInUse, "User ID already taken.");
    return localpart;
  }

  /** The guest behind `token`, which `username` (when given) must name. */
  private async guestToUpgrade(token: string, username: string | undefined): Promise<string> {
    const requester = await this.deps.authenticate(token);
    if (!requester.isGuest) throw new MatrixError(403, ErrCode.Forbidden, "guest_access_token does not belong to a guest account");
    if (username !== undefined && `@${username.toLowerCase()}:${this.deps.serverName}` !== requester.userId) {
      throw new MatrixError(403, ErrCode.Forbidden, "guest_access_token belongs to another user");
    }
    return requester.userId;
  }

  /** Creates an account under a generated localpart, drawing again while the one drawn is taken or reserved. */
  private async createWithGeneratedLocalpart(
    account: { password: string | null; guest?: boolean },
    then: AccountTransactionStep<IssuedSession | null>,
  ): Promise<Registered> {
    for (let attempt = 1; ; attempt++) {
      const localpart = randomString(GENERATED_LOCALPART_LENGTH).toLowerCase();
      try {
        this.deps.appservices?.checkUserNamespace(userIdOf(localpart, this.deps.serverName), null);
        const { userId, result } = await this.deps.users.createUserWith({ ...account, localpart, displayname: account.guest ? null : localpart }, then);
        return { userId, session: result };
      } catch (err) {
        const drawAgain = err instanceof MatrixError && (err.errcode === ErrCode.UserInUse || err.errcode === ErrCode.Exclusive);
        if (!drawAgain || attempt >= GENERATION_ATTEMPTS) throw err;
      }
    }
  }
}
