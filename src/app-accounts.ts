/**
 * Part of the composition root (app.ts): builds the services of accounts and sessions — users,
 * sessions and tokens, devices, User-Interactive Authentication, registration (with tokens and
 * the shared-secret admin API), login, rate limiting — from the config and the database, and
 * the dependencies of their routes.
 *
 * Application services (registered in `appservice.config_files`, loaded by app.ts) take part in
 * authentication (their `as_token`), registration, login and rate limiting.
 *
 * Deactivation makes the user leave their rooms through `leaveAllRooms`, which the room engine
 * supplies; without it (the CLI, or before the room engine is wired) rooms are left alone.
 */
import type { AccountRoutesDeps } from "./api/client/account-routes.js";
import type { Config } from "./config/config.js";
import { DEFAULT_ROOM_VERSION, ROOM_VERSIONS } from "./room/room-versions.js";
import { userIdOf } from "./matrix/ids.js";
import { AppserviceAuth } from "./services/appservices/appservice-auth.js";
import { AppservicePinger } from "./services/appservices/appservice-pinger.js";
import { AppserviceRegistry } from "./services/appservices/appservice-registry.js";
import { AccessTokenAuth } from "./services/auth/access-token-auth.js";
import { AccessTokenCache } from "./services/auth/access-token-cache.js";
import { LoginService } from "./services/auth/login-service.js";
import { LoginTokenService } from "./services/auth/login-token-service.js";
import { OpenIdService } from "./services/auth/openid-service.js";
import { SessionService } from "./services/auth/session-service.js";
import { SharedSecretRegistration } from "./services/auth/shared-secret-registration.js";
import { UiaService } from "./services/auth/uiaa.js";
import { RateLimiter } from "./services/ratelimit/rate-limiter.js";
import { AccountService } from "./services/users/account-service.js";
import { DeviceService } from "./services/users/device-service.js";
import { DEFAULT_SCRYPT_COST, PasswordHasher } from "./services/users/password-hasher.js";
import { RegistrationService } from "./services/users/registration-service.js";
import { RegistrationTokenService } from "./services/users/registration-token-service.js";
import { UserService } from "./services/users/user-service.js";
import type { HearthDataSource } from "./storage/data-source.js";
import { AccessTokensStore } from "./storage/stores/access-tokens-store.js";
import { DevicesStore } from "./storage/stores/devices-store.js";
import { LoginTokensStore } from "./storage/stores/login-tokens-store.js";
import { OpenIdTokensStore } from "./storage/stores/openid-tokens-store.js";
import { RegistrationTokensStore } from "./storage/stores/registration-tokens-store.js";
import { UiAuthSessionsStore } from "./storage/stores/ui-auth-sessions-store.js";
import { UsersStore } from "./storage/stores/users-store.js";
import type { Logger } from "./util/logger.js";

export interface AccountServicesOptions {
  logger?: Logger;
  /** Makes a deactivated user leave every room they are in (the room engine's). */
  leaveAllRooms?: (userId: string) => Promise<void>;
  /** The registered application services (none when absent). */
  appservices?: AppserviceRegistry;
}

export interface AccountServices {
  readonly users: UserService;
  readonly sessions: SessionService;
  readonly devices: DeviceService;
  readonly accessTokenAuth: AccessTokenAuth;
  /** The access tokens AccessTokenAuth found, forgotten per user when sessions end. */
  readonly tokenCache: AccessTokenCache;
  /** `as_token`s as access tokens, with identity assertion. */
  readonly appserviceAuth: AppserviceAuth;
  readonly registrationTokens: RegistrationTokenService;
  /** OpenID tokens for third parties, checked over federation (api/federation/openid.ts). */
  readonly openId: OpenIdService;
  readonly rateLimiter: RateLimiter;
  /** What account-routes.ts needs. */
  readonly routes: AccountRoutesDeps;
  /** Writes what is buffered (devices' last-seen times). */
  close(): Promise<void>;
}

export function buildAccountServices(config: Config, db: HearthDataSource, options: AccountServicesOptions = {}): AccountServices {
  const serverName = config.server_name;
  const appservices = options.appservices ?? new AppserviceRegistry([]);
  const accessTokensStore = new AccessTokensStore(db);
  const devicesStore = new DevicesStore(db);
  const registrationTokensStore = new RegistrationTokensStore(db);
  // Whatever ends sessions or changes what a token says forgets the user's cached tokens.
  const tokenCache = new AccessTokenCache();
  const forgetTokens = (userId: string): void => tokenCache.forgetUser(userId);
  const sessions = new SessionService({
    db,
    devices: devicesStore,
    accessTokens: accessTokensStore,
    accessTokenLifetimeMs: config.session.access_token_lifetime_ms,
    forgetTokens,
    tokenCache,
    onDeviceAdded: (userId, deviceId, ts, ip) => devices.noteSessionStart(userId, deviceId, ts, ip),
  });
  const users = new UserService({
    db,
    serverName,
    users: new UsersStore(db),
    sessions,
    hasher: new PasswordHasher({ ...DEFAULT_SCRYPT_COST, logN: config.password_hashing.scrypt_log_n }),
    leaveAllRooms: options.leaveAllRooms,
    logger: options.logger,
    forgetTokens,
  });
  const devices = new DeviceService({ db, devices: devicesStore, logger: options.logger, forgetTokens });
  const accessTokenAuth = new AccessTokenAuth({
    tokens: accessTokensStore,
    cache: tokenCache,
    confirmRefresh: (userId, deviceId, refreshTokenId) => sessions.confirmRefresh(userId, deviceId, refreshTokenId),
    noteActivity: (userId, deviceId, ip) => devices.noteActivity(userId, deviceId, ip),
  });
  const appserviceAuth = new AppserviceAuth({
    registry: appservices,
    userExists: async (userId) => (await users.getUser(userId)) !== null,
    hasDevice: async (userId, deviceId) => (await devicesStore.selectDevice(userId, deviceId)) !== null,
  });
  const uia = new UiaService({ db, serverName, sessions: new UiAuthSessionsStore(db), registrationTokens: registrationTokensStore, users });
  const registrationTokens = new RegistrationTokenService({ db, tokens: registrationTokensStore });
  const loginTokens = new LoginTokenService({ db, tokens: new LoginTokensStore(db), uia });
  const openId = new OpenIdService({ db, serverName, tokens: new OpenIdTokensStore(db) });
  const registration = new RegistrationService({
    serverName,
    settings: { enabled: config.registration.enabled, requireToken: config.registration.require_token, allowGuests: config.registration.allow_guests },
    users,
    sessions,
    uia,
    tokens: registrationTokens,
    authenticate: (token) => accessTokenAuth.authenticate(token),
    appservices,
  });
  const accounts = new AccountService({ uia, users, devices });
  const { rate_limits: limits } = config;
  const rateLimiter = new RateLimiter({
    enabled: limits.enabled,
    buckets: { message: limits.message, login: limits.login, registration: limits.registration },
    appservices,
  });

  const sharedSecret = new SharedSecretRegistration({
    sharedSecret: config.registration.shared_secret ?? null,
    users,
    sessions,
    checkReserved: (localpart) => appservices.checkUserNamespace(userIdOf(localpart, serverName), null),
  });

  return {
    users,
    sessions,
    devices,
    accessTokenAuth,
    tokenCache,
    openId,
    appserviceAuth,
    registrationTokens,
    rateLimiter,
    routes: {
      login: { serverName, login: new LoginService({ serverName, users, sessions, appservices, loginTokens }) },
      loginToken: { loginTokens },
      openId: { openId },
      whois: {
        serverName,
        devices,
        userInfo: async (userId) => {
          const user = await users.getUser(userId);
          return user === null ? null : { isAdmin: user.isAdmin };
        },
      },
      sessions,
      register: { serverName, registration },
      accounts,
      devices,
      capabilities: { roomVersions: { default: DEFAULT_ROOM_VERSION, available: [...ROOM_VERSIONS.keys()] }, getLoginToken: true },
      adminRegister: { serverName, sharedSecret },
      authFallback: { uia },
      appservice: { registry: appservices, pinger: new AppservicePinger() },
    },
    close: () => devices.flushActivity(),
  };
}
