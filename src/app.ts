/**
 * The composition root (STYLE.md): the one place that constructs services and wires them
 * together. `createHomeserver` builds everything without listening (tests use it with an
 * ephemeral port); `startHomeserver` is what `hearth start` runs; `openCliServices` is the slice
 * the `hearth migrate` / `hearth user` commands need.
 */
import type { Config } from "./config/config.js";
import type { SigningKey } from "./crypto/signing-key.js";
import { ErrCode, MatrixError } from "./matrix/errors.js";
import { localpartOf } from "./matrix/ids.js";
import { clientRoutes } from "./api/client/index.js";
import { federationRoutes } from "./api/federation/index.js";
import { keyRoutes } from "./api/key/index.js";
import { deriveWellKnown } from "./api/well-known.js";
import type { AuthHooks } from "./http/endpoint-types.js";
import { createHttpApp } from "./http/http-server.js";
import { listen, type HttpListeners } from "./http/listen.js";
import type { CliServices, RunningHomeserver } from "./cli/cli-services.js";
import { identityAssertionOf } from "./services/appservices/appservice-auth.js";
import { AppserviceRegistry } from "./services/appservices/appservice-registry.js";
import { loadAppserviceRegistrations } from "./services/appservices/load-appservice-registrations.js";
import { registerAppserviceSenders } from "./services/appservices/register-appservice-senders.js";
import { ThirdPartyLookup } from "./services/appservices/third-party-lookup.js";
import { TokenCacheRedisBridge } from "./services/auth/token-cache-redis-bridge.js";
import { loadOrCreateSigningKeys } from "./services/keys/signing-key-file.js";
import { UserService } from "./services/users/user-service.js";
import { openDatabase, createDataSource, type DatabaseOptions, type HearthDataSource } from "./storage/data-source.js";
import { ServerKeysStore } from "./storage/stores/server-keys-store.js";
import { createLogger, type Logger } from "./util/logger.js";
import { Notifier } from "./sync/notifier.js";
import { StreamToken } from "./sync/stream-token.js";
import { buildAccountServices, type AccountServices } from "./app-accounts.js";
import { buildRoomServices, type RoomServices } from "./app-rooms.js";
import { buildUserDataServices, readUserDataPositions, type UserDataServices } from "./app-user-data.js";
import { buildSyncServices, readSyncStartPosition, usersSharingRoomWith, type SyncServices } from "./app-sync.js";
import { buildPushServices, type PushServices } from "./app-push.js";
import { buildSearchServices, type SearchServices } from "./app-search.js";
import { buildReportArchive, buildReportServices } from "./app-reports.js";
import { WEBSOCKET_SYNC_FEATURE } from "./sync/websocket-sync.js";
import type Koa from "koa";

/**
 * Spec versions advertised at /versions. The client-server API's core (accounts, rooms, sync,
 * profiles, receipts, typing, presence, account data, directory) follows v1.19 and its r0
 * predecessors; clients (Element, matrix-js-sdk) refuse servers that advertise no v1.x, so this is
 * the full list. Optional modules still missing (media, end-to-end keys, to-device) are answered
 * M_UNRECOGNIZED, which the spec lets clients treat as "not supported".
 */
export const SUPPORTED_CLIENT_VERSIONS: readonly string[] = [
  "r0.0.1", "r0.1.0", "r0.2.0", "r0.3.0", "r0.4.0", "r0.5.0", "r0.6.0", "r0.6.1",
  ...Array.from({ length: 19 }, (_, i) => `v1.${i + 1}`),
];

/** How far ahead our key server's `valid_until_ts` is set. */
const KEY_VALIDITY_MS = 7 * 24 * 3600_000;

export interface Homeserver {
  readonly config: Config;
  readonly logger: Logger;
  readonly db: HearthDataSource;
  readonly signingKeys: readonly SigningKey[];
  readonly users: UserService;
  /** Sessions, devices, registration, UIA, rate limits (app-accounts.ts). */
  readonly accounts: AccountServices;
  /** Wakes /sync long-polls when a stream moves (positions only). */
  readonly notifier: Notifier;
  /** Account data, filters, presence, typing, receipts, profiles, TURN (app-user-data.ts). */
  readonly userData: UserDataServices;
  /** The event persister and the room services over it (app-rooms.ts). */
  readonly rooms: RoomServices;
  /** /sync and the WebSocket sync transport (app-sync.ts). */
  readonly sync: SyncServices;
  /** Push rules and unread notification counts (app-push.ts). */
  readonly push: PushServices;
  /** Server-side search and its indexer (app-search.ts). */
  readonly search: SearchServices;
  /** The koa app every listener serves. */
  readonly httpApp: Koa;
  /** Closes the database; listeners are the caller's. */
  close(): Promise<void>;
}

export interface HomeserverOptions {
  configPath?: string;
  logger?: Logger;
  /** An already-open, migrated database to use instead of config.database (tests). */
  database?: HearthDataSource;
}

export function databaseOptions(config: Config): DatabaseOptions {
  if (config.database.engine === "postgres") return { engine: "postgres", url: config.database.url! };
  return { engine: "sqlite", path: config.database.path! };
}

/** Everything, connected to the database and ready to serve, but not listening. */
export async function createHomeserver(config: Config, opts: HomeserverOptions = {}): Promise<Homeserver> {
  const logger = opts.logger ?? createLogger({ level: config.log.level, format: config.log.format, file: config.log.file });
  const { keys: signingKeys, created } = loadOrCreateSigningKeys(config.signing_key_path);
  if (created) logger.info({ path: config.signing_key_path, keyId: signingKeys[0]!.keyId }, "created a new signing key");
  // A bad registration file is a one-line ConfigError, before the database is opened.
  const appservices = new AppserviceRegistry(loadAppserviceRegistrations(config.appservice.config_files, config.server_name));

  const db = opts.database ?? (await openDatabase(databaseOptions(config)));
  const serverKeysStore = new ServerKeysStore(db);
  // The room engine is built last; these callbacks only run once requests are served.
  const accounts = buildAccountServices(config, db, { logger, appservices, leaveAllRooms: (userId) => rooms.membership.leaveAllRooms(userId) });
  const { users, accessTokenAuth, appserviceAuth, rateLimiter } = accounts;
  await registerAppserviceSenders(appservices.appservices, users, logger);
  const { positions, typingPositions } = await readUserDataPositions(db);
  const notifier = new Notifier(StreamToken.from({ ...positions, pdu: await readSyncStartPosition(db) }));
  // With Redis, wake-ups cross processes (DESIGN.md "Scaling"); ioredis is loaded only then.
  const redisBridge = config.redis
    ? await (await import("./sync/redis-notifier-bridge.js")).RedisNotifierBridge.connect(notifier, config.redis.url, {
        channel: `hearth:notifier:${config.server_name}`,
        onError: (err) => logger.warn({ err }, "Redis notifier bridge error"),
      })
    : null;
  // …and so does forgetting the cached tokens of a user whose session ended.
  const tokenBridge = config.redis
    ? await TokenCacheRedisBridge.connect(accounts.tokenCache, config.redis.url, {
        channel: `hearth:tokens:${config.server_name}`,
        onError: (err) => logger.warn({ err }, "Redis token cache bridge error"),
      })
    : null;
  const userData = await buildUserDataServices(config, db, notifier, typingPositions, {
    onProfileChanged: (userId, profile) => rooms.membership.propagateProfile(userId, profile),
    usersSharingRoomWith: usersSharingRoomWith(db),
  });
  // Cached display names: forgotten with the user's tokens too (an erasing deactivation clears
  // them), and across processes like the tokens (profile-cache.ts).
  accounts.tokenCache.onLocalForget((userId) => userData.profiles.cache.forgetUser(userId));
  const profileBridge = config.redis
    ? await TokenCacheRedisBridge.connect(userData.profiles.cache, config.redis.url, {
        channel: `hearth:profiles:${config.server_name}`,
        onError: (err) => logger.warn({ err }, "Redis profile cache bridge error"),
      })
    : null;
  const rooms = buildRoomServices(db, {
    serverName: config.server_name,
    signingKey: signingKeys[0]!,
    notifier,
    profiles: {
      getProfile: async (userId) => {
        const profile = (await userData.profiles.getDisplayProfiles([userId])).get(userId);
        return profile === undefined ? null : { displayname: profile.displayname, avatar_url: profile.avatarUrl };
      },
    },
    isServerAdmin: async (userId) => (await users.getUser(userId))?.isAdmin === true,
    appservices,
    ignoredUsers: (userId) => userData.accountData.getIgnoredUsers(userId),
  });
  const push = buildPushServices(db, {
    serverName: config.server_name,
    notifier,
    accountData: userData.accountData,
    rooms: {
      events: rooms.persister,
      roomVersion: (roomId) => rooms.persister.getRoomVersion(roomId),
      stateStore: rooms.stores.state,
      currentState: rooms.stores.currentState,
      serializer: rooms.serializer,
    },
    notificationsPruning: {
      keepReadMs: config.push.notifications_keep_read_ms,
      keepReadPerUser: config.push.notifications_keep_read_per_user,
      pruneIntervalMs: config.push.notifications_prune_interval_ms,
    },
    logger,
  });
  // Push actions commit with the events that lead to them (PushActionsWorker.stage).
  push.worker.attachTo(rooms.persister);
  await push.start();
  const search = buildSearchServices(db, { notifier, rooms, logger });
  await search.start();
  const reports = buildReportServices(db, {
    serverName: config.server_name,
    rooms,
    userExists: async (userId) => (await users.getUser(userId)) !== null,
    isServerAdmin: async (userId) => (await users.getUser(userId))?.isAdmin === true,
  });
  const sync = buildSyncServices({
    db,
    notifier,
    userData,
    unreadCounts: push.counts,
    logger,
    authenticate: (token, ip) => accessTokenAuth.authenticate(token, ip),
    rooms: {
      stateStore: rooms.stores.state,
      roomVersion: (roomId) => rooms.persister.getRoomVersion(roomId),
      committedEvents: rooms.persister,
      forgottenRooms: (userId) => rooms.forget.getForgottenRooms(userId),
      aggregations: rooms.aggregations,
      sendMessage: (sender, roomId, type, content, txn) => rooms.events.sendMessage(sender, roomId, type, content, txn),
      sendStateEvent: (sender, roomId, type, stateKey, content) => rooms.events.sendStateEvent(sender, roomId, type, stateKey, content),
    },
  });

  const wellKnown = deriveWellKnown({
    serverName: config.server_name,
    publicBaseurl: config.public_baseurl,
    federationPort: config.listeners.federation?.port ?? null,
    configured: config.well_known,
  });
  const authHooks: AuthHooks = {
    authenticateAccessToken: (token, request) =>
      appserviceAuth.isAppserviceToken(token)
        ? appserviceAuth.authenticate(token, identityAssertionOf(request.uri))
        : accessTokenAuth.authenticate(token, request.ip),
    // No endpoint served yet takes server signatures; the federation issue brings key fetching
    // and X-Matrix verification. Until then, refuse rather than trust an unverified origin.
    authenticateServer: async () => {
      throw new MatrixError(401, ErrCode.Unauthorized, "Federation request authentication is not enabled on this server.");
    },
  };
  const thirdPartyLookup = new ThirdPartyLookup({
    appservices: appservices.appservices,
    timeoutMs: config.appservice.third_party_lookup_timeout_ms,
    protocolCacheMs: config.appservice.third_party_protocol_cache_ms,
    logger,
  });
  const routes = [
    ...clientRoutes({ versions: { versions: SUPPORTED_CLIENT_VERSIONS, unstableFeatures: { [WEBSOCKET_SYNC_FEATURE]: true } }, wellKnown, userData, accounts: accounts.routes, rooms: rooms.routes, sync: sync.routes, pushRules: push.routes, search: search.routes, pushers: push.pushersRoutes, reports: reports.routes, thirdParty: { lookup: thirdPartyLookup } }),
    ...(config.federation.enabled ? federationRoutes({ wellKnown, openId: accounts.openId }) : []),
    ...keyRoutes({
      serverKeys: {
        serverName: config.server_name,
        signingKeys,
        validityPeriodMs: KEY_VALIDITY_MS,
        oldVerifyKeys: async () =>
          (await serverKeysStore.selectOldVerifyKeys()).map((k) => ({ keyId: k.keyId, publicKeyBase64: k.publicKey, expiredTs: k.expiredTs })),
      },
    }),
  ];
  rateLimiter.requireBuckets(routes.flatMap((r) => (r.definition.rateLimited === undefined ? [] : [r.definition.rateLimited])));
  const httpApp = createHttpApp({ routes, logger, maxRequestSize: config.max_request_size, authHooks, rateLimiter });

  return {
    config,
    logger,
    db,
    signingKeys,
    users,
    accounts,
    notifier,
    userData,
    rooms,
    sync,
    push,
    search,
    httpApp,
    close: async () => {
      await rooms.persister.idle();
      await push.close();
      await search.close();
      await redisBridge?.close();
      await tokenBridge?.close();
      await profileBridge?.close();
      notifier.close();
      await userData.close();
      await accounts.close();
      await db.destroy();
    },
  };
}

export interface StartedHomeserver extends RunningHomeserver {
  readonly homeserver: Homeserver;
  readonly listeners: HttpListeners;
}

/** `hearth start`: build, listen on the configured ports, and stop gracefully on request. */
export async function startHomeserver(config: Config, opts: HomeserverOptions = {}): Promise<StartedHomeserver> {
  const homeserver = await createHomeserver(config, opts);
  const { logger } = homeserver;
  let listeners: HttpListeners;
  try {
    const fed = config.listeners.federation;
    listeners = await listen(homeserver.httpApp, {
      client: config.listeners.client,
      upgrade: homeserver.sync.websocket,
      federation: fed ? { bind: fed.bind, port: fed.port, tlsCert: fed.tls_cert, tlsKey: fed.tls_key } : undefined,
    });
  } catch (err) {
    await homeserver.close();
    throw err;
  }
  logger.info(
    {
      serverName: config.server_name,
      client: `http://${hostPort(listeners.client)}`,
      federation: listeners.federation ? `https://${hostPort(listeners.federation)}` : null,
      database: config.database.engine,
      config: opts.configPath,
    },
    "Hearth is listening",
  );
  let stopping: Promise<void> | null = null;
  return {
    homeserver,
    listeners,
    stop: () => {
      stopping ??= (async () => {
        logger.info("stopping: finishing in-flight requests");
        await listeners.close();
        await homeserver.close();
        logger.info("stopped");
      })();
      return stopping;
    },
  };
}

function hostPort(address: { address: string; port: number; family: string }): string {
  return address.family === "IPv6" ? `[${address.address}]:${address.port}` : `${address.address}:${address.port}`;
}

/** `hearth migrate` and `hearth user …`: the database and the user service, nothing else. */
export async function openCliServices(config: Config): Promise<CliServices> {
  const db = createDataSource(databaseOptions(config));
  await db.initialize();
  let migrated = false;
  const { users, registrationTokens } = buildAccountServices(config, db);
  const reportArchive = buildReportArchive(db);
  const ensureMigrated = async (): Promise<string[]> => {
    if (migrated) return [];
    const applied = await db.runMigrations({ transaction: "all" });
    migrated = true;
    return applied.map((m) => m.name);
  };
  const localUser = (name: string): string => {
    const localpart = localpartOf(name, config.server_name);
    if (localpart === null) throw new Error(`${name} is not a user of this server (${config.server_name})`);
    return `@${localpart}:${config.server_name}`;
  };
  const cliError = (err: unknown): never => {
    if (err instanceof MatrixError) throw new Error(err.message);
    throw err;
  };
  return {
    migrate: ensureMigrated,
    addUser: async (localpart, password, admin) => {
      await ensureMigrated();
      return users.createUser({ localpart, password, admin }).catch(cliError);
    },
    listUsers: async () => {
      await ensureMigrated();
      const rows = await users.listUsers({ includeDeactivated: true });
      return rows.map((u) => ({ userId: u.userId, admin: u.isAdmin, deactivated: u.deactivated }));
    },
    deactivateUser: async (name) => {
      await ensureMigrated();
      await users.deactivateUser(localUser(name)).catch(cliError);
    },
    resetPassword: async (name, password) => {
      await ensureMigrated();
      await users.setPassword(localUser(name), password).catch(cliError);
    },
    createRegistrationToken: async (options) => {
      await ensureMigrated();
      return registrationTokens.createToken(options).catch(cliError);
    },
    listRegistrationTokens: async () => {
      await ensureMigrated();
      return registrationTokens.listTokens();
    },
    revokeRegistrationToken: async (token) => {
      await ensureMigrated();
      return registrationTokens.revokeToken(token);
    },
    listReports: async (filter, page) => {
      await ensureMigrated();
      return reportArchive.listReports(filter, page);
    },
    getReport: async (id) => {
      await ensureMigrated();
      const report = await reportArchive.getReport(id);
      return report === null ? null : { ...report, event: await reportArchive.getReportedEvent(report) };
    },
    close: () => db.destroy(),
  };
}
