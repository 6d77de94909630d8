/**
 * Login sessions: a device with an access token and, for clients that support them, a refresh
 * token. Issued by login and registration, renewed by /refresh, ended by logout.
 *
 * https://spec.matrix.org/v1.19/client-server-api/#relationship-between-access-tokens-and-devices
 * > If the client sets the `device_id`, the server will invalidate any access and refresh tokens
 * > previously assigned to that device.
 *
 * https://spec.matrix.org/v1.19/client-server-api/#refreshing-access-tokens
 * > The old refresh token remains valid until the new access token or refresh token is used, at
 * > which point the old refresh token is revoked.
 *
 * Refresh tokens form a chain per device: `next_token_id` links a used refresh token to the one
 * issued in its place. The old one is revoked when the new refresh token is used (here, in
 * refresh) or the new access token is (AccessTokenAuth calls confirmRefresh on its first use).
 *
 * Every method that deletes access tokens tells `forgetTokens` once its transaction has
 * committed, so that cached tokens (AccessTokenCache) stop working at once. Every access token
 * issued (login, m.login.token, registration, refresh) goes into `tokenCache` once committed,
 * so its first request needs no database read. The read is "started" (startRead) before the
 * transaction's first statement; if anything else forgot the owner's tokens after that point
 * (a concurrent deactivation, say), the token is not cached. The transaction's own forgetting
 * (a login reusing a device ID, a refresh) does not count: it runs first, then the new token
 * goes in.
 */
import type { DataSource, EntityManager } from "typeorm";
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { AccessTokenInfo, AccessTokensStore } from "../../storage/stores/access-tokens-store.js";
import type { DevicesStore } from "../../storage/stores/devices-store.js";
import { onCommit, runInTransaction } from "../../storage/transaction.js";
import type { AccessTokenCache } from "./access-token-cache.js";
import { newAccessToken, newDeviceId, newRefreshToken } from "./session-tokens.js";

export interface SessionServiceDeps {
  db: DataSource;
  devices: Pick<DevicesStore, "insertDevice" | "selectDevicesByUser" | "deleteDevice" | "deleteDevices">;
  accessTokens: Pick<
    AccessTokensStore,
    | "insertAccessTokenReturningInfo"
    | "insertRefreshToken"
    | "selectRefreshToken"
    | "updateRefreshTokenNext"
    | "deleteRefreshToken"
    | "deleteAccessToken"
    | "deleteAccessTokensByRefreshToken"
    | "deleteAccessTokensForDevice"
    | "deleteAccessTokensForUser"
    | "deleteRefreshTokensReplacedBy"
    | "deleteRefreshTokensForDevice"
  >;
  /** Lifetime of access tokens that come with a refresh token (config session.access_token_lifetime_ms). */
  accessTokenLifetimeMs: number;
  now?: () => number;
  /** Forgets the cached tokens of a user (AccessTokenCache.forgetUser); called after commit. */
  forgetTokens?: (userId: string) => void;
  /** Where issued access tokens are put once committed (the cache AccessTokenAuth reads). */
  tokenCache?: Pick<AccessTokenCache, "startRead" | "set" | "forgottenSince" | "ttlMs">;
  /**
   * A new device was added with its last-seen time and address (DeviceService.noteSessionStart,
   * so its first requests do not write them again); called after commit.
   */
  onDeviceAdded?: (userId: string, deviceId: string, ts: number, ip: string | null) => void;
}

export interface NewSession {
  userId: string;
  /** An existing device of the user is reused (its old tokens revoked); null: a new, generated ID. */
  deviceId: string | null;
  /** The name of a new device; ignored when the device exists. */
  initialDeviceDisplayName: string | null;
  /** The client supports refresh tokens: the access token expires and comes with a refresh token. */
  refreshable: boolean;
  /** Where the client is, recorded as the device's last-seen address. */
  ip?: string | null;
}

export interface IssuedSession {
  userId: string;
  deviceId: string;
  accessToken: string;
  refreshToken: string | null;
  /** Null: the access token never expires. */
  expiresInMs: number | null;
}

export interface RefreshedTokens {
  accessToken: string;
  refreshToken: string;
  expiresInMs: number;
}

const UNKNOWN_REFRESH_TOKEN = "Unknown or already used refresh token";

export class SessionService {
  private readonly now: () => number;

  constructor(private readonly deps: SessionServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** A new session in its own transaction. */
  async createSession(session: NewSession): Promise<IssuedSession> {
    return runInTransaction(this.deps.db, (tx) => this.issueSession(tx, session));
  }

  /** A new session inside the caller's transaction (registration creates the user in the same one). */
  async issueSession(tx: EntityManager, session: NewSession): Promise<IssuedSession> {
    const { devices, accessTokens } = this.deps;
    const cacheToken = this.cacheIssuedOnCommit(tx, session.userId);
    const now = this.now();
    const deviceId = session.deviceId ?? newDeviceId();
    const added = await devices.insertDevice(tx, {
      userId: session.userId,
      deviceId,
      displayName: session.initialDeviceDisplayName,
      lastSeenTs: now,
      lastSeenIp: session.ip ?? null,
    });
    if (!added) {
      // An existing device: whatever tokens it had are replaced. Its refresh tokens go with the
      // access tokens issued from them; deleting the device itself would lose its keys.
      await accessTokens.deleteAccessTokensForDevice(tx, session.userId, deviceId);
      await accessTokens.deleteRefreshTokensForDevice(tx, session.userId, deviceId);
      this.forgetTokensOnCommit(tx, session.userId);
    } else if (this.deps.onDeviceAdded !== undefined) {
      const added = this.deps.onDeviceAdded;
      onCommit(tx, () => added(session.userId, deviceId, now, session.ip ?? null));
    }
    const accessToken = newAccessToken();
    if (!session.refreshable) {
      const info = await accessTokens.insertAccessTokenReturningInfo(tx, { token: accessToken, userId: session.userId, deviceId, validUntilMs: null, createdTs: now });
      cacheToken(accessToken, info);
      return { userId: session.userId, deviceId, accessToken, refreshToken: null, expiresInMs: null };
    }
    const refreshToken = newRefreshToken();
    const refreshTokenId = await accessTokens.insertRefreshToken(tx, { token: refreshToken, userId: session.userId, deviceId, createdTs: now });
    const lifetime = this.deps.accessTokenLifetimeMs;
    const info = await accessTokens.insertAccessTokenReturningInfo(tx, {
      token: accessToken,
      userId: session.userId,
      deviceId,
      validUntilMs: now + lifetime,
      refreshTokenId,
      createdTs: now,
    });
    cacheToken(accessToken, info);
    return { userId: session.userId, deviceId, accessToken, refreshToken, expiresInMs: lifetime };
  }

  /**
   * POST /refresh: a new access token and refresh token for the refresh token's device.
   * 1. An unknown (or revoked) refresh token: 401 M_UNKNOWN_TOKEN, soft_logout false.
   * 2. If it was used before and its successor is still unused (the client never got the
   *    answer), the successor and its access tokens are discarded and the refresh repeats.
   * 3. Its own access tokens are invalidated at once ("a server can choose to invalidate the
   *    old access token immediately").
   * 4. The refresh token it replaced, if still there, is revoked: this one has now been used.
   */
  async refresh(refreshToken: string): Promise<RefreshedTokens> {
    const { accessTokens } = this.deps;
    const read = this.deps.tokenCache?.startRead();
    const result = await runInTransaction(this.deps.db, async (tx) => {
      const current = await accessTokens.selectRefreshToken(refreshToken, tx);
      if (current === null) return null;
      const cacheToken = this.cacheIssuedOnCommit(tx, current.userId, read);
      if (current.nextTokenId !== null) {
        await accessTokens.deleteAccessTokensByRefreshToken(tx, current.nextTokenId);
        await accessTokens.deleteRefreshToken(tx, current.nextTokenId);
      }
      await accessTokens.deleteAccessTokensByRefreshToken(tx, current.tokenId);
      await accessTokens.deleteRefreshTokensReplacedBy(tx, current.userId, current.deviceId, current.tokenId);
      this.forgetTokensOnCommit(tx, current.userId);
      const now = this.now();
      const nextRefreshToken = newRefreshToken();
      const nextId = await accessTokens.insertRefreshToken(tx, { token: nextRefreshToken, userId: current.userId, deviceId: current.deviceId, createdTs: now });
      await accessTokens.updateRefreshTokenNext(tx, current.tokenId, nextId);
      const accessToken = newAccessToken();
      const info = await accessTokens.insertAccessTokenReturningInfo(tx, {
        token: accessToken,
        userId: current.userId,
        deviceId: current.deviceId,
        validUntilMs: now + this.deps.accessTokenLifetimeMs,
        refreshTokenId: nextId,
        createdTs: now,
      });
      cacheToken(accessToken, info);
      return { accessToken, refreshToken: nextRefreshToken, expiresInMs: this.deps.accessTokenLifetimeMs };
    });
    if (result === null) throw new MatrixError(401, ErrCode.UnknownToken, UNKNOWN_REFRESH_TOKEN, { soft_logout: false });
    return result;
  }

  /**
   * The first use of an access token issued by a refresh: the refresh token it replaced is
   * revoked. Idempotent.
   */
  async confirmRefresh(userId: string, deviceId: string, refreshTokenId: number): Promise<void> {
    await runInTransaction(this.deps.db, async (tx) => {
      if ((await this.deps.accessTokens.deleteRefreshTokensReplacedBy(tx, userId, deviceId, refreshTokenId)) > 0) this.forgetTokensOnCommit(tx, userId);
    });
  }

  /**
   * POST /logout: the token's device goes, and with it every token of that device (spec: "The
   * device associated with the access token is also deleted"). A device-less token (an
   * appservice's) is simply deleted.
   */
  async logout(userId: string, deviceId: string | null, accessToken: string): Promise<void> {
    await runInTransaction(this.deps.db, async (tx) => {
      if (deviceId === null) await this.deps.accessTokens.deleteAccessToken(tx, accessToken);
      else await this.deps.devices.deleteDevice(tx, userId, deviceId);
      this.forgetTokensOnCommit(tx, userId);
    });
  }

  /** POST /logout/all: every device and every token of the user. */
  async logoutAll(userId: string): Promise<void> {
    await runInTransaction(this.deps.db, (tx) => this.revokeSessions(tx, userId, null));
  }

  /**
   * Ends every session of the user but `keep` (the request's own, after a password change):
   * deletes the other devices with their tokens and every other access token, device-less ones
   * included. With `keep` null: all of them (deactivation, logout/all).
   */
  async revokeSessions(tx: EntityManager, userId: string, keep: { deviceId: string | null; accessToken: string } | null): Promise<void> {
    const { devices, accessTokens } = this.deps;
    const keepDevice = keep?.deviceId ?? null;
    const doomed = (await devices.selectDevicesByUser(userId, tx)).map((d) => d.deviceId).filter((id) => id !== keepDevice);
    await devices.deleteDevices(tx, userId, doomed);
    await accessTokens.deleteAccessTokensForUser(tx, userId, keep?.accessToken ?? null);
    this.forgetTokensOnCommit(tx, userId);
  }

  /**
   * Call before anything in `tx` forgets `userId`'s tokens, and before its first statement (or
   * pass the `read` started then); call the function it returns with each token issued. After
   * commit, the tokens are cached unless something other than `tx` forgot the user since.
   */
  private cacheIssuedOnCommit(tx: EntityManager, userId: string, read = this.deps.tokenCache?.startRead()): (token: string, info: AccessTokenInfo) => void {
    const cache = this.deps.tokenCache;
    if (cache === undefined || read === undefined) return () => {};
    // Commit hooks run in order: this one before the transaction's own forgetUser.
    let clean = false;
    onCommit(tx, () => {
      // The cache keeps what it forgot for its TTL only: a longer transaction is not trusted.
      clean = !cache.forgottenSince(userId, read) && cache.startRead().startedAt - read.startedAt < cache.ttlMs;
    });
    return (token, info) =>
      onCommit(tx, () => {
        if (clean) cache.set(token, info, cache.startRead());
      });
  }

  private forgetTokensOnCommit(tx: EntityManager, userId: string): void {
    const forget = this.deps.forgetTokens;
    if (forget !== undefined) onCommit(tx, () => forget(userId));
  }
}
