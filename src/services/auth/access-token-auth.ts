/**
 * Access-token authentication: the token → the requester. Tokens are stored hashed; an expired
 * refreshable token is `M_UNKNOWN_TOKEN` with `soft_logout: true`, so clients refresh rather than
 * log the user out. https://spec.matrix.org/v1.19/client-server-api/#using-access-tokens
 *
 * Tokens found are kept in an AccessTokenCache (bounded, short-lived, forgotten per user when a
 * session ends: see access-token-cache.ts), so most requests do not read the database.
 *
 * Two side effects, both kept off the common path (no write per request):
 * - the first use of a token issued by a refresh revokes the refresh token it replaced
 *   (https://spec.matrix.org/v1.19/client-server-api/#refreshing-access-tokens: "The old
 *   refresh token remains valid until the new access token or refresh token is used");
 * - the device's last-seen time and address are noted (buffered by the callee).
 */
import { ErrCode, MatrixError } from "../../matrix/errors.js";
import type { Requester } from "../../matrix/endpoints/types.js";
import type { AccessTokenInfo, AccessTokensStore } from "../../storage/stores/access-tokens-store.js";
import { AccessTokenCache } from "./access-token-cache.js";

export interface AccessTokenAuthDeps {
  tokens: Pick<AccessTokensStore, "selectAccessToken">;
  /** Revokes the refresh token that `refreshTokenId` replaced (SessionService.confirmRefresh). */
  confirmRefresh?: (userId: string, deviceId: string, refreshTokenId: number) => Promise<void>;
  /** Notes that the device was just used from `ip` (DeviceService.noteActivity). */
  noteActivity?: (userId: string, deviceId: string, ip: string | null) => void;
  now?: () => number;
  /** Shared with whatever forgets users' tokens (SessionService, DeviceService, UserService); default: a private one. */
  cache?: AccessTokenCache;
}

/** Refresh tokens whose first use was handled by this process; cleared when it grows past this. */
const MAX_CONFIRMED = 10_000;

export class AccessTokenAuth {
  private readonly now: () => number;
  private readonly confirmed = new Set<number>();
  private readonly cache: AccessTokenCache;

  constructor(private readonly deps: AccessTokenAuthDeps) {
    this.now = deps.now ?? Date.now;
    this.cache = deps.cache ?? new AccessTokenCache({ now: this.now });
  }

  async authenticate(token: string, ip: string | null = null): Promise<Requester> {
    const info = this.cache.get(token) ?? (await this.lookUp(token));
    if (!info || info.deactivated) throw new MatrixError(401, ErrCode.UnknownToken, "Unrecognised access token.", { soft_logout: false });
    if (info.validUntilMs !== null && info.validUntilMs <= this.now()) {
      throw new MatrixError(401, ErrCode.UnknownToken, "Access token has expired.", { soft_logout: true });
    }
    if (info.deviceId !== null) {
      if (info.refreshTokenId !== null && !this.confirmed.has(info.refreshTokenId) && this.deps.confirmRefresh) {
        // Idempotent, so another process (or a cleared set) doing it again is harmless.
        await this.deps.confirmRefresh(info.userId, info.deviceId, info.refreshTokenId);
        if (this.confirmed.size >= MAX_CONFIRMED) this.confirmed.clear();
        this.confirmed.add(info.refreshTokenId);
      }
      this.deps.noteActivity?.(info.userId, info.deviceId, ip);
    }
    return { userId: info.userId, deviceId: info.deviceId, isGuest: info.isGuest, appserviceId: null };
  }

  /** The database's answer, cached when the token exists (unknown tokens are not remembered). */
  private async lookUp(token: string): Promise<AccessTokenInfo | null> {
    const read = this.cache.startRead();
    const info = await this.deps.tokens.selectAccessToken(token);
    if (info !== null) this.cache.set(token, info, read);
    return info;
  }
}
